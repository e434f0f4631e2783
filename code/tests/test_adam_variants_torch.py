"""NAdam, RAdam, Adamax and AMSGrad against torch.optim 2.13, trajectory for trajectory in float64, with a gradient
that depends on θ (g_t = (θ_{t−1} − θ*) + ½ξ_t, as FACTS-MODERN.md "How each box was checked"), so that each
implementation follows its own path. Defaults, non-default settings, every option, both of torch's code paths,
sweeps, and each place where torch departs from the paper or from the obvious reading (the traps)."""

import numpy as np
import pytest

import descent
from descent.optimizers import nadam_momentum, radam_rectifier

torch = pytest.importorskip("torch")

STEPS = 50
RNG = np.random.default_rng(0)
THETA0, TARGET = RNG.standard_normal((6, 4)), RNG.standard_normal((6, 4))
NOISE = RNG.standard_normal((STEPS, 6, 4))


@pytest.fixture
def float64_default():
    """torch's NAdam keeps Π in the default dtype: float64 for these tests, restored afterwards."""
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(before)


def gradient(theta, t, scale=1.0):
    return scale * ((theta - TARGET) + 0.5 * NOISE[t])


def ours(opt, theta0=THETA0, scale=1.0, steps=STEPS):
    theta, path = np.array(theta0, dtype=float), [np.array(theta0, dtype=float)]
    for t in range(steps):
        theta = opt.step(theta, gradient(theta, t, scale))
        path.append(theta)
    return np.array(path)


def theirs(make, theta0=THETA0, scale=1.0, steps=STEPS):
    p = torch.nn.Parameter(torch.tensor(np.array(theta0, dtype=float), dtype=torch.float64))
    opt, path = make([p]), [np.array(theta0, dtype=float)]
    for t in range(steps):
        p.grad = torch.tensor(gradient(p.detach().numpy(), t, scale), dtype=torch.float64)
        opt.step()
        path.append(p.detach().numpy().copy())
    return np.array(path)


def relative_error(a, b):
    """max over steps of ‖a − b‖_∞ / ‖b‖_∞."""
    axes = tuple(range(1, a.ndim))
    return np.max(np.abs(a - b).max(axis=axes) / np.abs(b).max(axis=axes))


def assert_agree(a, b, rel=1e-12):
    assert relative_error(a, b) <= rel


# (descent class, torch class, keyword arguments shared by both; betas are spelled per library)
CASES = [
    ("NAdam", {}),
    ("NAdam", dict(lr=0.05, weight_decay=0.1)),
    ("NAdam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True)),
    ("NAdam", dict(lr=0.02, momentum_decay=0.04, betas=(0.8, 0.99), eps=1e-3, maximize=True)),
    ("NAdam", dict(lr=0.05, momentum_decay=0.0)),
    ("RAdam", {}),
    ("RAdam", dict(lr=0.05, betas=(0.9, 0.99), eps=1e-3)),
    ("RAdam", dict(lr=0.05, weight_decay=0.1)),
    ("RAdam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("RAdam", dict(lr=0.05, betas=(0.5, 0.6))),  # ρ_∞ = 4: never rectified, momentum steps only
    ("Adamax", {}),
    ("Adamax", dict(lr=0.05, betas=(0.8, 0.99), eps=0.3)),
    ("Adamax", dict(lr=0.05, weight_decay=0.1, maximize=True)),
]


def as_descent(kwargs):
    kwargs = dict(kwargs)
    if "betas" in kwargs:
        kwargs["beta1"], kwargs["beta2"] = kwargs.pop("betas")
    return kwargs


@pytest.mark.parametrize("foreach", [False, True])
@pytest.mark.parametrize("name, kwargs", CASES, ids=[f"{n}-{sorted(k)}" for n, k in CASES])
def test_trajectory_equals_torchs(name, kwargs, foreach, float64_default):
    ours_path = ours(getattr(descent, name)(**as_descent(kwargs)))
    theirs_path = theirs(lambda ps: getattr(torch.optim, name)(ps, foreach=foreach, **kwargs))
    assert_agree(ours_path, theirs_path)
    assert np.abs(ours_path[-1] - THETA0).max() > 1e-3  # the runs went somewhere


@pytest.mark.parametrize("name", ["NAdam", "RAdam", "Adamax"])
def test_defaults_are_torchs(name):
    ours_opt = getattr(descent, name)()
    p = torch.nn.Parameter(torch.zeros(1))
    defaults = getattr(torch.optim, name)([p]).defaults
    assert ours_opt.lr == defaults["lr"] and (ours_opt.beta1, ours_opt.beta2) == defaults["betas"]
    assert ours_opt.eps == defaults["eps"] and ours_opt.weight_decay == defaults["weight_decay"]
    assert ours_opt.maximize == defaults["maximize"]
    assert ours_opt.decoupled == defaults.get("decoupled_weight_decay", False)
    if name == "NAdam":
        assert ours_opt.momentum_decay == defaults["momentum_decay"]


@pytest.mark.parametrize("amsgrad_kwargs", [{}, dict(lr=0.05, betas=(0.8, 0.99), weight_decay=0.1, maximize=True)])
@pytest.mark.parametrize("name", ["Adam", "AdamW"])
def test_amsgrad_trajectory_equals_torchs(name, amsgrad_kwargs):
    """AMSGrad is Adam(amsgrad=True) and AdamW(amsgrad=True): coupled and decoupled λ, defaults and not."""
    kwargs = dict(amsgrad_kwargs, amsgrad=True)
    assert_agree(ours(getattr(descent, name)(**as_descent(kwargs))),
                 theirs(lambda ps: getattr(torch.optim, name)(ps, foreach=False, **kwargs)))


def amsgrad_by_hand(lr, beta1, beta2, eps, corrected_max):
    """AMSGrad written out; ``corrected_max`` takes the maximum over v̂ = v/(1 − β₂ᵗ) (a classic mistake)."""
    theta, m, v, v_max, path = THETA0.copy(), 0.0, 0.0, 0.0, [THETA0.copy()]
    for k in range(STEPS):
        t, g = k + 1, gradient(theta, k)
        m, v = beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g * g
        if corrected_max:
            v_max = np.maximum(v_max, v / (1 - beta2**t))
            v_hat = v_max
        else:
            v_max = np.maximum(v_max, v)
            v_hat = v_max / (1 - beta2**t)
        theta = theta - lr * m / (1 - beta1**t) / (np.sqrt(v_hat) + eps)
        path.append(theta)
    return np.array(path)


def test_amsgrad_trap_the_maximum_is_over_the_uncorrected_v():
    """FACTS-MODERN §4: torch keeps the maximum of the raw v and divides it by the current 1 − β₂ᵗ; the maximum of
    v̂ is another trajectory (relative difference about 0.2 here)."""
    reference = theirs(lambda ps: torch.optim.Adam(ps, lr=0.05, amsgrad=True, foreach=False))
    assert_agree(amsgrad_by_hand(0.05, 0.9, 0.999, 1e-8, corrected_max=False), reference)
    assert_agree(ours(descent.Adam(lr=0.05, amsgrad=True)), reference)
    assert relative_error(amsgrad_by_hand(0.05, 0.9, 0.999, 1e-8, corrected_max=True), reference) > 0.05


def test_nadam_trap_torchs_float32_mu_product():
    """With torch's default dtype float32, Π is float32 even for float64 parameters: the trajectory drifts from the
    float64 one by more than rounding (about 1e-10), but stays close; with float64 Π they agree to 1e-12."""
    assert torch.get_default_dtype() == torch.float32
    path = ours(descent.NAdam(lr=0.05))
    drift = relative_error(path, theirs(lambda ps: torch.optim.NAdam(ps, lr=0.05, foreach=False)))
    assert 1e-12 < drift < 1e-7


def test_nadam_momentum_schedule_is_torchs():
    """μ_t at the steps FACTS-MODERN §1 lists, and the slow approach to β₁: about half of it for thousands of steps."""
    expected = {1: 0.4501, 100: 0.4573, 1000: 0.5178, 5000: 0.7011, 10000: 0.8121, 50000: 0.8999}
    for t, mu in expected.items():
        assert nadam_momentum(t) == pytest.approx(mu, abs=1e-4)
    assert nadam_momentum(np.arange(1, 1001)).max() < 0.52
    assert nadam_momentum(7, 0.8, 0.0) == pytest.approx(0.4)


def test_nadam_resumes_with_the_same_mu_product():
    """Π is recomputed from t after a load (or setting t), multiplied in torch's order: bit for bit the same run."""
    whole = ours(descent.NAdam(lr=0.05))
    first = descent.NAdam(lr=0.05)
    theta = THETA0
    for k in range(20):
        theta = first.step(theta, gradient(theta, k))
    resumed = descent.NAdam(lr=0.05)
    resumed.load_state_dict(first.state_dict())
    for k in range(20, STEPS):
        theta = resumed.step(theta, gradient(theta, k))
    np.testing.assert_array_equal(theta, whole[-1])


def test_radam_rectifier_and_threshold():
    """ρ₅ = 4.996 < 5 < ρ₆ = 5.994 (β₂ = 0.999); the first adaptive step is t = 6 for β₂ = 0.95 … 0.999."""
    assert radam_rectifier(5)[0] == pytest.approx(4.996, abs=1e-3)
    assert radam_rectifier(6)[0] == pytest.approx(5.994, abs=1e-3)
    for beta2 in (0.95, 0.98, 0.99, 0.999):
        rho, r = radam_rectifier(np.arange(1, 11), beta2)
        assert np.flatnonzero(rho > 5)[0] + 1 == 6 and np.isnan(r[:5]).all() and np.all((r[5:] > 0) & (r[5:] < 1))
    rho, r = radam_rectifier(1e6)
    assert rho == pytest.approx(1999) and r == pytest.approx(1.0)


def test_radam_trap_first_five_steps_are_unnormalised_momentum():
    """Steps 1–5 are α m̂: scaling the gradient by 1000 scales those steps by 1000 (Adam's would not change), and the
    first step is exactly −α g₁. From step 6 the step is normalised again."""
    small = ours(descent.RAdam(lr=1e-3), scale=1e-3, steps=8)
    large = ours(descent.RAdam(lr=1e-3), scale=1.0, steps=8)
    np.testing.assert_allclose(small[1] - small[0], -1e-3 * gradient(THETA0, 0, 1e-3), rtol=1e-9, atol=1e-15)
    ratio = np.abs(large[1:6] - large[:5]).max(axis=(1, 2)) / np.abs(small[1:6] - small[:5]).max(axis=(1, 2))
    assert np.all(ratio > 100)
    assert_agree(large, theirs(lambda ps: torch.optim.RAdam(ps, lr=1e-3), steps=8))


def test_radam_trap_eps_is_added_to_the_uncorrected_root():
    """ε on √v (torch) vs on √v̂ (Adam's placement): different trajectories at ε = 1e-3."""
    lr, beta1, beta2, eps = 0.05, 0.9, 0.99, 1e-3
    theta, m, v, path = THETA0.copy(), 0.0, 0.0, [THETA0.copy()]
    for k in range(STEPS):
        t, g = k + 1, gradient(theta, k)
        m, v = beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g * g
        rho, r = radam_rectifier(t, beta2)
        m_hat = m / (1 - beta1**t)
        theta = theta - (lr * r * m_hat / (np.sqrt(v / (1 - beta2**t)) + eps) if rho > 5 else lr * m_hat)
        path.append(theta)
    reference = theirs(lambda ps: torch.optim.RAdam(ps, lr=lr, betas=(beta1, beta2), eps=eps))
    assert_agree(ours(descent.RAdam(lr=lr, beta1=beta1, beta2=beta2, eps=eps)), reference)
    assert relative_error(np.array(path), reference) > 1e-5


def test_adamax_trap_eps_inside_the_maximum():
    """u ← max(β₂u, |g| + ε) and θ ← θ − α/(1 − β₁ᵗ)·m/u (torch); m/(u + ε) with ε outside is another run."""
    lr, eps = 0.05, 0.3
    theta, m, u, path = THETA0.copy(), 0.0, 0.0, [THETA0.copy()]
    for k in range(STEPS):
        t, g = k + 1, gradient(theta, k)
        m, u = 0.9 * m + 0.1 * g, np.maximum(0.999 * u, np.abs(g))
        theta = theta - lr / (1 - 0.9**t) * m / (u + eps)
        path.append(theta)
    reference = theirs(lambda ps: torch.optim.Adamax(ps, lr=lr, eps=eps))
    assert_agree(ours(descent.Adamax(lr=lr, eps=eps)), reference)
    assert relative_error(np.array(path), reference) > 1e-4


@pytest.mark.parametrize("name", ["NAdam", "RAdam", "Adamax"])
def test_a_vector_of_learning_rates_is_separate_torch_runs(name, float64_default):
    lrs = np.array([1e-3, 1e-2, 0.1])
    theta0 = np.broadcast_to(THETA0, (3, 6, 4))
    sweep = ours(getattr(descent, name)(lr=lrs[:, None, None]), theta0)
    for i, lr in enumerate(lrs):
        assert_agree(sweep[:, i], theirs(lambda ps: getattr(torch.optim, name)(ps, lr=lr, foreach=False)))


@pytest.mark.parametrize("name", ["NAdam", "RAdam", "Adamax"])
def test_a_vector_of_betas_is_separate_torch_runs(name, float64_default):
    """β₂ = 0.6 (RAdam: never rectified) next to 0.999 (rectified from step 6): both branches in one call."""
    beta1, beta2 = np.array([0.5, 0.9]), np.array([0.6, 0.999])
    theta0 = np.broadcast_to(THETA0, (2, 6, 4))
    sweep = ours(getattr(descent, name)(lr=0.05, beta1=beta1[:, None, None], beta2=beta2[:, None, None]), theta0)
    for i in range(2):
        assert_agree(sweep[:, i], theirs(lambda ps: getattr(torch.optim, name)(
            ps, lr=0.05, betas=(beta1[i], beta2[i]), foreach=False)))


@pytest.mark.parametrize("name, names", [("NAdam", {"m": "exp_avg", "v": "exp_avg_sq"}),
                                         ("RAdam", {"m": "exp_avg", "v": "exp_avg_sq"}),
                                         ("Adamax", {"m": "exp_avg", "u": "exp_inf"})])
def test_the_state_holds_what_torchs_state_holds(name, names, float64_default):
    opt = getattr(descent, name)(lr=0.05)
    ours(opt, steps=20)
    p = torch.nn.Parameter(torch.tensor(THETA0))
    reference = getattr(torch.optim, name)([p], lr=0.05, foreach=False)
    for t in range(20):
        p.grad = torch.tensor(gradient(p.detach().numpy(), t))
        reference.step()
    state = reference.state[p]
    assert set(opt.state) == set(names) and opt.t == int(state["step"]) == 20
    for ours_name, torch_name in names.items():
        np.testing.assert_allclose(opt.state[ours_name], state[torch_name].numpy(), rtol=1e-12, atol=1e-15)
    if name == "NAdam":
        assert opt._product == pytest.approx(float(state["mu_product"]), rel=1e-14)


def test_float32_parameters_stay_float32():
    for opt in (descent.NAdam(), descent.RAdam(), descent.Adamax()):
        x = np.ones(4, dtype=np.float32)
        for _ in range(7):
            x = opt.step(x, x)
        assert x.dtype == np.float32 and all(a.dtype == np.float32 for a in opt.state.values())
