r"""Learning-rate schedules (chapter 8 and the part on training at scale, chapter 17), one module per family:
:mod:`~descent.schedules.base` (the interface, Constant, Lambda), :mod:`~descent.schedules.decay`,
:mod:`~descent.schedules.cosine`, :mod:`~descent.schedules.phases` (warm-up, WSD, SWALR) and
:mod:`~descent.schedules.plateau`.

A schedule is a callable ``lr(t)`` giving the learning rate of step ``t = 0, 1, 2, …`` (the first update uses
``t = 0``). Any optimizer accepts one as its ``lr``. ``t`` may be an array, so a schedule plots in one call, and
``lr0`` may be an array, so a schedule sweeps like any hyper-parameter.

===============  ==============================================  ==============================================
class            α_t                                             torch.optim.lr_scheduler
===============  ==============================================  ==============================================
Constant         α₀                                              ConstantLR(factor=1)
InverseTime      α₀ / (1 + k t), or α₀ / (1 + k⌊t/s⌋)            LambdaLR(lambda t: 1/(1+k*t)), (… t//s …)
Exponential      α₀ γᵗ                                           ExponentialLR(gamma)
Step             α₀ γ^⌊t/s⌋                                      StepLR(step_size=s, gamma)
MultiStep        α₀ γ^(number of milestones ≤ t)                 MultiStepLR(milestones, gamma)
Cosine           α_min + (α₀ − α_min)(1 + cos(π t/T))/2, t ≤ T   CosineAnnealingLR(T_max=T, eta_min)
CosineRestarts   the cosine over periods T₀, T₀m, T₀m², …        CosineAnnealingWarmRestarts(T_0, T_mult, eta_min)
Polynomial       α₀ (1 − min(t, T)/T)^p                          PolynomialLR(total_iters=T, power=p)
OneCycle         up from α_max/25 to α_max, down to α_max/2.5e5  OneCycleLR(max_lr, total_steps), rate only
Warmup           α₀ · min(1, (t + 1)/w), then any schedule       LinearLR(start_factor=1/w) + chain
WSD              warm-up, α₀ held, a short cool-down to r·α₀     (pytorch_optimizer.get_wsd_schedule)
SWALR            from α₀ to α_swa over A steps, then α_swa       swa_utils.SWALR(swa_lr, anneal_epochs=A)
Lambda           α₀ · fn(t) for a function fn of the step        LambdaLR(lr_lambda=fn)
ReduceOnPlateau  α cut by γ when a metric stops improving        ReduceLROnPlateau (``observe(metric)``)
===============  ==============================================  ==============================================

:func:`make` builds the closed forms by name (``make("cosine_restarts", 0.1, period=10)``; see :data:`SCHEDULES`).

Here ``t`` counts optimizer steps; for a per-epoch schedule pass ``t // steps_per_epoch`` or give the intervals,
milestones and periods in steps (``s = steps_per_epoch``). Every schedule but ReduceOnPlateau is a function of t
alone; ReduceOnPlateau needs the metric, which only the training loop knows (see its docstring).

Arguments: α₀ = ``lr0`` > 0 and k ≥ 0 are numbers or non-empty arrays, γ is in (0, 1], s = ``step_size``,
T = ``total_steps`` and w = ``warmup_steps`` are integers ≥ 1, 0 ≤ α_min = ``lr_min`` ≤ α₀; a schedule is called
with a finite t ≥ 0 (a number or an array). Anything else raises TypeError or ValueError naming the argument.
"""

from .. import _args
from .base import Constant, Lambda, Schedule, as_lr
from .cosine import Cosine, CosineRestarts, OneCycle
from .decay import Exponential, InverseTime, MultiStep, Polynomial, Step
from .phases import WSD, SWALR, Warmup
from .plateau import ReduceOnPlateau

SCHEDULES = {
    "constant": Constant,
    "inverse_time": InverseTime,
    "exponential": Exponential,
    "step": Step,
    "multistep": MultiStep,
    "cosine": Cosine,
    "cosine_restarts": CosineRestarts,
    "polynomial": Polynomial,
    "one_cycle": OneCycle,
    "wsd": WSD,
}


def make(name, lr0, **kwargs):
    """Build a schedule by name (a key of :data:`SCHEDULES`): ``make("step", 0.1, gamma=0.5, step_size=100)``."""
    return SCHEDULES[_args.choice("schedule name", name, sorted(SCHEDULES))](lr0, **kwargs)
