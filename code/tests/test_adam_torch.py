"""descent's Adam family against torch.optim (float64), hand computations of the opt-in variants, and properties.

torch is used only here: the chapter shows the same mappings without importing it.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import descent
from descent import buggy
from helpers import descent_path, torch_path

torch = pytest.importorskip("torch")

STEPS = 40


def gradient_sequence(seed, shape=(3, 4), steps=STEPS):
    """Random gradients g_1..g_T of mixed scales (1e-3 to 1e2), independent of θ."""
    rng = np.random.default_rng(seed)
    scale = 10.0 ** rng.uniform(-3, 2, size=shape)
    return rng.standard_normal((steps,) + shape) * scale


HYPER = [
    dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0),
    dict(lr=0.1, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.0),
    dict(lr=0.05, betas=(0.0, 0.9), eps=1e-8, weight_decay=0.0),
    dict(lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1),
    dict(lr=0.2, betas=(0.5, 0.95), eps=1e-3, weight_decay=1.0),
]


def as_descent(h):
    return dict(lr=h["lr"], beta1=h["betas"][0], beta2=h["betas"][1], eps=h["eps"], weight_decay=h["weight_decay"])


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("h", HYPER)
def test_adam_equals_torch_adam(h, seed):
    """Adam(lr, beta1, beta2, eps, weight_decay) ≡ torch.optim.Adam(lr, betas=(beta1, beta2), eps, weight_decay),
    including the coupled L2 term (λθ added to g before both moments)."""
    grads = gradient_sequence(seed)
    theta0 = np.random.default_rng(seed + 100).standard_normal(grads.shape[1:])
    ours = descent_path(descent.Adam(**as_descent(h)), grads, theta0)
    theirs = torch_path(lambda ps: torch.optim.Adam(ps, foreach=False, **h), grads, theta0)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("h", [dict(h, weight_decay=wd) for h, wd in zip(HYPER, (0.01, 0.0, 0.5, 0.1, 1.0))])
def test_adamw_equals_torch_adamw(h, seed):
    """AdamW(...) ≡ torch.optim.AdamW(...): θ ← θ(1 − αλ) first, then the Adam step on the raw gradient."""
    grads = gradient_sequence(seed)
    theta0 = np.random.default_rng(seed + 200).standard_normal(grads.shape[1:])
    ours = descent_path(descent.AdamW(**as_descent(h)), grads, theta0)
    theirs = torch_path(lambda ps: torch.optim.AdamW(ps, foreach=False, **h), grads, theta0)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14)


def test_adamw_default_weight_decay_is_torchs():
    grads = gradient_sequence(3)
    theta0 = np.ones(grads.shape[1:])
    ours = descent_path(descent.AdamW(), grads, theta0)
    theirs = torch_path(lambda ps: torch.optim.AdamW(ps, foreach=False), grads, theta0)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14)


def test_sweep_equals_separate_torch_runs():
    """A sweep lr of shape (R, 1) is R torch runs, one per learning rate."""
    lrs = np.array([1e-3, 1e-2, 1e-1])
    grads = gradient_sequence(4, shape=(3, 2))
    theta0 = np.zeros((3, 2))
    ours = descent_path(descent.Adam(lr=lrs[:, None]), grads, theta0)
    for r, lr in enumerate(lrs):
        theirs = torch_path(lambda ps: torch.optim.Adam(ps, lr=lr, foreach=False), grads[:, r], theta0[r])
        np.testing.assert_allclose(ours[:, r], theirs, rtol=1e-12, atol=1e-14)


def adam_by_hand(grads, theta0, lr, beta1, beta2, eps_of_t, broken=False):
    """Adam written out step by step; ε may depend on t; ``broken`` writes m̂, v̂ back into m, v."""
    theta, m, v, out = theta0.copy(), np.zeros_like(theta0), np.zeros_like(theta0), [theta0.copy()]
    for t, g in enumerate(grads, start=1):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
        if broken:
            m, v = m_hat, v_hat
        theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps_of_t(t))
        out.append(theta)
    return np.array(out)


@pytest.mark.parametrize("eps", [1e-8, 1e-7, 1e-3])
def test_keras_form_is_paper_form_with_eps_hat(eps):
    """The keras form θ −= α·√(1−β₂ᵗ)/(1−β₁ᵗ)·m/(√v + ε̂) equals the paper form exactly when ε̂ = ε·√(1 − β₂ᵗ).

    Checked both ways by hand: keras with a constant ε is paper Adam with ε_t = ε/√(1 − β₂ᵗ) (31.6ε at t = 1), and
    paper Adam with ε is the keras computation with ε̂_t = ε·√(1 − β₂ᵗ).
    """
    grads = gradient_sequence(5) * 1e-4  # small gradients, where ε matters
    theta0 = np.zeros(grads.shape[1:])
    keras = descent_path(descent.Adam(lr=0.01, eps=eps, eps_form="keras"), grads, theta0)
    hand = adam_by_hand(grads, theta0, 0.01, 0.9, 0.999, lambda t: eps / np.sqrt(1 - 0.999**t))
    np.testing.assert_allclose(keras, hand, rtol=1e-12, atol=1e-15)
    paper, theta, lr = [theta0], theta0, 0.01
    opt = descent.Adam(lr=lr, eps=eps)
    for t, g in enumerate(grads, start=1):  # the paper form, computed in the keras way with ε̂_t = ε√(1 − β₂ᵗ)
        theta = opt.step(theta, g)
        m, v = opt.state["m"], opt.state["v"]
        lr_t = lr * np.sqrt(1 - 0.999**t) / (1 - 0.9**t)
        np.testing.assert_allclose(theta, paper[-1] - lr_t * m / (np.sqrt(v) + eps * np.sqrt(1 - 0.999**t)),
                                   rtol=1e-12, atol=1e-15)
        paper.append(theta)
    paper = descent_path(descent.Adam(lr=0.01, eps=eps), grads, theta0)
    assert not np.allclose(keras, paper, rtol=1e-9, atol=0)  # the two forms are not the same algorithm


def test_the_written_back_adam_is_the_broken_algorithm():
    grads = gradient_sequence(6, steps=60)
    theta0 = np.zeros(grads.shape[1:])
    for beta2 in (0.999, 0.9):
        ours = descent_path(buggy.AdamWrittenBack(lr=0.1, beta2=beta2), grads, theta0)
        hand = adam_by_hand(grads, theta0, 0.1, 0.9, beta2, lambda t: 1e-8, broken=True)
        np.testing.assert_allclose(ours, hand, rtol=1e-10, atol=1e-15)


def test_broken_second_moment_overflows_at_step_328_on_the_wiggly_function():
    """FACTS §3: from x₀ = −20 on the wiggly function, the broken v reaches inf at t = 328 while x freezes."""
    wiggly = descent.functions.Wiggly()
    opt, x = buggy.AdamWrittenBack(lr=0.1), np.array([-20.0])
    first_inf = None
    for t in range(1, 400):
        x = opt.step(x, wiggly.grad(x))
        if first_inf is None and not np.isfinite(opt.state["v"][0]):
            first_inf = t
    assert first_inf == 328
    assert np.isfinite(x).all() and abs(wiggly.grad(x)[0]) > 0.1  # frozen on a slope


# ---- properties ---------------------------------------------------------------------------------------------

gradients = hnp.arrays(np.float64, (12, 3), elements=st.floats(-10, 10)).filter(lambda g: np.all(np.abs(g) > 1e-3))
betas = st.tuples(st.floats(0.0, 0.99), st.floats(0.5, 0.9999))


@given(gradients, st.floats(1e-3, 1e3), betas)
def test_adam_and_rmsprop_are_invariant_to_gradient_scale(grads, c, b):
    """Multiplying every gradient by c > 0 leaves the iterates unchanged (ε → tiny)."""
    theta0 = np.zeros(3)
    for make in (lambda: descent.Adam(lr=0.1, beta1=b[0], beta2=b[1], eps=1e-300),
                 lambda: descent.RMSProp(lr=0.1, beta=b[1], eps=1e-300)):
        np.testing.assert_allclose(descent_path(make(), c * grads, theta0), descent_path(make(), grads, theta0),
                                   rtol=1e-9, atol=1e-12)


@given(hnp.arrays(np.float64, 5, elements=st.floats(1e-6, 1e6) | st.floats(-1e6, -1e-6)),
       st.floats(1e-5, 1.0), betas)
def test_first_adam_step_has_magnitude_lr(g, lr, b):
    """Step 1: m̂ = g, v̂ = g², so |Δθ| = α|g|/(|g| + ε) = α per coordinate, up to ε/|g|."""
    opt = descent.Adam(lr=lr, beta1=b[0], beta2=b[1])
    delta = opt.step(np.zeros(5), g)
    np.testing.assert_allclose(np.abs(delta), lr * np.abs(g) / (np.abs(g) + 1e-8), rtol=1e-12)
    np.testing.assert_allclose(np.abs(delta), lr, rtol=1e-8 / 1e-6 * 1.01)
    np.testing.assert_array_equal(np.sign(delta), -np.sign(g))


def step_bound(t, beta1, beta2):
    """C_t = sup |m̂_t|/√v̂_t over all gradient sequences (Cauchy–Schwarz, attained for g_k ∝ (β₂/β₁)^k)."""
    j = np.arange(t)
    total = np.sum((beta1**2 / beta2) ** j)
    return (1 - beta1) / (1 - beta1**t) * np.sqrt((1 - beta2**t) / (1 - beta2) * total)


@given(hnp.arrays(np.float64, (30, 4), elements=st.floats(-1e3, 1e3)), st.sampled_from([(0.9, 0.999), (0.8, 0.99),
                                                                                     (0.5, 0.9)]))
def test_adam_step_is_bounded(grads, b):
    """|Δθ_t| ≤ α·C_t on any gradient sequence; C_t ≤ 7.3 for the defaults (so 'about α', never unbounded)."""
    opt, theta = descent.Adam(lr=1.0, beta1=b[0], beta2=b[1]), np.zeros(4)
    for t, g in enumerate(grads, start=1):
        new = opt.step(theta, g)
        assert np.all(np.abs(new - theta) <= step_bound(t, *b) * (1 + 1e-12))
        theta = new


def test_step_bound_is_attained_and_exceeds_the_papers_heuristic():
    """Gradients growing like (β₂/β₁)^k reach C_t (→ 7.27α for the defaults), above Kingma & Ba's heuristic bound
    (1−β₁)/√(1−β₂)·α = 3.16α. t = 2900 keeps every g² above the smallest float64."""
    beta1, beta2, t = 0.9, 0.999, 2900
    grads = (beta1 / beta2) ** np.arange(t - 1, -1, -1.0)  # g_k ∝ (β₂/β₁)^k, scaled so that g_t = 1
    opt, theta = descent.Adam(lr=1.0, eps=1e-300), np.zeros(1)
    for g in grads:
        new = opt.step(theta, np.array([g]))
        step, theta = abs(new - theta)[0], new
    assert step == pytest.approx(step_bound(t, beta1, beta2), rel=1e-9)
    assert step > 7.0 > 3.2 > (1 - beta1) / np.sqrt(1 - beta2)
