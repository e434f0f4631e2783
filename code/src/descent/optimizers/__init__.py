r"""First- and second-order optimizers (chapters 1, 5–7, 10), in the book's notation, one module per family:
:mod:`~descent.optimizers.base` (the interface), :mod:`~descent.optimizers.sgd` (gradient descent and momentum),
:mod:`~descent.optimizers.adaptive` (AdaGrad, RMSProp, Adam, AdamW), :mod:`~descent.optimizers.newton`;
beyond Adam: :mod:`~descent.optimizers.adam_variants` (NAdam, RAdam, Adamax; chapter 15),
:mod:`~descent.optimizers.factored` (Adafactor), :mod:`~descent.optimizers.sign` (Lion),
:mod:`~descent.optimizers.orthogonal` (Muon, newton_schulz), :mod:`~descent.optimizers.kronecker` (Shampoo, SOAP)
and :mod:`~descent.optimizers.layerwise` (Layerwise: one optimizer for the weight matrices of a network, another
for the rest; chapter 16);
:mod:`~descent.optimizers.schedule_free` (Schedule-Free SGD and AdamW, chapter 17).

Notation: θ parameters, g_t = ∇f(θ_{t−1}) the gradient, t = 1, 2, … the step, α the learning rate (``lr``),
β decay rates, ε a small constant. Every optimizer has the same small interface::

    opt = Adam(lr=0.1)          # hyper-parameters: numbers or arrays that broadcast against θ
    theta = opt.step(theta, g)  # returns the new θ (θ is not modified unless out=theta); state is kept inside
    opt.reset()                 # forget the state (moments, accumulators, step count)
    saved = opt.state_dict()    # … and opt.load_state_dict(saved) goes on from there, bit for bit

Hyper-parameter arrays run many optimizers at once: ``Adam(lr=np.logspace(-3, 0, 64)[:, None])`` on θ of shape
(64, 2) is 64 independent runs. ``lr`` may also be a :mod:`descent.schedules` schedule. State arrays are allocated
at the first step and updated in place afterwards; so are the scratch arrays that hold intermediate results (e.g.
α·g), so that a step on millions of parameters allocates no new memory. The first-order optimizers also take
torch's ``weight_decay`` (λθ added to g; decoupled in AdamW) and ``maximize`` (ascent), keyword only.

What they accept: hyper-parameters are finite numbers, or non-empty arrays of them, in their documented range (a
learning rate > 0, a decay rate in [0, 1), ε > 0, …); flags such as ``eps_inside_sqrt`` are True or False; option
strings are one of the listed values. ``step`` takes real numbers (floats or integers; not bool, complex or text).
Anything else raises TypeError or ValueError naming the argument, and a call that raises changes nothing: the
state and the step count ``t`` are as before. ``t`` can be set, e.g. to start Adam at a given step.
"""

from .adam_variants import Adamax, NAdam, RAdam, nadam_momentum, radam_rectifier
from .adaptive import AdaGrad, Adam, AdamW, RMSProp
from .base import Optimizer, clip_by_norm
from .factored import Adafactor
from .kronecker import SOAP, Shampoo
from .layerwise import Layerwise
from .newton import Newton
from .orthogonal import Muon, newton_schulz
from .schedule_free import ScheduleFreeAdamW, ScheduleFreeSGD
from .sgd import SGD, HeavyBall, Momentum, Nesterov
from .sign import Lion

__all__ = ["Optimizer", "SGD", "Momentum", "Nesterov", "HeavyBall", "AdaGrad", "RMSProp", "Adam", "AdamW", "Newton",
           "clip_by_norm", "NAdam", "RAdam", "Adamax", "nadam_momentum", "radam_rectifier", "Adafactor", "Lion",
           "Muon", "newton_schulz", "Shampoo", "SOAP", "Layerwise", "ScheduleFreeSGD", "ScheduleFreeAdamW"]
