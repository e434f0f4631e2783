r"""Cosine-shaped schedules (chapters 8 and 17): cosine annealing, cosine with warm restarts (SGDR), the
one-cycle policy."""

import numpy as np

from .. import _args
from .base import Schedule, _check_lr_min


class Cosine(Schedule):
    """α_t = α_min + (α₀ − α_min)(1 + cos(π t/T))/2 for t ≤ T, then α_min (annealing without restarts)."""

    def __init__(self, lr0, total_steps, lr_min=0.0):
        super().__init__(lr0)
        self.total_steps = _args.positive_int("total_steps", total_steps)
        self.lr_min = _check_lr_min(lr_min, self.lr0)

    def factor(self, t):
        ratio = self.lr_min / self.lr0
        cos = (1 + np.cos(np.pi * np.minimum(t, self.total_steps) / self.total_steps)) / 2
        return ratio + (1 - ratio) * cos


class CosineRestarts(Schedule):
    """SGDR (Loshchilov & Hutter 2017): the cosine from α₀ down towards α_min over a period, then a restart at α₀.

    The first period lasts T₀ = ``period`` steps, each next one m = ``period_mult`` times longer (an integer ≥ 1).
    With T_cur the steps since the last restart and T_i the current period,
    α_t = α_min + (α₀ − α_min)(1 + cos(π T_cur/T_i))/2, so α_min itself is never reached at an integer step.
    torch: ``CosineAnnealingWarmRestarts(T_0=period, T_mult=period_mult, eta_min=lr_min)``.
    """

    def __init__(self, lr0, period, period_mult=1, lr_min=0.0):
        super().__init__(lr0)
        self.period = _args.positive_int("period", period)
        self.period_mult = _args.positive_int("period_mult", period_mult)
        self.lr_min = _check_lr_min(lr_min, self.lr0)

    def factor(self, t):
        since_restart, period = self._cycle(t)
        ratio = self.lr_min / self.lr0
        return ratio + (1 - ratio) * (1 + np.cos(np.pi * since_restart / period)) / 2

    def _cycle(self, t):
        """(T_cur, T_i): the steps since the last restart and the length of the current period."""
        if self.period_mult == 1:
            return np.mod(t, self.period), self.period
        count = 1  # periods needed to cover every t
        while self.period * (self.period_mult**count - 1) // (self.period_mult - 1) <= np.max(t):
            count += 1
        lengths = self.period * self.period_mult ** np.arange(count)
        ends = np.cumsum(lengths)
        current = np.searchsorted(ends, t, side="right")
        return t - (ends - lengths)[current], lengths[current]


class OneCycle(Schedule):
    """The one-cycle policy (Smith & Topin 2019) as torch's ``OneCycleLR(max_lr, total_steps)`` computes it.

    From α_max/``div_factor`` up to α_max = ``lr_max`` until step qT − 1 (q = ``pct_start``, T = ``total_steps``),
    then down to α_max/(div_factor·``final_div_factor``) at step T − 1, each phase a half cosine (``anneal="cos"``)
    or a line (``"linear"``). ``three_phase=True``: up until qT − 1, back down to the start until 2qT − 2, then to
    the floor at T − 1. Defaults are torch's: q = 0.3, div_factor 25, final_div_factor 1e4, two phases.
    Differences: torch also cycles the momentum (β₁ or SGD's momentum, 0.95 → 0.85 → 0.95); this schedule sets the
    rate only. After step T − 1 it stays at the floor, where torch raises.
    """

    def __init__(self, lr_max, total_steps, pct_start=0.3, anneal="cos", div_factor=25.0, final_div_factor=1e4,
                 three_phase=False):
        super().__init__(lr_max)
        self.total_steps = _args.positive_int("total_steps", total_steps)
        self.pct_start = _args.fraction("pct_start", pct_start)
        self.anneal = _args.choice("anneal", anneal, ("cos", "linear"))
        self.div_factor = _args.positive("div_factor", div_factor)
        self.final_div_factor = _args.positive("final_div_factor", final_div_factor)
        self.three_phase = _args.flag("three_phase", three_phase)
        if self.pct_start * self.total_steps <= 1 or (self.three_phase and self.pct_start >= 0.5):
            raise ValueError(f"pct_start * total_steps must be > 1 (a warm-up longer than one step)"
                             f"{' and pct_start < 0.5 with three_phase=True' if self.three_phase else ''}; got "
                             f"pct_start={pct_start!r}, total_steps={total_steps!r}")

    def factor(self, t):
        start = 1 / self.div_factor
        floor = start / self.final_div_factor
        peak = self.pct_start * self.total_steps - 1
        if self.three_phase:
            phases = [(0, peak, start, 1.0), (peak, 2 * peak, 1.0, start),
                      (2 * peak, self.total_steps - 1, start, floor)]
        else:
            phases = [(0, peak, start, 1.0), (peak, self.total_steps - 1, 1.0, floor)]
        values = [self._anneal(a, b, np.clip((t - s) / (e - s), 0, 1)) for s, e, a, b in phases]
        return np.select([t <= e for _, e, _, _ in phases[:-1]], values[:-1], values[-1])

    def _anneal(self, a, b, p):
        """From a (p = 0) to b (p = 1): a half cosine, or a line."""
        if self.anneal == "cos":
            return b + (a - b) * (1 + np.cos(np.pi * p)) / 2
        return a + (b - a) * p
