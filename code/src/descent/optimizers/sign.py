r"""Lion: the sign of an interpolated momentum (chapter 16, "Memory and geometry").

Found by a program search (Chen et al. 2023): one state array, like momentum, and every coordinate moves by
exactly ±α (or 0) per step, so its learning rate is smaller and its weight decay larger than AdamW's.
"""

import numpy as np

from .. import _args
from ..schedules import Schedule
from .base import Optimizer


class Lion(Optimizer):
    r"""Lion (EvoLved Sign Momentum, Chen et al. 2023):

        θ ← (1 − α_t λ) θ,   c = β₁ m + (1 − β₁) g,   θ ← θ − α_t sign(c),   m ← β₂ m + (1 − β₂) g.

    Reference: lion-pytorch 0.2.5 ``lion_pytorch.Lion(lr, betas=(beta1, beta2), weight_decay,
    decoupled_weight_decay)``, same defaults: α = 1e-4, β₁ = 0.9, β₂ = 0.99, λ = 0; bit-identical iterates
    (float64 and float32), also with a schedule. Points to watch:

    - two betas: the step uses β₁, the stored momentum β₂, and c uses m from *before* this step's update;
    - sign(0) = 0: a coordinate with c = 0 does not move;
    - the decay is multiplicative and uses the current rate α_t (a schedule scales it too). With
      ``decoupled_weight_decay=True`` it is λ α_t/α₀ (α₀ = α, or a schedule's base rate ``lr0``):
      the schedule's ratio, independent of α itself, as in the paper's AdamW-style decay.

    No ``maximize`` (the reference has none).
    """

    hyper = ("lr", "beta1", "beta2", "weight_decay")
    slots = {"m": "m"}
    decoupled = True

    def __init__(self, lr=1e-4, beta1=0.9, beta2=0.99, weight_decay=0.0, decoupled_weight_decay=False):
        self.beta1 = _args.decay_rate("beta1", beta1)
        self.beta2 = _args.decay_rate("beta2", beta2)
        self.decoupled_weight_decay = _args.flag("decoupled_weight_decay", decoupled_weight_decay)
        super().__init__(lr, weight_decay)

    def reset(self):
        super().reset()
        self.m = None

    def _update(self, x, g, lr):
        if self.m is None:
            self.m = np.zeros(x.shape, x.dtype)
        decay = self.weight_decay
        if self.decoupled_weight_decay:
            decay = decay / (self.lr.lr0 if isinstance(self.lr, Schedule) else self.lr)
        x *= 1 - lr * decay
        c = self.m * self.beta1 + (1 - self.beta1) * g
        x -= lr * np.sign(c)
        self.m *= self.beta2
        self.m += (1 - self.beta2) * g
