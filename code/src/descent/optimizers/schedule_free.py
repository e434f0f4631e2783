r"""Schedule-Free SGD and AdamW (Defazio et al. 2024; chapter 17): iterate averaging built into the optimizer, so
that no learning-rate decay is needed.

Three sequences share one step. z takes plain (SGD) or Adam-normalised steps with a constant rate; x is a
weighted running average of the z's, the point where the model is *evaluated*; the gradient is taken at y, an
interpolation of the two (β = ``momentum`` or ``beta1``). With d the step direction at y,

    z_t = z_{t−1} − α_t d,    x_t = (1 − c_t) x_{t−1} + c_t z_t,    y_t = (1 − β) z_t + β x_t,

where α_t = α·min(1, t/W) is a built-in linear warm-up over W = ``warmup_steps`` steps and the averaging weight is
c_t = w_t / Σ_{i≤t} w_i with w_t = tᴿ·α_max^p (r = ``r``, p = ``weight_lr_power``, α_max the largest α_i so far):
with r = 0 and no warm-up, x is the plain average of z_1, …, z_t. z₀ = x₀ = y₀ = θ₀.

The parameters hold y: ``theta = opt.step(theta, g)`` takes g = ∇f(y) and returns the new y, and
``opt.eval_point(theta)`` gives x = (y − (1 − β) z)/β, the point to evaluate (losses, accuracy, the final model).
Only z (and Adam's v) are kept, as in the reference, which stores y in the parameter tensor and recovers x the same
way in its ``eval()``. Reference: ``schedulefree`` 1.4.1 (the authors' package), ``SGDScheduleFree`` and
``AdamWScheduleFree``, whose trajectories of y and x these classes reproduce in float64. Where the reference
deviates from the obvious reading of the paper:

- the averaging weight uses the running maximum α_max of the scheduled rate, not the current rate: a rate lowered
  from outside (a schedule as ``lr``) does not lower w_t;
- the weight decay λy is taken at y and added *after* Adam's normalisation, so it is scaled by α_t but not
  preconditioned; there is no first-moment EMA (β₁ only mixes z and x), and only v is bias-corrected;
- the reference must be put in ``train()`` mode before a step and in ``eval()`` mode before evaluating or saving;
  here the parameters always hold y and ``eval_point`` computes x without changing anything.
"""

import numpy as np

from .. import _args
from ..ewma import EWMA
from .base import Optimizer


class _ScheduleFree(Optimizer):
    """What both Schedule-Free methods share: the three sequences, the warm-up and the averaging weights."""

    slots = {"z": "z"}
    decoupled = True  # the weight decay λy is added to the step direction d, not to g
    AVERAGING = ("lr_max", "weight_sum")  # saved by state_dict next to the arrays: one number per run

    def __init__(self, lr, beta, beta_name, weight_decay, warmup_steps, r, weight_lr_power):
        self._beta = _args.decay_rate(beta_name, beta)
        if not np.all(np.asarray(self._beta) > 0):
            raise ValueError(f"{beta_name} must be in (0, 1) (x = (y − (1 − β) z)/β); got {_args.describe(beta)}")
        self.warmup_steps = _args.positive_int("warmup_steps", warmup_steps, minimum=0)
        self.r = _args.nonnegative("r", r)
        self.weight_lr_power = _args.nonnegative("weight_lr_power", weight_lr_power)
        super().__init__(lr, weight_decay, False)

    def reset(self):
        super().reset()
        self.z = None
        self.lr_max, self.weight_sum = 0.0, 0.0

    def eval_point(self, y):
        """x = (y − (1 − β) z)/β, the average at which to evaluate the model whose parameters hold y (y itself
        before the first step). Returns a new array; nothing changes."""
        y = _args.real_array("y", y, finite=False)
        if self.z is None:
            return y.copy()
        if y.shape != self.z.shape:
            raise ValueError(f"y must have the shape of the parameters being trained, {self.z.shape}; got shape "
                             f"{y.shape}")
        with np.errstate(all="ignore"):
            return (y - (1 - self._beta) * self.z) / self._beta

    def _update(self, y, g, lr):
        if self.z is None:
            self.z = y.copy()
        d, x = self._buffers(y, g, 2)
        self._direction(y, g, d)
        if np.any(self.weight_decay):
            d += self.weight_decay * y  # at y, after the normalisation
        lr = lr * (min(1.0, self.t / self.warmup_steps) if self.warmup_steps else 1.0)
        self.lr_max = np.maximum(self.lr_max, lr)
        weight = self.t**self.r * self.lr_max**self.weight_lr_power
        self.weight_sum = self.weight_sum + weight
        c = weight / self.weight_sum
        beta = self._beta
        np.divide(y - (1 - beta) * self.z, beta, out=x)  # x_{t−1}, recovered from y and z
        self.z -= np.multiply(lr, d, out=d)  # z_t = z_{t−1} − α_t d
        x *= 1 - c
        x += c * self.z  # x_t = (1 − c_t) x_{t−1} + c_t z_t
        np.add((1 - beta) * self.z, np.multiply(beta, x, out=x), out=y)  # y_t = (1 − β) z_t + β x_t

    def state_dict(self):
        """As :meth:`Optimizer.state_dict`, with ``"averaging"``: α_max and Σw, the numbers behind c_t."""
        saved = super().state_dict()
        saved["averaging"] = {name: np.array(getattr(self, name), dtype=float) for name in self.AVERAGING}
        return saved

    def load_state_dict(self, state_dict):
        """Continue the run saved by :meth:`state_dict`; bad input raises TypeError or ValueError and changes
        nothing."""
        averaging = state_dict.get("averaging") if isinstance(state_dict, dict) else None
        if not isinstance(averaging, dict) or sorted(map(str, averaging)) != sorted(self.AVERAGING):
            raise ValueError(f"state_dict must be what {type(self).__name__}.state_dict() returns, with "
                             f"'averaging': a dict with the keys {list(self.AVERAGING)}; got "
                             f"{_args.describe(state_dict)}")
        checked = {}
        for name in self.AVERAGING:
            value = _args.real_array(f"state_dict['averaging'][{name!r}]", averaging[name])
            if not np.all(value >= 0):
                raise ValueError(f"state_dict['averaging'][{name!r}] must be >= 0; got {_args.describe(value)}")
            checked[name] = np.array(value, dtype=float)
        super().load_state_dict({key: value for key, value in state_dict.items() if key != "averaging"})
        for name, value in checked.items():
            setattr(self, name, value)


class ScheduleFreeSGD(_ScheduleFree):
    """Schedule-Free SGD (Defazio et al. 2024): the three sequences of the module docstring with d = g + λy.

        z ← z − α_t d,   x ← (1 − c_t) x + c_t z,   y ← (1 − β) z + β x.

    Defaults α = 1.0, β = ``momentum`` = 0.9, λ = ``weight_decay`` = 0, W = ``warmup_steps`` = 0, r = 0,
    p = ``weight_lr_power`` = 2: exactly ``schedulefree.SGDScheduleFree`` 1.4.1 (same names). The default α = 1 is
    the reference's; it is large for most problems. State: z (one array). β must be in (0, 1), as in the reference.
    """

    hyper = ("lr", "momentum", "weight_decay", "r", "weight_lr_power")

    def __init__(self, lr=1.0, momentum=0.9, *, weight_decay=0.0, warmup_steps=0, r=0.0, weight_lr_power=2.0):
        super().__init__(lr, momentum, "momentum", weight_decay, warmup_steps, r, weight_lr_power)

    @property
    def momentum(self):
        return self._beta

    def _direction(self, y, g, d):
        d[...] = g


class ScheduleFreeAdamW(_ScheduleFree):
    """Schedule-Free AdamW (Defazio et al. 2024): the sequences of the module docstring with an Adam-normalised d,

        v ← β₂ v + (1 − β₂) g²,   d = g / (√(v/(1 − β₂ᵗ)) + ε) + λ y,
        z ← z − α_t d,   x ← (1 − c_t) x + c_t z,   y ← (1 − β₁) z + β₁ x.

    Defaults α = 0.0025, β₁ = 0.9, β₂ = 0.999, ε = 1e-8, λ = ``weight_decay`` = 0, W = ``warmup_steps`` = 0,
    r = 0, p = ``weight_lr_power`` = 2: exactly ``schedulefree.AdamWScheduleFree(lr, betas=(beta1, beta2), eps,
    weight_decay, warmup_steps, r, weight_lr_power)`` 1.4.1. β₁ is not a moment's decay here: it only interpolates
    between z and x (there is no m). State: z and v (two arrays, as Adam).
    """

    hyper = ("lr", "beta1", "beta2", "eps", "weight_decay", "r", "weight_lr_power")
    slots = {"z": "z", "v": "v"}

    def __init__(self, lr=0.0025, beta1=0.9, beta2=0.999, eps=1e-8, *, weight_decay=0.0, warmup_steps=0, r=0.0,
                 weight_lr_power=2.0):
        self.beta2 = _args.decay_rate("beta2", beta2)
        self.eps = _args.positive("eps", eps)
        super().__init__(lr, beta1, "beta1", weight_decay, warmup_steps, r, weight_lr_power)

    @property
    def beta1(self):
        return self._beta

    def reset(self):
        super().reset()
        self.v = EWMA(self.beta2)

    def _direction(self, y, g, d):
        v = self.v.update(np.multiply(g, g, out=d), d)
        np.divide(g, np.sqrt(v / self.v.correction) + self.eps, out=d)
