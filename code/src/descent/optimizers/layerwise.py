r"""One optimizer for the weight matrices of a network, another for the rest (chapter 16, "Memory and geometry").

The networks of :mod:`descent.nn` keep all parameters in one flat vector θ; matrix-aware methods (Muon,
Adafactor, Shampoo, SOAP) need each weight matrix as a matrix, and are used in practice with AdamW for the
biases and normalisation parameters. :class:`Layerwise` cuts θ into those pieces, steps each with its optimizer
and writes the results back, so that ``descent.nn.train(net, Layerwise(net, …), …)`` works unchanged.
"""

import copy

import numpy as np

from .. import _args
from .base import Optimizer


class Layerwise:
    """``Layerwise(net, matrices=Muon(…), others=AdamW(…))``: a copy of `matrices` for each weight matrix of
    `net` (a :class:`descent.nn.MLP` or subclass), and `others` for every other entry of θ (biases, γ and β of
    normalisation layers), as one vector.

    Weight l goes to its optimizer as a matrix of shape (…, fan_out, fan_in): the layout of torch's
    ``nn.Linear.weight`` (the transpose of ``net.weights[l]``), so that shape-dependent rules (Muon's
    √max(1, n/m)) match torch's. With ``n_models=R`` the matrices have shape (R, fan_out, fan_in) and the rest
    (R, P_rest): a hyper-parameter sweep then needs arrays of shape (R, 1, 1) for `matrices` and (R, 1) for
    `others`. ``step(θ, g, out=θ)`` is :meth:`descent.optimizers.Optimizer.step` for θ of ``net.theta``'s shape;
    ``reset``, ``state_dict`` and ``load_state_dict`` act on all the parts. A step that raises changes nothing.
    """

    def __init__(self, net, matrices, others):
        if not (hasattr(net, "unflatten") and hasattr(net, "theta") and hasattr(net, "sizes")):
            raise TypeError(f"net must be a descent.nn.MLP (or a network built on it); got {_args.describe(net)}")
        for name, opt in (("matrices", matrices), ("others", others)):
            if not isinstance(opt, Optimizer):
                raise TypeError(f"{name} must be a descent optimizer instance such as descent.AdamW(); "
                                f"got {_args.describe(opt)}")
        index = np.arange(net.theta.shape[-1])
        self.matrix_index = [W.T for W in net.unflatten(index)[0]]  # (fan_out, fan_in) positions in θ
        rest = np.ones(index.shape, bool)
        for positions in self.matrix_index:
            rest[positions] = False
        self.other_index = np.flatnonzero(rest)
        self.shape = net.theta.shape
        self.matrices = [copy.deepcopy(matrices) for _ in self.matrix_index]
        self.others = copy.deepcopy(others)
        self.reset()

    @property
    def parts(self):
        """(optimizer, positions in θ) for each weight matrix, then for the rest (if there is any)."""
        pairs = list(zip(self.matrices, self.matrix_index))
        return pairs + ([(self.others, self.other_index)] if self.other_index.size else [])

    @property
    def t(self):
        """The number of steps taken."""
        return self.matrices[0].t

    def reset(self):
        """Forget the state of every part."""
        for opt, _ in self.parts:
            opt.reset()

    def step(self, x, grad, out=None):
        """One step of every part on parameters `x` (the shape of ``net.theta``) with gradient `grad`."""
        x = _args.real_array("x", x, finite=False)
        if x.shape != self.shape:
            raise ValueError(f"x must have the shape of net.theta, {self.shape}; got shape {x.shape}")
        grad = _args.same_shape("grad", grad, x.shape)
        _args.writeable_out(out, x.shape)
        pieces = [(opt, positions, *opt._check(x[..., positions], grad[..., positions], None))
                  for opt, positions in self.parts]  # every check before any change
        new = [(positions, opt._apply(xi, gi, xi)) for opt, positions, xi, gi, _ in pieces]
        if out is None:
            out = x.copy()
        elif out is not x:
            out[...] = x
        for positions, values in new:
            out[..., positions] = values
        return out

    def state_dict(self):
        """``{"optimizer": "Layerwise", "matrices": [state dict of each matrix's optimizer], "others": …}``."""
        return {"optimizer": "Layerwise", "matrices": [opt.state_dict() for opt in self.matrices],
                "others": self.others.state_dict()}

    def load_state_dict(self, state_dict):
        """Continue the run saved by :meth:`state_dict` (all parts, or none if any part does not fit)."""
        if not isinstance(state_dict, dict) or sorted(map(str, state_dict)) != ["matrices", "optimizer", "others"]:
            raise ValueError(f"state_dict must be a dict with the keys 'optimizer', 'matrices', 'others', as "
                             f"Layerwise.state_dict() returns; got {_args.describe(state_dict)}")
        if state_dict["optimizer"] != "Layerwise":
            raise ValueError(f"state_dict['optimizer'] must be 'Layerwise'; got "
                             f"{_args.describe(state_dict['optimizer'])}")
        saved = state_dict["matrices"]
        if not isinstance(saved, list) or len(saved) != len(self.matrices):
            raise ValueError(f"state_dict['matrices'] must be a list of {len(self.matrices)} state dicts, one per "
                             f"weight matrix; got {_args.describe(saved)}")
        matrices, others = copy.deepcopy(self.matrices), copy.deepcopy(self.others)
        for opt, part in zip(matrices, saved):
            opt.load_state_dict(part)
        others.load_state_dict(state_dict["others"])
        self.matrices, self.others = matrices, others

    def __repr__(self):
        return f"Layerwise(matrices={self.matrices[0]!r} × {len(self.matrices)}, others={self.others!r})"
