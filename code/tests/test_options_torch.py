"""The torch.optim options of the classic optimizers, trajectory for trajectory against torch.optim 2.13 (float64,
random gradient sequences of mixed scales): SGD's weight_decay and maximize; torch's SGD(momentum, dampening,
nesterov) as HeavyBall (and as Momentum / Nesterov under their mapping); AdaGrad's weight_decay and maximize;
RMSprop's centered and momentum; Adam's and AdamW's amsgrad and maximize. Also the state arrays themselves, which
hold what torch's state holds."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import descent
from descent import schedules
from helpers import descent_path, torch_path

torch = pytest.importorskip("torch")

RTOL, ATOL = 1e-12, 1e-13
THETA0 = np.array([1.0, -0.5, 2.0, 0.0, 0.3])


def gradient_sequence(seed, steps=40, n=5):
    """Gradients over several scales (1e-4 … 10), independent of θ."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(steps, n)) * 10.0 ** rng.uniform(-4, 1, size=(1, n))


def agree(ours, make_torch, seed, lrs=None):
    grads = gradient_sequence(seed)
    np.testing.assert_allclose(descent_path(ours, grads, THETA0), torch_path(make_torch, grads, THETA0, lrs=lrs),
                               rtol=RTOL, atol=ATOL)


seeds = st.integers(0, 10_000)
decays = st.sampled_from([0.0, 1e-3, 0.1, 1.0])


@settings(max_examples=30)
@given(seed=seeds, lr=st.floats(1e-3, 0.5), weight_decay=decays, maximize=st.booleans())
def test_sgd_weight_decay_and_maximize(seed, lr, weight_decay, maximize):
    agree(descent.SGD(lr=lr, weight_decay=weight_decay, maximize=maximize),
          lambda ps: torch.optim.SGD(ps, lr=lr, weight_decay=weight_decay, maximize=maximize), seed)


@settings(max_examples=60)
@given(seed=seeds, lr=st.floats(1e-3, 0.5), mu=st.floats(0.01, 0.99), dampening=st.sampled_from([0.0, 0.1, 0.5, 1.0]),
       nesterov=st.booleans(), weight_decay=decays, maximize=st.booleans())
def test_torch_sgd_with_momentum_is_heavy_ball(seed, lr, mu, dampening, nesterov, weight_decay, maximize):
    dampening = 0.0 if nesterov else dampening  # torch and descent both refuse Nesterov with dampening
    options = dict(dampening=dampening, nesterov=nesterov, weight_decay=weight_decay, maximize=maximize)
    agree(descent.HeavyBall(lr=lr, mu=mu, **options), lambda ps: torch.optim.SGD(ps, lr=lr, momentum=mu, **options),
          seed)


@settings(max_examples=30)
@given(seed=seeds, lr=st.floats(1e-3, 1.0), beta=st.floats(0.01, 0.99), weight_decay=decays, maximize=st.booleans())
def test_ewma_momentum_and_nesterov_keep_their_mapping_with_the_options(seed, lr, beta, weight_decay, maximize):
    options = dict(weight_decay=weight_decay, maximize=maximize)
    for cls, nesterov in ((descent.Momentum, False), (descent.Nesterov, True)):
        agree(cls(lr=lr, beta=beta, **options),
              lambda ps: torch.optim.SGD(ps, lr=lr * (1 - beta), momentum=beta, nesterov=nesterov, **options), seed)


@pytest.mark.parametrize("beta", [0.5, 0.9])
def test_torch_dampening_beta_is_the_ewma_started_at_the_first_gradient(beta, lr=0.1):
    """SGD(momentum=β, dampening=β) averages like the course's EWMA, but from b₁ = g₁ (no bias to correct)."""
    grads = gradient_sequence(7)
    ours = descent_path(descent.HeavyBall(lr=lr, mu=beta, dampening=beta), grads, THETA0)
    np.testing.assert_allclose(ours, torch_path(lambda ps: torch.optim.SGD(ps, lr=lr, momentum=beta, dampening=beta),
                                                grads, THETA0), rtol=RTOL, atol=ATOL)
    average = descent.ewma.ewma(grads, beta, init="first")
    np.testing.assert_allclose(ours[1:], THETA0 - lr * np.cumsum(average, axis=0), rtol=1e-10, atol=1e-12)


def test_heavy_ball_equals_torch_only_while_the_rate_is_constant():
    """torch's buffer b holds gradients and each step multiplies it by the rate of that step; the velocity
    v = −α b holds the rates of past steps. With a schedule, Momentum (the EWMA form) still maps, HeavyBall not."""
    sched, beta = schedules.Step(0.1, gamma=0.1, step_size=20), 0.9
    lrs = sched(np.arange(40))
    grads = gradient_sequence(8)
    theirs = torch_path(lambda ps: torch.optim.SGD(ps, lr=1.0, momentum=beta, dampening=0.5), grads, THETA0,
                        lrs=lrs)
    heavy = descent_path(descent.HeavyBall(lr=sched, mu=beta, dampening=0.5), grads, THETA0)
    np.testing.assert_allclose(heavy[:21], theirs[:21], rtol=RTOL, atol=ATOL)
    assert not np.allclose(heavy[21:], theirs[21:], rtol=1e-3)


@settings(max_examples=30)
@given(seed=seeds, lr=st.floats(1e-3, 1.0), lr_decay=st.sampled_from([0.0, 0.5]), weight_decay=decays,
       maximize=st.booleans())
def test_adagrad_weight_decay_and_maximize(seed, lr, lr_decay, weight_decay, maximize):
    options = dict(lr_decay=lr_decay, weight_decay=weight_decay, maximize=maximize)
    agree(descent.AdaGrad(lr=lr, **options), lambda ps: torch.optim.Adagrad(ps, lr=lr, **options), seed)


@settings(max_examples=60)
@given(seed=seeds, lr=st.floats(1e-4, 0.1), beta=st.sampled_from([0.0, 0.5, 0.9, 0.99]),
       eps=st.sampled_from([1e-8, 1e-3]), momentum=st.sampled_from([0.0, 0.5, 0.9]), centered=st.booleans(),
       weight_decay=decays, maximize=st.booleans())
def test_rmsprop_centered_and_momentum(seed, lr, beta, eps, momentum, centered, weight_decay, maximize):
    # centred with β = 0, v − m² = g² − g² is 0 up to rounding (the variance of one sample): ours is exactly 0,
    # torch's fused multiply-add returns the rounding error of g², so both divide by noise
    assume(not (centered and beta == 0))
    options = dict(momentum=momentum, centered=centered, weight_decay=weight_decay, maximize=maximize)
    agree(descent.RMSProp(lr=lr, beta=beta, eps=eps, **options),
          lambda ps: torch.optim.RMSprop(ps, lr=lr, alpha=beta, eps=eps, **options), seed)


def test_rmsprop_momentum_with_a_schedule_scales_the_buffer_by_the_current_rate():
    sched = schedules.Cosine(0.01, total_steps=40)
    agree(descent.RMSProp(lr=sched, momentum=0.9, centered=True),
          lambda ps: torch.optim.RMSprop(ps, lr=1.0, momentum=0.9, centered=True), 9, lrs=sched(np.arange(40)))


adam_options = dict(seed=seeds, lr=st.floats(1e-4, 0.3), beta1=st.sampled_from([0.0, 0.5, 0.9]),
                    beta2=st.sampled_from([0.9, 0.99, 0.999]), weight_decay=decays, amsgrad=st.booleans(),
                    maximize=st.booleans())


@settings(max_examples=60)
@given(**adam_options)
def test_adam_amsgrad_and_maximize(seed, lr, beta1, beta2, weight_decay, amsgrad, maximize):
    options = dict(weight_decay=weight_decay, amsgrad=amsgrad, maximize=maximize)
    agree(descent.Adam(lr=lr, beta1=beta1, beta2=beta2, **options),
          lambda ps: torch.optim.Adam(ps, lr=lr, betas=(beta1, beta2), foreach=False, **options), seed)


@settings(max_examples=60)
@given(**adam_options)
def test_adamw_amsgrad_and_maximize(seed, lr, beta1, beta2, weight_decay, amsgrad, maximize):
    options = dict(weight_decay=weight_decay, amsgrad=amsgrad, maximize=maximize)
    for theirs in (torch.optim.AdamW, lambda ps, **kw: torch.optim.Adam(ps, decoupled_weight_decay=True, **kw)):
        agree(descent.AdamW(lr=lr, beta1=beta1, beta2=beta2, **options),
              lambda ps: theirs(ps, lr=lr, betas=(beta1, beta2), foreach=False, **options), seed)


def test_amsgrad_with_a_schedule():
    sched = schedules.Warmup(schedules.Cosine(0.1, total_steps=40), warmup_steps=5)
    agree(descent.AdamW(lr=sched, amsgrad=True), lambda ps: torch.optim.AdamW(ps, lr=1.0, amsgrad=True), 10,
          lrs=sched(np.arange(40)))


def test_amsgrad_takes_the_maximum_of_the_uncorrected_v():
    """FACTS-MODERN §4: v_max is the running maximum of the raw v, divided by the *current* 1 − β₂ᵗ. A maximum of
    the corrected v̂ is another algorithm: it differs from torch's."""
    grads = gradient_sequence(11)
    opt = descent.Adam(lr=0.1, beta2=0.9, amsgrad=True)
    theta, v_max, corrected_max = THETA0, np.zeros(5), np.zeros(5)
    for t, g in enumerate(grads, start=1):
        theta = opt.step(theta, g)
        v_max = np.maximum(v_max, opt.state["v"])
        corrected_max = np.maximum(corrected_max, opt.state["v"] / (1 - 0.9**t))
        np.testing.assert_array_equal(opt.state["v_max"], v_max)
    assert not np.allclose(v_max / (1 - 0.9 ** len(grads)), corrected_max, rtol=1e-3)


def test_maximize_climbs_what_minimize_descends():
    """maximize=True on f is the same run as minimising −f: the iterates of −g."""
    grads = gradient_sequence(12)
    for make in (lambda **kw: descent.SGD(lr=0.1, **kw), lambda **kw: descent.RMSProp(lr=0.01, centered=True, **kw),
                 lambda **kw: descent.AdamW(lr=0.1, amsgrad=True, **kw)):
        np.testing.assert_array_equal(descent_path(make(maximize=True), grads, THETA0),
                                      descent_path(make(), -grads, THETA0))


@pytest.mark.parametrize("ours, theirs, names", [
    (descent.RMSProp(lr=0.01, momentum=0.9, centered=True), lambda ps: torch.optim.RMSprop(
        ps, lr=0.01, momentum=0.9, centered=True), {"v": "square_avg", "m": "grad_avg", "b": "momentum_buffer"}),
    (descent.Adam(lr=0.01, amsgrad=True), lambda ps: torch.optim.Adam(ps, lr=0.01, amsgrad=True, foreach=False),
     {"m": "exp_avg", "v": "exp_avg_sq", "v_max": "max_exp_avg_sq"}),
    (descent.HeavyBall(lr=0.1, mu=0.9, dampening=0.3), lambda ps: torch.optim.SGD(
        ps, lr=0.1, momentum=0.9, dampening=0.3), {"v": "momentum_buffer"}),
    (descent.AdaGrad(lr=0.1, initial_accumulator_value=0.5), lambda ps: torch.optim.Adagrad(
        ps, lr=0.1, initial_accumulator_value=0.5), {"s": "sum"}),
])
def test_the_state_holds_what_torchs_state_holds(ours, theirs, names):
    """Name for name (heavy ball's velocity is −lr times torch's buffer), after 25 steps."""
    grads = gradient_sequence(13, steps=25)
    descent_path(ours, grads, THETA0)
    p = torch.nn.Parameter(torch.tensor(THETA0))
    opt = theirs([p])
    for g in grads:
        p.grad = torch.tensor(g)
        opt.step()
    for name, theirs_name in names.items():
        expected = opt.state[p][theirs_name].numpy()
        expected = -0.1 * expected if isinstance(ours, descent.HeavyBall) else expected
        np.testing.assert_allclose(ours.state[name], expected, rtol=1e-12, atol=1e-15)
    assert set(ours.state) == set(names) and ours.t == int(opt.state[p].get("step", len(grads)))


@pytest.mark.parametrize("g", [1.0, 1e-3])
def test_centred_rmsprop_blows_up_on_a_constant_gradient_like_torch(g):
    """v − m² = βᵗ(1 − βᵗ)g² → 0: the steps α g/(√(v − m²) + ε), 2α at their smallest (βᵗ = ½), pass 100α at
    t = 917 (β = 0.99) and grow until ε caps them (or v − m² rounds below 0, NaN); torch's steps do the same."""
    grads = np.full((1500, 1), g)
    ours = np.abs(np.diff(descent_path(descent.RMSProp(lr=0.01, centered=True), grads, np.zeros(1))[:, 0]))
    theirs = np.abs(np.diff(torch_path(lambda ps: torch.optim.RMSprop(ps, lr=0.01, centered=True), grads,
                                       np.zeros(1))[:, 0]))
    t = np.arange(1, 1501)
    exact = 0.01 * g / (np.sqrt(0.99**t * (1 - 0.99**t)) * g + 1e-8)
    np.testing.assert_allclose(ours[:800], exact[:800], rtol=1e-6)
    assert np.min(exact) == pytest.approx(2 * 0.01, rel=1e-3)
    assert np.argmax(ours > 1.0) + 1 == np.argmax(theirs > 1.0) + 1 == np.argmax(exact > 1.0) + 1 == 917
