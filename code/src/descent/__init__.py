"""descent: the code of the course book *Optimization for Deep Learning*.

Each module belongs to the chapter that introduces it: ``functions`` and ``run`` (1), ``nn`` and ``data`` (2, 3),
``ewma`` (4), ``optimizers`` (1, 5–7, 10, 15), ``schedules`` (8), ``plots`` (all), ``checks`` (exercises),
``evidence`` (multi-seed intervals and paired comparisons: the book's evidence standard) and ``experiments`` (11);
for networks as they are trained today: ``curvature`` (Hessian-vector products, λ_max), ``layers`` (batch and layer
normalisation, residual connections) and ``diagnostics`` (gradient check, update ratios, dead units); for schedules
and batch size at scale: ``averaging`` (Polyak–Ruppert, EMA, SWA) and ``batch_size`` (the gradient noise scale).
"""

from . import averaging, batch_size, checks, curvature, data, diagnostics, evidence, ewma, experiments, functions
from . import layers, nn, notebook, optimizers, plots, schedules
from .averaging import Averaged
from .optimizers import SGD, AdaGrad, Adafactor, Adam, Adamax, AdamW, HeavyBall, Layerwise, Lion, Momentum, Muon
from .optimizers import NAdam, Nesterov, Newton, RAdam, RMSProp, ScheduleFreeAdamW, ScheduleFreeSGD, clip_by_norm
from .optimizers import SOAP, Shampoo
from .trajectory import Trajectory, run

__all__ = [
    "SGD", "Momentum", "Nesterov", "HeavyBall", "AdaGrad", "RMSProp", "Adam", "AdamW", "Newton", "clip_by_norm",
    "NAdam", "RAdam", "Adamax",
    "Adafactor", "Lion", "Muon", "Layerwise", "Shampoo", "SOAP",
    "ScheduleFreeSGD", "ScheduleFreeAdamW", "Averaged", "averaging", "batch_size",
    "run", "Trajectory", "checks", "curvature", "data", "diagnostics", "evidence", "ewma", "experiments", "functions",
    "layers", "nn", "notebook", "optimizers", "plots", "schedules",
]
__version__ = "0.1.0"
