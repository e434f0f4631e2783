r"""Broken optimizers that circulate in tutorials, kept so the book can run them and show their symptoms (chapter 6).

Each class subclasses the correct optimizer of :mod:`descent.optimizers` and changes only the line the bug
changes, so reading the two ``_update`` methods side by side shows the bug. Never use them to train.

- :class:`AdaGradLrInAccumulator`: s ← s + α g². The step size becomes √α: exactly AdaGrad(√α, ε/√α).
- :class:`RMSPropAccumulatingDenominator`: ``v += β v + (1 − β) g²``. v grows like (1 + β)ᵗ, each step shrinks
  by about 1/√(1 + β) ≈ 0.71–0.73 and training freezes.
- :class:`RMSPropStepWithV`: θ ← θ − α v. Since v ≥ 0, θ only ever decreases.
- :class:`AdamWrittenBack`: m ← m/(1 − β₁ᵗ), v ← v/(1 − β₂ᵗ) in the state. The corrections compound: v explodes
  towards inf while the steps vanish.
"""

import numpy as np

from .optimizers.adaptive import AdaGrad, Adam, RMSProp, _denominator


class AdaGradLrInAccumulator(AdaGrad):
    r"""AdaGrad with the learning rate folded into the accumulator (a bug): s ← s + α g², θ ← θ − α g/(√s + ε).

    It circulates in from-scratch implementations (blog posts comparing optimizers on MNIST) that write
    ``h += lr * g * g``. Since √(α Σg²) = √α √(Σg²),

        θ ← θ − √α · g / (√(Σ g²) + ε/√α),

    which is exactly correct AdaGrad with learning rate √α and ε/√α: α = 0.01 behaves like 0.1, and α = 1e-4 like
    0.01. A sweep over α is really a sweep over √α. (With ``lr_decay`` the sum uses the base α.)
    """

    def _update(self, x, g, lr):
        if self.sum_sq is None:
            self.sum_sq = np.broadcast_to(self.initial_accumulator_value, x.shape).astype(x.dtype)
        self.sum_sq += lr * g * g  # the bug: α belongs to the step, not to the sum of squares
        clr = lr / (1 + (self.t - 1) * self.lr_decay)
        x -= clr * g / _denominator(self.sum_sq, self.eps, self.eps_inside_sqrt)


class RMSPropAccumulatingDenominator(RMSProp):
    r"""RMSProp whose mean square is accumulated with ``+=`` instead of assigned (a bug):

        v ← v + (β v + (1 − β) g²) = (1 + β) v + (1 − β) g²,   θ ← θ − α g/(√v + ε).

    It circulates in from-scratch RMSProp and Adam code written as ``v += beta * v + (1 - beta) * g**2``. The old v
    is counted twice, so v grows like (1 + β)ᵗ and, for gradients of steady size, each step is about 1/√(1 + β)
    times the previous one (0.73 at β = 0.9, 0.71 at β = 0.99): the total distance travelled is bounded and
    training freezes.
    """

    def _update(self, x, g, lr):
        old = 0.0 if self.mean_sq.average is None else self.mean_sq.average.copy()
        v = self.mean_sq.update(g * g)  # β v + (1 − β) g², the correct new value …
        v += old                        # … the bug: `+=` adds the old v once more
        x -= lr * g / _denominator(v, self.eps, self.eps_inside_sqrt)


class RMSPropStepWithV(RMSProp):
    r"""RMSProp that steps along the mean square instead of the scaled gradient (a bug): θ ← θ − α v.

    It circulates in survey articles that write the RMSProp update as "θ ← θ − α v". The correct step is
    θ ← θ − α g/(√v + ε). Since v = β v + (1 − β) g² ≥ 0, this θ can only decrease, whatever the gradient says:
    on f(θ) = θ² from θ₀ = −1 (α = 0.01, β = 0.9) it runs off to −∞ and overflows in 68 steps.
    """

    def _update(self, x, g, lr):
        v = self.mean_sq.update(g * g)
        x -= lr * v  # the bug: v is the average of g², not a step direction


class AdamWrittenBack(Adam):
    r"""Adam that writes the bias-corrected moments back into its running state (a bug):

        m ← (β₁ m + (1 − β₁) g)/(1 − β₁ᵗ),   v ← (β₂ v + (1 − β₂) g²)/(1 − β₂ᵗ),   θ ← θ − α m/(√v + ε).

    It circulates in a widely shared visual article (FACTS §3). Each step multiplies v by about β₂/(1 − β₂ᵗ), which
    is > 1 until t ≈ 6900 at β₂ = 0.999: v overflows to inf while the steps vanish and θ freezes on a slope. The
    ``_update`` is :class:`~descent.optimizers.Adam`'s (paper form) with the two correction lines writing into the
    state; the arguments are Adam's that this form uses.
    """

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, eps_inside_sqrt=False):
        super().__init__(lr, beta1, beta2, eps, weight_decay, eps_inside_sqrt=eps_inside_sqrt)

    def _update(self, x, g, lr):
        step, g2 = self._buffers(x, g, 2)
        m = self.m.update(g, step)
        v = self.v.update(np.multiply(g, g, out=g2), g2)
        m_hat = np.divide(m, self.m.correction, out=m)  # the bug: out=m and out=v overwrite the running moments,
        v_hat = np.divide(v, self.v.correction, out=v)  # so the next step corrects the corrected values again
        step = np.multiply(lr, m_hat, out=step)
        x -= np.divide(step, _denominator(v_hat, self.eps, self.eps_inside_sqrt, out=g2), out=step)
