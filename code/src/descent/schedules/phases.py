r"""Schedules made of phases (chapters 8 and 17): a warm-up before any schedule, warm-up–stable–decay (WSD)."""

import numpy as np

from .. import _args
from .base import Schedule


class Warmup(Schedule):
    """α_t = after(t) · min(1, (t + 1)/w): a linear ramp over the first w steps, then the schedule `after`."""

    def __init__(self, after, warmup_steps):
        if not isinstance(after, Schedule) or after.stateful:
            raise TypeError(f"after must be a Schedule of t alone (e.g. Constant(0.1); not ReduceOnPlateau, whose "
                            f"state an optimizer could not save through Warmup); got {after!r}")
        self.after = after
        self.warmup_steps = _args.positive_int("warmup_steps", warmup_steps)
        self.lr0 = after.lr0

    def factor(self, t):
        return self.after.factor(t) * np.minimum(1.0, (t + 1) / self.warmup_steps)


class WSD(Schedule):
    """Warm-up–stable–decay (Hu et al. 2024; Hägele et al. 2024): a linear warm-up over W steps, the peak α₀ for
    S steps, then a short cool-down over D steps to the floor r·α₀, which holds from then on.

    With p = (t − W − S)/D the fraction of the cool-down done,

        α_t = α₀ · t/max(1, W)              for t < W,
              α₀                            for W ≤ t < W + S,
              α₀ · shape(p)                 for W + S ≤ t < W + S + D,
              α₀ · r                        afterwards;

    shape = 1 − √p (``"1-sqrt"``, the default, the cool-down Hägele et al. found best), 1 − p (``"linear"``),
    1 − p² (``"1-square"``), or r + (1 − r)·max(0, (1 + cos 2πcp)/2) (``"cosine"``, c = ``cycles``, ½ a half cosine).

    Arguments: W = ``warmup_steps`` and S = ``stable_steps`` integers ≥ 0, D = ``decay_steps`` an integer ≥ 1,
    r = ``min_lr_ratio`` in [0, 1], c = ``cycles`` > 0. This is ``pytorch_optimizer.get_wsd_schedule`` 4.1.0
    (a LambdaLR; same defaults, bit for bit), traps included, which this class keeps so that the two agree:

    - with W > 0 the rate of step t = 0 is 0: the first update does nothing (:class:`Warmup` starts at α₀/w);
    - only ``"cosine"`` uses r inside the cool-down; the others end near 0 and then jump *up* to r·α₀ at
      t = W + S + D (with r = 0, the default, there is no jump);
    - the cool-down never reaches its own end inside its window: its last value is shape((D − 1)/D).

    With S = 0 and ``cooldown="linear"`` it is the linear warm-up followed by a linear decay to zero, α₀(T − t)/(T − W)
    over T = W + D steps (``get_linear_schedule_with_warmup`` of Hugging Face transformers). ``Warmup(Polynomial(α₀,
    T), w)`` is a different shape: a product, whose peak is below α₀ because the decay already runs during warm-up.
    """

    COOLDOWNS = ("1-sqrt", "linear", "1-square", "cosine")

    def __init__(self, lr0, warmup_steps, stable_steps, decay_steps, cooldown="1-sqrt", min_lr_ratio=0.0,
                 cycles=0.5):
        super().__init__(lr0)
        self.warmup_steps = _args.positive_int("warmup_steps", warmup_steps, minimum=0)
        self.stable_steps = _args.positive_int("stable_steps", stable_steps, minimum=0)
        self.decay_steps = _args.positive_int("decay_steps", decay_steps)
        self.cooldown = _args.choice("cooldown", cooldown, self.COOLDOWNS)
        self.min_lr_ratio = _args.number("min_lr_ratio", min_lr_ratio, _args.nonnegative)
        if self.min_lr_ratio > 1:
            raise ValueError(f"min_lr_ratio must be in [0, 1] (the floor as a fraction of lr0); got {min_lr_ratio!r}")
        self.cycles = _args.number("cycles", cycles, _args.positive)

    def factor(self, t):
        warm, stable, decay, r = self.warmup_steps, self.stable_steps, self.decay_steps, self.min_lr_ratio
        p = np.clip((t - warm - stable) / decay, 0.0, 1.0)  # the clip only touches t outside the cool-down
        if self.cooldown == "1-sqrt":
            cool = 1.0 - np.sqrt(p)
        elif self.cooldown == "linear":
            cool = 1.0 - p
        elif self.cooldown == "1-square":
            cool = 1.0 - p**2
        else:
            cool = (1.0 - r) * np.maximum(0.0, 0.5 * (1.0 + np.cos(np.pi * self.cycles * 2.0 * p))) + r
        end = warm + stable + decay
        return np.select([t < warm, t < warm + stable, t < end], [t / max(1, warm), 1.0, cool], r)


class SWALR(Schedule):
    """The rate of stochastic weight averaging (torch ``swa_utils.SWALR``): from α₀ to α_swa over A steps, then α_swa.

        α_t = α_swa · a(p) + α₀ · (1 − a(p)),   p = min(1, t/A)   (p = 1 when A = 0),

    a(p) = (1 − cos πp)/2 (``anneal="cos"``, the default) or p (``"linear"``); α_swa = ``swa_lr`` > 0 (a number or
    an array broadcasting against α₀), A = ``anneal_steps`` an integer ≥ 0 (default 10, torch's
    ``anneal_epochs``; torch counts scheduler steps, so A is in epochs when the scheduler steps once per epoch).
    torch recovers α₀ from the previous rate at every step, so it agrees with this closed form to rounding only.
    """

    def __init__(self, lr0, swa_lr, anneal_steps=10, anneal="cos"):
        super().__init__(lr0)
        self.swa_lr = _args.positive("swa_lr", swa_lr)
        _args.broadcasts_to("swa_lr", self.swa_lr, np.shape(self.lr0), "lr0")
        self.anneal_steps = _args.positive_int("anneal_steps", anneal_steps, minimum=0)
        self.anneal = _args.choice("anneal", anneal, ("cos", "linear"))

    def factor(self, t):
        p = np.minimum(1.0, t / self.anneal_steps) if self.anneal_steps else np.ones_like(t, dtype=float)
        a = (1 - np.cos(np.pi * p)) / 2 if self.anneal == "cos" else p
        return (self.swa_lr / self.lr0) * a + (1 - a)
