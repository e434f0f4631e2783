"""descent.Shampoo and descent.SOAP give pytorch_optimizer's (4.1.0) trajectories, float64, with the gradient
depending on θ (g_t = θ_{t−1} − θ* + ½ξ_t with fixed Gaussian θ₀, θ*, ξ_t), so both follow their own paths.

Error measure: max over steps of ‖θ_ours − θ_ref‖_∞ / ‖θ_ref‖_∞. Shampoo agrees to 1e-12. SOAP's QR is done in
float32 by the reference, so SOAP is checked three ways on square matrices:
(A) our update with a float64 QR against the reference with its float32 cast removed: 1e-12;
(B) our update calling torch's float32 QR against the unmodified reference: 1e-12;
(C) the class as it is (numpy's float32 QR) against the unmodified reference: 2e-6 (the two float32 QRs differ by
    ~1e-7 and the difference is carried along the run).
Non-square SOAP is not reproducible even by the reference (the null space of g gᵀ at t = 1 has no preferred basis):
it is checked against the reference's own spread under a 1e-15 change of θ₀.
"""

import numpy as np
import pytest

import descent

torch = pytest.importorskip("torch")
pytorch_optimizer = pytest.importorskip("pytorch_optimizer")
soap_module = pytest.importorskip("pytorch_optimizer.optimizer.soap")


def problem(shape, seed=0, steps=50):
    rng = np.random.default_rng(seed)
    return rng.normal(size=shape), rng.normal(size=shape), rng.normal(size=(steps,) + shape)


def gradient(theta, target, xi):
    return (theta - target) + 0.5 * xi


def ours(opt, theta0, target, xis, sign=1.0):
    """Iterates θ_1 … θ_T of a descent optimizer on the stream; `sign` −1 feeds −g (for a maximising run)."""
    theta, out = theta0.copy(), []
    for xi in xis:
        theta = opt.step(theta, sign * gradient(theta, target, xi))
        out.append(theta)
    return np.array(out)


def reference(make, theta0, target, xis, sign=1.0):
    """The same for ``make([param])`` in float64."""
    p = torch.nn.Parameter(torch.tensor(theta0, dtype=torch.float64))
    opt, out = make([p]), []
    for xi in xis:
        p.grad = torch.tensor(sign * gradient(p.detach().numpy(), target, xi))
        opt.step()
        out.append(p.detach().numpy().copy())
    return np.array(out)


def rel(a, b):
    axes = tuple(range(1, a.ndim))
    return float(np.max(np.abs(a - b).max(axis=axes) / np.abs(b).max(axis=axes)))


@pytest.fixture(autouse=True)
def float64_default():
    dtype = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(dtype)


SHAMPOO = [
    {},
    {"lr": 0.1},
    {"lr": 0.1, "momentum": 0.9},
    {"lr": 0.1, "weight_decay": 0.1},
    {"lr": 0.1, "weight_decay": 0.1, "weight_decouple": True},
    {"lr": 0.1, "weight_decay": 0.1, "weight_decouple": True, "fixed_decay": True},
    {"lr": 0.1, "preconditioning_compute_steps": 5, "matrix_eps": 1e-3},
    {"lr": 0.1, "maximize": True},
]


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (5, 5)])
@pytest.mark.parametrize("kwargs", SHAMPOO, ids=str)
def test_shampoo_equals_the_reference(shape, kwargs):
    theta0, target, xis = problem(shape)
    sign = -1.0 if kwargs.get("maximize") else 1.0  # maximising −f follows the same path as minimising f
    path = ours(descent.Shampoo(**kwargs), theta0, target, xis, sign)
    assert rel(path, reference(lambda ps: pytorch_optimizer.Shampoo(ps, **kwargs), theta0, target, xis, sign)) < 1e-12


def test_shampoo_ascent_with_momentum_is_the_reference_descending_on_minus_f():
    """The reference starts its momentum buffer at the un-negated gradient when maximising (docstring); ours starts
    at the gradient it steps on, so maximize=True on −g is the reference minimising on g."""
    theta0, target, xis = problem((5, 3))
    path = ours(descent.Shampoo(lr=0.1, momentum=0.5, maximize=True), theta0, target, xis, sign=-1.0)
    assert rel(path, reference(lambda ps: pytorch_optimizer.Shampoo(ps, lr=0.1, momentum=0.5), theta0, target,
                               xis)) < 1e-12


def test_shampoo_does_not_move_before_its_first_inverse_root():
    theta0, target, xis = problem((4, 3), steps=6)
    path = ours(descent.Shampoo(lr=0.1, preconditioning_compute_steps=5), theta0, target, xis)
    assert np.all(path[:4] == theta0) and np.all(path[4] != theta0)


def test_shampoo_sweeps_and_seeds_are_separate_reference_runs():
    theta0, target, xis = problem((3, 5, 4))
    lr, eps = np.array([0.05, 0.1, 0.2])[:, None, None], np.array([1e-6, 1e-3, 1e-2])[:, None, None]
    path = ours(descent.Shampoo(lr=lr, momentum=0.5, matrix_eps=eps), theta0, target, xis)
    for i in range(3):
        make = lambda ps, i=i: pytorch_optimizer.Shampoo(ps, lr=lr.flat[i], momentum=0.5,  # noqa: E731
                                                         matrix_eps=eps.flat[i])
        assert rel(path[:, i], reference(make, theta0[i], target[i], xis[:, i])) < 1e-12


class NoFloat32:
    """The torch module as soap.py sees it, with float32 replaced by float64: removes the cast before the QR."""

    def __getattr__(self, name):
        return torch.float64 if name == "float32" else getattr(torch, name)


class SOAPFloat64QR(descent.SOAP):
    def _orthonormal(self, p):
        return np.linalg.qr(p)[0]


class SOAPTorchQR(descent.SOAP):
    def _orthonormal(self, p):
        return torch.linalg.qr(torch.tensor(p).to(torch.float32))[0].to(torch.float64).numpy()


SOAP = [
    {},
    {"lr": 0.05, "weight_decay": 0.0},
    {"lr": 0.05, "betas": (0.9, 0.99), "shampoo_beta": 0.9, "precondition_frequency": 3},
    {"lr": 0.02, "precondition_frequency": 2, "correct_bias": False},
    {"lr": 0.02, "precondition_frequency": 4, "normalize_gradient": True, "eps": 1e-3},
    {"lr": 0.02, "maximize": True, "weight_decay": 0.1},
]


def soap_kwargs(kwargs):
    """The reference's arguments in descent's names: betas=(β₁, β₂) → beta1, beta2."""
    kwargs = dict(kwargs)
    if "betas" in kwargs:
        kwargs["beta1"], kwargs["beta2"] = kwargs.pop("betas")
    return kwargs


def soap_paths(cls, kwargs, shape=(5, 5), seed=0, reference_torch=torch):
    theta0, target, xis = problem(shape, seed)
    sign = -1.0 if kwargs.get("maximize") else 1.0
    path = ours(cls(**soap_kwargs(kwargs)), theta0, target, xis, sign)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(soap_module, "torch", reference_torch)
        theirs = reference(lambda ps: pytorch_optimizer.SOAP(ps, **kwargs), theta0, target, xis, sign)
    return path, theirs


@pytest.mark.parametrize("kwargs", SOAP, ids=str)
def test_soap_with_a_float64_qr_equals_the_reference_without_its_float32_cast(kwargs):  # (A)
    assert rel(*soap_paths(SOAPFloat64QR, kwargs, reference_torch=NoFloat32())) < 1e-12


@pytest.mark.parametrize("kwargs", SOAP, ids=str)
def test_soap_with_torchs_float32_qr_equals_the_reference(kwargs):  # (B)
    assert rel(*soap_paths(SOAPTorchQR, kwargs)) < 1e-12


@pytest.mark.parametrize("kwargs", SOAP, ids=str)
@pytest.mark.parametrize("seed", [0, 1])
def test_soap_as_it_is_agrees_with_the_reference_to_float32_qr_rounding(kwargs, seed):  # (C)
    assert rel(*soap_paths(descent.SOAP, kwargs, seed=seed)) < 2e-6


@pytest.mark.parametrize("shape", [(6, 4), (4, 6)])
def test_soap_leaves_a_side_longer_than_max_precondition_dim_unrotated(shape):
    """With the longer side unrotated, the other side's g gᵀ has full rank: a reproducible non-square case."""
    kwargs = {"lr": 0.05, "max_precondition_dim": 5, "precondition_frequency": 3}
    assert rel(*soap_paths(SOAPTorchQR, kwargs, shape=shape)) < 1e-12


@pytest.mark.parametrize("shape", [(6, 4), (4, 6)])
def test_non_square_soap_stays_within_the_references_own_spread(shape):
    theta0, target, xis = problem(shape)
    make = lambda ps: pytorch_optimizer.SOAP(ps, lr=0.05)  # noqa: E731
    theirs = reference(make, theta0, target, xis)
    spread = rel(reference(make, theta0 + 1e-15, target, xis), theirs)
    assert 1e-6 < spread and rel(ours(descent.SOAP(lr=0.05), theta0, target, xis), theirs) < 10 * spread


def test_soaps_first_step_only_initialises():
    theta0, target, xis = problem((4, 4), steps=2)
    opt = descent.SOAP(lr=0.1, weight_decay=0.5)
    path = ours(opt, theta0, target, xis[:1])
    assert np.all(path[0] == theta0) and not np.any(opt.state["m"]) and not np.any(opt.state["v"])
    q = opt.state["Q_L"]
    np.testing.assert_allclose(q @ q.T, np.eye(4), atol=1e-12)


def test_soap_sweeps_and_seeds_are_separate_reference_runs():
    theta0, target, xis = problem((3, 5, 5))
    lr, beta_s = np.array([0.01, 0.03, 0.1])[:, None, None], np.array([0.5, 0.9, 0.99])[:, None, None]
    path = ours(SOAPTorchQR(lr=lr, shampoo_beta=beta_s, precondition_frequency=3), theta0, target, xis)
    for i in range(3):
        make = lambda ps, i=i: pytorch_optimizer.SOAP(ps, lr=lr.flat[i], shampoo_beta=beta_s.flat[i],  # noqa
                                                      precondition_frequency=3)
        assert rel(path[:, i], reference(make, theta0[i], target[i], xis[:, i])) < 1e-12


@pytest.mark.parametrize("make", [lambda: descent.Shampoo(lr=0.1, momentum=0.5), lambda: descent.SOAP(lr=0.1)])
def test_a_saved_run_goes_on_bit_for_bit(make):
    theta0, target, xis = problem((2, 5, 3), steps=12)
    opt, theta = make(), theta0
    for xi in xis[:5]:
        theta = opt.step(theta, gradient(theta, target, xi))
    twin = make()
    twin.load_state_dict(opt.state_dict())
    for xi in xis[5:]:
        g = gradient(theta, target, xi)
        theta, other = opt.step(theta, g), twin.step(theta, g)
        np.testing.assert_array_equal(theta, other)


@pytest.mark.parametrize("make", [descent.Shampoo, descent.SOAP])
def test_a_vector_is_refused_and_a_diverged_run_is_nan_without_warnings(make, recwarn):
    with pytest.raises(ValueError, match=r"x must have shape \(\.\.\., n, m\).*got shape \(5,\)"):
        make().step(np.ones(5), np.ones(5))
    opt, theta = make(lr=np.array([1e-3, 1e300])[:, None, None]), np.ones((2, 3, 3))
    for _ in range(4):
        with np.errstate(all="ignore"):  # the gradient of a diverged run (inf·0 = nan is not the optimizer's)
            g = theta * np.arange(9.0).reshape(3, 3) ** 3
        theta = opt.step(theta, g)
    assert np.all(np.isfinite(theta[0])) and not np.all(np.isfinite(theta[1])) and not recwarn.list


def test_float32_runs_in_float32_near_the_reference():
    theta0, target, xis = problem((6, 4))
    theta0, target, xis = (a.astype(np.float32) for a in (theta0, target, xis))
    path = ours(descent.Shampoo(lr=0.1), theta0, target, xis)
    p = torch.nn.Parameter(torch.tensor(theta0))
    opt, theirs = pytorch_optimizer.Shampoo([p], lr=0.1), []
    for xi in xis:
        p.grad = torch.tensor(gradient(p.detach().numpy(), target, xi))
        opt.step()
        theirs.append(p.detach().numpy().copy())
    assert path.dtype == np.float32 and rel(path, np.array(theirs)) < 1e-4
