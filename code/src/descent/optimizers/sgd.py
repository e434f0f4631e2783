r"""Gradient descent and momentum (chapters 1 and 5): SGD; Momentum and Nesterov in the course's EWMA form; heavy ball
in the velocity form, which is what torch's ``SGD(momentum=…)`` computes.

Which torch call gives which iterates (float64; λ = ``weight_decay`` and ``maximize`` mean the same on both sides):

=====================================================  ===========================================================
torch.optim                                            descent
=====================================================  ===========================================================
SGD(lr=α)                                              SGD(lr=α)
SGD(lr=α(1 − β), momentum=β)                           Momentum(lr=α, beta=β)
SGD(lr=α(1 − β), momentum=β, nesterov=True)            Nesterov(lr=α, beta=β)
SGD(lr=η, momentum=μ, dampening=d, nesterov=n)         HeavyBall(lr=η, mu=μ, dampening=d, nesterov=n), v₀ = 0
SGD(lr=η, momentum=β, dampening=β)                     HeavyBall(lr=η, mu=β, dampening=β): an EWMA of g started
                                                       at g₁ instead of 0; not Momentum (FACTS: b₁ = g₁)
=====================================================  ===========================================================

With a schedule, Momentum and Nesterov still match torch with the lr α_t(1 − β) at every step, but HeavyBall matches
only while the rate is constant: its velocity v = −η b carries the rates of past steps, torch's buffer b does not.
"""

import numpy as np

from .. import _args
from ..ewma import EWMA
from .base import Optimizer


class SGD(Optimizer):
    """Gradient descent: θ ← θ − α g.

    Default α = 0.01. torch: ``SGD(lr=lr, weight_decay=λ, maximize=…)``; for torch's ``momentum`` see
    :class:`HeavyBall` (the same update) and :class:`Momentum` (the course's form).
    """

    hyper = ("lr", "weight_decay")

    def __init__(self, lr=0.01, *, weight_decay=0.0, maximize=False):
        super().__init__(lr, weight_decay, maximize)

    def _update(self, x, g, lr):
        x -= np.multiply(lr, g, out=self._buffers(x, g))


class Momentum(Optimizer):
    """Momentum in the EWMA form of the course: v ← β v + (1 − β) g, θ ← θ − α v (v₀ = 0).

    Defaults α = 0.01, β = 0.9. The velocity is an average of gradients, so α keeps the meaning of a step size.
    torch: ``SGD(lr=lr*(1-beta), momentum=beta)`` gives the same iterates (torch's buffer is b = v/(1 − β));
    it is *not* ``SGD(lr=lr, momentum=beta, dampening=beta)``, whose first buffer is b₁ = g₁.
    """

    hyper = ("lr", "beta", "weight_decay")
    slots = {"v": "velocity"}

    def __init__(self, lr=0.01, beta=0.9, *, weight_decay=0.0, maximize=False):
        self.beta = _args.decay_rate("beta", beta)
        super().__init__(lr, weight_decay, maximize)

    def reset(self):
        super().reset()
        self.velocity = EWMA(self.beta)

    def _update(self, x, g, lr):
        scratch = self._buffers(x, g)
        v = self.velocity.update(g, scratch)
        x -= np.multiply(lr, v, out=scratch)


class Nesterov(Momentum):
    """Nesterov momentum, EWMA form, written with the gradient at the current iterate only:

    v ← β v + (1 − β) g,  θ ← θ − α((1 − β) g + β v).

    This is the look-ahead step θ − αβv evaluated where the gradient is known (Sutskever et al. 2013's rewrite);
    one gradient per step, like plain momentum. torch: ``SGD(lr=lr*(1-beta), momentum=beta, nesterov=True)``.
    """

    def _update(self, x, g, lr):
        scratch, step = self._buffers(x, g, 2)
        v = self.velocity.update(g, scratch)
        step = np.multiply(1 - self.beta, g, out=step)
        step += np.multiply(self.beta, v, out=scratch)
        x -= np.multiply(lr, step, out=step)


class HeavyBall(Optimizer):
    """Polyak's heavy ball in the velocity form of CS231n and Keras: v ← μ v − α g, θ ← θ + v.

    ``v0`` is the initial velocity (default 0); a non-zero v₀ is an extra push that no library applies.
    ``dampening`` d ∈ [0, 1] takes only the share 1 − d of g from the second step on: v ← μ v − α(1 − d) g.
    ``nesterov=True`` (with d = 0) steps from the look-ahead velocity: θ ← θ + μ v − α g, v updated first.

    With v₀ = 0 and a constant α this is exactly torch ``SGD(lr=lr, momentum=mu, dampening=d, nesterov=…)``: torch
    keeps b = −v/α (b₁ = g₁: its first step takes the whole gradient, whatever d) and steps θ ← θ − α b, or
    θ ← θ − α(g + μ b) with Nesterov. Without dampening it is ``Momentum(lr=lr/(1-mu), beta=mu)``, or
    :class:`Nesterov` with the same arguments when ``nesterov=True``.
    """

    hyper = ("lr", "mu", "v0", "dampening", "weight_decay")
    slots = {"v": "v"}

    def __init__(self, lr=0.01, mu=0.9, v0=0.0, *, dampening=0.0, nesterov=False, weight_decay=0.0,
                 maximize=False):
        self.mu = _args.decay_rate("mu", mu)
        self.v0 = _args.nonempty("v0", v0)
        self.dampening = _args.nonnegative("dampening", dampening)
        if np.any(np.asarray(self.dampening) > 1):
            raise ValueError(f"dampening must be in [0, 1]; got {_args.describe(dampening)}")
        self.nesterov = _args.flag("nesterov", nesterov)
        if self.nesterov and np.any(self.dampening):
            raise ValueError(f"nesterov=True needs dampening=0 (as in torch); got dampening={dampening!r}")
        super().__init__(lr, weight_decay, maximize)

    def reset(self):
        super().reset()
        self.v = None

    def _update(self, x, g, lr):
        share = 1 - self.dampening
        if self.v is None:  # the first step takes all of g₁ (torch's buffer starts at b₁ = g₁)
            self.v = np.broadcast_to(self.v0, x.shape).astype(x.dtype)
            share = 1.0
        self.v *= self.mu
        self.v -= lr * share * g
        x += self.mu * self.v - lr * g if self.nesterov else self.v
