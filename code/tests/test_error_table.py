"""The error table of issue 16: every public entry point of `descent`, given a typical mistake, raises TypeError
(the wrong kind of value) or ValueError (the right kind, a wrong value) whose message names the argument, says what
is allowed and what was given. (The self-checks in `descent.checks` have their own table.)"""

import inspect
import warnings

import numpy as np
import pytest

import descent
from descent import (buggy, curvature, data, diagnostics, evidence, ewma, experiments, functions, layers, linear,
                     newton, nn, noisy, quadratic, schedules)
from descent.optimizers import Layerwise, adaptive, base, factored, layerwise, newton_schulz, orthogonal, sgd, sign
from descent.optimizers import newton as newton_optimizer
from descent.trajectory import run, steps_on_stream

Q = functions.Quadratic(np.diag([1.0, 10.0]))
X2 = np.array([1.0, -2.0])
NET = nn.MLP([3, 4, 2])
SPLIT = data.Split(np.zeros((4, 3)), np.array([0, 1, 0, 1]), np.zeros((2, 3)), np.array([0, 1]))
REAL = r"must be a real number or an array of real numbers \(floats or integers; not bool, complex or text\)"


def stepped(opt, x=X2):
    opt.step(x, x)
    return opt


def fed(avg, y):
    avg.update(y)
    return avg


def small_sweep():
    return experiments.sweep(lambda lr: descent.SGD(lr=lr), [0.1], SPLIT, SPLIT, [3, 2], epochs=1, seeds=1)


# (entry point and mistake, call, error, pattern): the pattern holds the argument's name, what is allowed, what
# was given. Each public function and class of the modules below appears at the start of at least one label.
TABLE = [
    # optimizers: construction
    ("SGD(lr=[])", lambda: descent.SGD(lr=[]), ValueError, r"lr must be a number or a non-empty array; got \[\]"),
    ("SGD(lr='0.1')", lambda: descent.SGD(lr="0.1"), TypeError, rf"lr {REAL}; got '0.1'"),
    ("SGD(lr=-1)", lambda: descent.SGD(lr=-1), ValueError, r"lr must be > 0; got -1"),
    ("SGD(lr=nan)", lambda: descent.SGD(lr=np.nan), ValueError, r"lr must be finite; got nan"),
    ("SGD(lr=a function)", lambda: descent.SGD(lr=lambda t: 0.1), TypeError,
     r"lr must be a number, an array or a descent.schedules.Schedule; got the callable <function"),
    ("Momentum(beta=1)", lambda: descent.Momentum(beta=1), ValueError, r"beta must be in \[0, 1\); got 1"),
    ("Momentum(beta=empty array)", lambda: descent.Momentum(beta=np.array([])), ValueError,
     r"beta must be a number or a non-empty array; got an array of dtype float64 and shape \(0,\)"),
    ("Nesterov(beta=True)", lambda: descent.Nesterov(beta=True), TypeError, rf"beta {REAL}; got True"),
    ("HeavyBall(v0='0')", lambda: descent.HeavyBall(v0="0"), TypeError, rf"v0 {REAL}; got '0'"),
    ("HeavyBall(v0=[])", lambda: descent.HeavyBall(v0=[]), ValueError, r"v0 must be a number or a non-empty array; got \[\]"),
    ("HeavyBall(mu=-0.1)", lambda: descent.HeavyBall(mu=-0.1), ValueError, r"mu must be in \[0, 1\); got -0.1"),
    ("SGD(weight_decay=-1)", lambda: descent.SGD(weight_decay=-1), ValueError, r"weight_decay must be >= 0; got -1"),
    ("SGD(maximize='yes')", lambda: descent.SGD(maximize="yes"), TypeError,
     r"maximize must be True or False; got 'yes'"),
    ("HeavyBall(dampening=2)", lambda: descent.HeavyBall(dampening=2), ValueError,
     r"dampening must be in \[0, 1\]; got 2"),
    ("HeavyBall(nesterov=True, dampening=0.5)", lambda: descent.HeavyBall(nesterov=True, dampening=0.5), ValueError,
     r"nesterov=True needs dampening=0 \(as in torch\); got dampening=0.5"),
    ("AdaGrad(eps=0)", lambda: descent.AdaGrad(eps=0), ValueError, r"eps must be > 0; got 0"),
    ("AdaGrad(eps_inside_sqrt=1)", lambda: descent.AdaGrad(eps_inside_sqrt=1), TypeError,
     r"eps_inside_sqrt must be True or False; got 1"),
    ("RMSProp(eps_inside_sqrt='no')", lambda: descent.RMSProp(eps_inside_sqrt="no"), TypeError,
     r"eps_inside_sqrt must be True or False; got 'no'"),
    ("Adam(amsgrad='no')", lambda: descent.Adam(amsgrad="no"), TypeError, r"amsgrad must be True or False; got 'no'"),
    ("RMSProp(centered=1)", lambda: descent.RMSProp(centered=1), TypeError, r"centered must be True or False; got 1"),
    ("RMSProp(momentum=1)", lambda: descent.RMSProp(momentum=1), ValueError, r"momentum must be in \[0, 1\); got 1"),
    ("Adam(eps_form='tf')", lambda: descent.Adam(eps_form="tf"), ValueError,
     r"eps_form must be 'paper' or 'keras'; got 'tf'"),
    ("Adam(eps_form=['keras'])", lambda: descent.Adam(eps_form=["keras"]), ValueError,
     r"eps_form must be 'paper' or 'keras'; got \['keras'\]"),
    ("Adam(eps_form='keras', eps_inside_sqrt=True)", lambda: descent.Adam(eps_form="keras", eps_inside_sqrt=True),
     ValueError, r"eps_form='keras' cannot be combined with eps_inside_sqrt=True"),
    ("AdamW(weight_decay=-0.01)", lambda: descent.AdamW(weight_decay=-0.01), ValueError,
     r"weight_decay must be >= 0; got -0.01"),
    ("Newton(damping='a')", lambda: descent.Newton(damping="a"), TypeError, rf"damping {REAL}; got 'a'"),
    ("Newton(damping=[])", lambda: descent.Newton(damping=[]), ValueError,
     r"damping must be a number or a non-empty array; got \[\]"),
    ("AdaGradLrInAccumulator(eps_inside_sqrt='yes')", lambda: buggy.AdaGradLrInAccumulator(eps_inside_sqrt="yes"),
     TypeError, r"eps_inside_sqrt must be True or False; got 'yes'"),
    ("RMSPropAccumulatingDenominator(beta=2)", lambda: buggy.RMSPropAccumulatingDenominator(beta=2), ValueError,
     r"beta must be in \[0, 1\); got 2"),
    ("RMSPropStepWithV(lr=0)", lambda: buggy.RMSPropStepWithV(lr=0), ValueError, r"lr must be > 0; got 0"),
    ("AdamWrittenBack(eps_inside_sqrt='no')", lambda: buggy.AdamWrittenBack(eps_inside_sqrt="no"), TypeError,
     r"eps_inside_sqrt must be True or False; got 'no'"),
    ("Adafactor(eps=1e-3)", lambda: descent.Adafactor(eps=1e-3), TypeError,
     r"eps must be a pair \(eps1, eps2\), eps1 None or a number > 0; got 0.001"),
    ("Adafactor(beta2_decay=0.8)", lambda: descent.Adafactor(beta2_decay=0.8), ValueError,
     r"beta2_decay must be <= 0 \(the weight of the new g² is t\*\*beta2_decay\); got 0.8"),
    ("Lion(beta2=1)", lambda: descent.Lion(beta2=1), ValueError, r"beta2 must be in \[0, 1\); got 1"),
    ("Muon(adjust_lr_fn='adamw')", lambda: descent.Muon(adjust_lr_fn="adamw"), ValueError,
     r"adjust_lr_fn must be 'original' or 'match_rms_adamw'; got 'adamw'"),
    ("Muon.step on a vector", lambda: descent.Muon().step(X2, X2), ValueError,
     r"x must be a matrix, or a stack of matrices, shape \(\.\.\., n, m\): Muon orthogonalises matrices .*; "
     r"got shape \(2,\)"),
    ("newton_schulz(a vector)", lambda: newton_schulz(X2), ValueError,
     r"X must be a non-empty matrix, or a stack of matrices, shape \(\.\.\., n, m\); got an array of dtype float64 and shape \(2,\)"),
    ("newton_schulz(coefficients=(3, 4))", lambda: newton_schulz(np.eye(2), coefficients=(3, 4)), TypeError,
     r"coefficients must be three numbers \(a, b, c\); got \(3, 4\)"),
    ("Layerwise(net=a list)", lambda: Layerwise([1.0], descent.Muon(), descent.AdamW()), TypeError,
     r"net must be a descent.nn.MLP \(or a network built on it\); got \[1.0\]"),
    ("Layerwise(others=the class)", lambda: Layerwise(NET, descent.Muon(), descent.AdamW), TypeError,
     r"others must be a descent optimizer instance such as descent.AdamW\(\); got the class AdamW"),
    ("Layerwise.step with x of another shape", lambda: Layerwise(NET, descent.Muon(), descent.AdamW()).step(X2, X2),
     ValueError, r"x must have the shape of net.theta, \(26,\); got shape \(2,\)"),
    ("Layerwise.load_state_dict(another optimizer's)", lambda: Layerwise(NET, descent.Muon(), descent.AdamW())
     .load_state_dict(descent.SGD().state_dict()), ValueError,
     r"state_dict must be a dict with the keys 'optimizer', 'matrices', 'others', as Layerwise.state_dict\(\) "
     r"returns; got \{'optimizer': 'SGD'"),
    # optimizers: step
    ("Optimizer.step with a text gradient", lambda: descent.SGD().step(X2, np.array(["a", "b"])), TypeError,
     rf"grad {REAL}; got an array of dtype <U1 and shape \(2,\)"),
    ("Optimizer.step with a complex gradient", lambda: stepped(descent.Momentum()).step(X2, X2 + 1j), TypeError,
     rf"grad {REAL}; got an array of dtype complex128 and shape \(2,\)"),
    ("Optimizer.step with a boolean gradient", lambda: descent.Adam().step(X2, X2 > 0), TypeError,
     rf"grad {REAL}; got an array of dtype bool and shape \(2,\)"),
    ("Optimizer.step with a gradient of another shape", lambda: descent.SGD().step(X2, [1.0]), ValueError,
     r"grad must have the shape of x, \(2,\); got shape \(1,\)"),
    ("Optimizer.step with text parameters", lambda: descent.SGD().step("1.0", 1.0), TypeError, rf"x {REAL}; got '1.0'"),
    ("Optimizer.step with no parameters", lambda: descent.SGD().step([], []), ValueError,
     r"x must hold at least one parameter; got an array of dtype float64 and shape \(0,\)"),
    ("Optimizer.step with a shape change mid-run", lambda: stepped(descent.Adam()).step(np.ones(3), np.ones(3)),
     ValueError, r"x must keep the shape of the earlier steps, \(2,\); got shape \(3,\)"),
    ("Optimizer.step with an integer out", lambda: descent.SGD().step(X2, X2, out=np.zeros(2, int)), ValueError,
     r"out must be a writeable float array of the shape of x, \(2,\); got an array of dtype int64"),
    ("Optimizer.step with a read-only out", lambda: descent.SGD().step(X2, X2, out=np.broadcast_to(0.0, (2,))),
     ValueError, r"out must be a writeable float array of the shape of x, \(2,\); got an array of dtype float64 and shape \(2,\)"),
    ("Optimizer.step with a sweep lr that does not fit x",
     lambda: descent.SGD(lr=np.ones((3, 1))).step(np.ones((4, 2)), np.ones((4, 2))), ValueError,
     (r"lr has shape \(3, 1\), which does not broadcast against x of shape \(4, 2\); use a number, or an array such "
      r"as shape \(4, 1\) for a sweep")),
    ("Optimizer.t = -1", lambda: setattr(descent.Adam(), "t", -1), ValueError, r"t must be an integer >= 0; got -1"),
    ("Optimizer.t = 2.5", lambda: setattr(descent.Adam(), "t", 2.5), TypeError, r"t must be an integer >= 0; got 2.5"),
    ("Optimizer.load_state_dict(a list)", lambda: descent.Adam().load_state_dict([1.0]), TypeError,
     r"state_dict must be a dict returned by Adam.state_dict\(\); got \[1.0\]"),
    ("Optimizer.load_state_dict(another class)", lambda: descent.Adam().load_state_dict(descent.AdamW().state_dict()),
     ValueError, r"state_dict\['optimizer'\] must be 'Adam', the class of this optimizer; got 'AdamW'"),
    ("Optimizer.load_state_dict(a missing key)", lambda: descent.SGD().load_state_dict({"t": 0, "state": {}}),
     ValueError, r"state_dict must have exactly the keys \['optimizer', 'state', 't'\] \(what SGD.state_dict\(\) "
                 r"returns\); got \['t', 'state'\]"),
    ("Optimizer.load_state_dict(t=-1)", lambda: descent.SGD().load_state_dict({"optimizer": "SGD", "t": -1,
                                                                               "state": {}}),
     ValueError, r"state_dict\['t'\] must be an integer >= 0; got -1"),
    ("Optimizer.load_state_dict(a state array missing)", lambda: descent.Adam().load_state_dict(
        {"optimizer": "Adam", "t": 3, "state": {"m": np.zeros(2)}}), ValueError,
     r"state_dict\['state'\] must hold the arrays \['m', 'v'\] of Adam\(.*\) \(or none, before the first step\); "
     r"got \['m'\]"),
    ("Optimizer.load_state_dict(state arrays of two shapes)", lambda: descent.Adam().load_state_dict(
        {"optimizer": "Adam", "t": 3, "state": {"m": np.zeros(2), "v": np.zeros(3)}}), ValueError,
     r"state_dict\['state'\]\['v'\] must be a non-empty array of the shape of the other state arrays, \(2,\); "
     r"got an array of dtype float64 and shape \(3,\)"),
    ("Optimizer.load_state_dict(a complex state array)", lambda: descent.Momentum().load_state_dict(
        {"optimizer": "Momentum", "t": 1, "state": {"v": np.ones(2) * 1j}}), TypeError,
     rf"state_dict\['state'\]\['v'\] {REAL}; got an array of dtype complex128"),
    ("Optimizer.load_state_dict(a sweep state that does not fit lr)",
     lambda: descent.SGD(lr=np.ones((3, 1))).load_state_dict({"optimizer": "SGD", "t": 1, "state": {}}) or
     descent.Momentum(lr=np.ones((3, 1))).load_state_dict({"optimizer": "Momentum", "t": 1,
                                                           "state": {"v": np.zeros((2, 2))}}), ValueError,
     r"lr has shape \(3, 1\), which does not broadcast against the state arrays of shape \(2, 2\)"),
    ("Optimizer.load_state_dict(without the schedule's state)",
     lambda: descent.SGD(lr=schedules.ReduceOnPlateau(0.1)).load_state_dict(descent.SGD().state_dict()),
     ValueError, r"state_dict must have exactly the keys \['optimizer', 'state', 't', 'lr'\] \(what SGD.state_dict\(\) "
                 r"returns, lr for the state of its schedule\)"),
    ("Newton.step without a Hessian of the right shape", lambda: descent.Newton().step(X2, X2, np.eye(3)),
     ValueError, r"hessian must have shape \(2, 2\) for x of shape \(2,\); got shape \(3, 3\)"),
    ("Newton.step with a complex Hessian", lambda: descent.Newton().step(X2, X2, np.eye(2) * 1j), TypeError,
     rf"hessian {REAL}; got an array of dtype complex128"),
    ("clip_by_norm(max_norm=0)", lambda: descent.clip_by_norm(X2, 0), ValueError, r"max_norm must be > 0; got 0"),
    ("clip_by_norm(g='x')", lambda: descent.clip_by_norm("x", 1.0), TypeError, rf"g {REAL}; got 'x'"),
    # schedules
    ("Schedule(lr0=[])", lambda: schedules.Schedule([]), ValueError, r"lr0 must be a number or a non-empty array"),
    ("Constant(0.1)(nan)", lambda: schedules.Constant(0.1)(np.nan), ValueError,
     r"t must be a finite step count >= 0, or an array of them; got nan"),
    ("Constant(0.1)(-1)", lambda: schedules.Constant(0.1)(-1), ValueError,
     r"t must be a finite step count >= 0, or an array of them; got -1"),
    ("Constant(0.1)(True)", lambda: schedules.Constant(0.1)(True), TypeError, rf"t {REAL}; got True"),
    ("Cosine(0.1, 10)(inf)", lambda: schedules.Cosine(0.1, 10)(np.inf), ValueError,
     r"t must be a finite step count >= 0, or an array of them; got inf"),
    ("Cosine(lr_min > lr0)", lambda: schedules.Cosine(0.1, 10, lr_min=0.2), ValueError,
     r"lr_min must be <= lr0; got lr_min=0.2, lr0=0.1"),
    ("Cosine(total_steps=0)", lambda: schedules.Cosine(0.1, 0), ValueError, r"total_steps must be an integer >= 1; got 0"),
    ("InverseTime(k=-1)", lambda: schedules.InverseTime(0.1, -1), ValueError, r"k must be >= 0; got -1"),
    ("Exponential(gamma=1.5)", lambda: schedules.Exponential(0.1, 1.5), ValueError, r"gamma must be in \(0, 1\]; got 1.5"),
    ("Step(step_size=2.5)", lambda: schedules.Step(0.1, 0.5, 2.5), TypeError,
     r"step_size must be an integer >= 1; got 2.5"),
    ("Warmup(after=0.1)", lambda: schedules.Warmup(0.1, 5), TypeError,
     r"after must be a Schedule of t alone \(e.g. Constant\(0.1\); not ReduceOnPlateau, .*\); got 0.1"),
    ("Warmup(after=ReduceOnPlateau)", lambda: schedules.Warmup(schedules.ReduceOnPlateau(0.1), 5), TypeError,
     r"after must be a Schedule of t alone .*; got ReduceOnPlateau\("),
    ("make('cosinus')", lambda: schedules.make("cosinus", 0.1), ValueError,
     (r"schedule name must be one of 'constant', 'cosine', 'cosine_restarts', 'exponential', 'inverse_time', "
      r"'multistep', 'one_cycle', 'polynomial', 'step'; got 'cosinus'")),
    ("InverseTime(interval=0)", lambda: schedules.InverseTime(0.1, 0.5, interval=0), ValueError,
     r"interval must be an integer >= 1; got 0"),
    ("MultiStep(milestones=10)", lambda: schedules.MultiStep(0.1, 10), TypeError,
     r"milestones must be a list of integers >= 0 \(the steps at which the rate is multiplied by gamma\); got 10"),
    ("MultiStep(milestones=[10, 2.5])", lambda: schedules.MultiStep(0.1, [10, 2.5]), TypeError,
     r"milestones\[1\] must be an integer >= 0; got 2.5"),
    ("MultiStep(gamma=2)", lambda: schedules.MultiStep(0.1, [10], gamma=2), ValueError,
     r"gamma must be in \(0, 1\]; got 2"),
    ("CosineRestarts(period_mult=1.5)", lambda: schedules.CosineRestarts(0.1, 10, period_mult=1.5), TypeError,
     r"period_mult must be an integer >= 1; got 1.5"),
    ("CosineRestarts(lr_min > lr0)", lambda: schedules.CosineRestarts(0.1, 10, lr_min=1.0), ValueError,
     r"lr_min must be <= lr0; got lr_min=1.0, lr0=0.1"),
    ("Polynomial(power=0)", lambda: schedules.Polynomial(0.1, 10, power=0), ValueError, r"power must be > 0; got 0"),
    ("OneCycle(pct_start=1.5)", lambda: schedules.OneCycle(0.1, 100, pct_start=1.5), ValueError,
     r"pct_start must be a fraction strictly between 0 and 1; got 1.5"),
    ("OneCycle(warm-up of one step)", lambda: schedules.OneCycle(0.1, 3, pct_start=0.3), ValueError,
     r"pct_start \* total_steps must be > 1 \(a warm-up longer than one step\); got pct_start=0.3, total_steps=3"),
    ("OneCycle(anneal='cosine')", lambda: schedules.OneCycle(0.1, 100, anneal="cosine"), ValueError,
     r"anneal must be 'cos' or 'linear'; got 'cosine'"),
    ("Lambda(fn=0.5)", lambda: schedules.Lambda(0.1, 0.5), TypeError,
     r"fn must be a function of the step count t, such as lambda t: 0.95 \*\* t; got 0.5"),
    ("Lambda(fn returning a negative factor)", lambda: schedules.Lambda(0.1, lambda t: 1 - t)(np.arange(3)),
     ValueError, r"fn\(2\) \(the rate factor of step 2\) must be >= 0; got -1"),
    ("Lambda(fn returning text)", lambda: schedules.Lambda(0.1, lambda t: "1")(0), TypeError,
     rf"fn\(0\) \(the rate factor of step 0\) {REAL}; got '1'"),
    ("ReduceOnPlateau(mode='lower')", lambda: schedules.ReduceOnPlateau(0.1, mode="lower"), ValueError,
     r"mode must be 'min' or 'max'; got 'lower'"),
    ("ReduceOnPlateau(gamma=1)", lambda: schedules.ReduceOnPlateau(0.1, gamma=1), ValueError,
     r"gamma must be a fraction strictly between 0 and 1; got 1"),
    ("ReduceOnPlateau(patience=-1)", lambda: schedules.ReduceOnPlateau(0.1, patience=-1), ValueError,
     r"patience must be an integer >= 0; got -1"),
    ("ReduceOnPlateau.observe(a text metric)", lambda: schedules.ReduceOnPlateau(0.1).observe("0.5"), TypeError,
     rf"metric {REAL}; got '0.5'"),
    ("ReduceOnPlateau.observe(one metric for two runs too many)",
     lambda: schedules.ReduceOnPlateau(np.array([[0.1], [0.2]])).observe(np.ones(3)), ValueError,
     r"metric must be one number, or an array that broadcasts against lr0 of shape \(2, 1\) \(one metric per run\); "
     r"got shape \(3,\)"),
    ("ReduceOnPlateau.load_state_dict(missing keys)", lambda: schedules.ReduceOnPlateau(0.1).load_state_dict(
        {"lr": 0.1}), ValueError,
     r"state_dict must be a dict with the keys \['lr', 'best', 'num_bad', 'cooldown_left'\] .*; got \{'lr': 0.1\}"),
    ("ReduceOnPlateau.load_state_dict(a negative rate)", lambda: schedules.ReduceOnPlateau(0.1).load_state_dict(
        dict(schedules.ReduceOnPlateau(0.1).state_dict(), lr=-1.0)), ValueError,
     r"state_dict\['lr'\] must hold rates > 0 in the shape of lr0, \(\); got -1.0"),
    ("as_lr(None)", lambda: schedules.as_lr(None), TypeError, rf"lr {REAL}; got None"),
    # moving averages
    ("ewma(y=[])", lambda: ewma.ewma([], 0.9), ValueError, r"y must be a non-empty series .*; got \[\]"),
    ("ewma(bias_correction='yes')", lambda: ewma.ewma([1.0], 0.9, bias_correction="yes"), TypeError,
     r"bias_correction must be True or False; got 'yes'"),
    ("ewma(init='last')", lambda: ewma.ewma([1.0], 0.9, init="last"), ValueError,
     r"init must be 'zero' or 'first'; got 'last'"),
    ("ewma(beta of another shape)", lambda: ewma.ewma(np.ones((4, 2)), np.array([0.5, 0.6, 0.7])), ValueError,
     r"beta has shape \(3,\), which does not broadcast against one observation y\[0\] of shape \(2,\)"),
    ("EWMA(beta=1.5)", lambda: ewma.EWMA(1.5), ValueError, r"beta must be in \[0, 1\); got 1.5"),
    ("EWMA.update with a shape change", lambda: fed(ewma.EWMA(0.9), [1.0, 2.0]).update([1.0, 2.0, 3.0]),
     ValueError, (r"y has shape \(3,\), which does not broadcast against the average of the earlier updates, "
                  r"shape \(2,\)")),
    ("EWMA.update with an empty array", lambda: ewma.EWMA(0.9).update([]), ValueError,
     r"y must be a number or a non-empty array; got an array of dtype float64 and shape \(0,\)"),
    ("EWMA.update with a complex value", lambda: ewma.EWMA(0.9).update(1j), TypeError, rf"y {REAL}; got 1j"),
    # runs
    ("run(SGD, ...) with the class", lambda: run(descent.SGD, Q, X2), TypeError,
     r"opt must be a descent optimizer such as descent.SGD\(lr=0.1\) .*; got the class SGD \(not an instance"),
    ("run('SGD', ...)", lambda: run("SGD", Q, X2), TypeError, r"opt must be a descent optimizer .*; got 'SGD'"),
    ("run(x0 of the wrong dimension)", lambda: run(descent.SGD(), Q, [1, 1, 1]), ValueError,
     r"x0 must have shape \(\.\.\., 2\), one point of Quadratic \(which is 2-dimensional\) per run; got shape \(3,\)"),
    ("run(x0=nan)", lambda: run(descent.SGD(), Q, [np.nan, 1.0]), ValueError,
     r"x0 must be finite; got \[nan, 1.0\]"),
    ("run(fn=3)", lambda: run(descent.SGD(), 3, X2), TypeError,
     r"fn must be a descent.functions landscape or a callable returning \(value, grad\); got 3"),
    ("run(fn returning one number)", lambda: run(descent.SGD(), lambda x: 0.0, X2), TypeError,
     r"fn must return a pair \(value, gradient\); got 0.0"),
    ("run(fn returning a gradient of another shape)", lambda: run(descent.SGD(), lambda x: (0.0, [1.0]), X2),
     ValueError, r"the gradient returned by fn must have the shape of x, \(2,\); got shape \(1,\)"),
    ("run(Newton on a callable)", lambda: run(descent.Newton(), lambda x: (0.0, x), X2), TypeError,
     r"fn must have a hessian\(x\) for Newton's method"),
    ("run(steps=2.5)", lambda: run(descent.SGD(), Q, X2, steps=2.5), TypeError, r"steps must be an integer >= 0; got 2.5"),
    ("run(bound=0)", lambda: run(descent.SGD(), Q, X2, bound=0), ValueError, r"bound must be > 0; got 0"),
    ("steps_on_stream(complex gradients)", lambda: steps_on_stream(descent.SGD(), [[1j]]), TypeError,
     rf"grads {REAL}; got \[\[1j\]\]"),
    ("steps_on_stream(no gradients)", lambda: steps_on_stream(descent.SGD(), np.zeros((0, 2))), ValueError,
     r"grads must have shape \(T, \.\.\.\) with T ≥ 1; got shape \(0, 2\)"),
    # landscapes
    ("Landscape.grad with complex points", lambda: Q.grad(X2 + 1j), TypeError,
     rf"x {REAL}; got an array of dtype complex128"),
    ("Landscape.value with points of another dimension", lambda: Q.value([1.0, 2.0, 3.0]), ValueError,
     r"x must have shape \(\.\.\., 2\) for Quadratic; got shape \(3,\)"),
    ("Quadratic(A not symmetric)", lambda: functions.Quadratic([[1.0, 2.0], [0.0, 1.0]]), ValueError,
     r"A must be a symmetric square matrix of finite real numbers; got \[\[1.0, 2.0\], \[0.0, 1.0\]\]"),
    ("Quadratic(center of another shape)", lambda: functions.Quadratic(np.eye(2), [1.0]), ValueError,
     r"center must have shape \(2,\); got \(1,\)"),
    ("Quadratic.ill_conditioned(angle='45')", lambda: functions.Quadratic.ill_conditioned(10, "45"), TypeError,
     rf"angle {REAL}; got '45'"),
    ("Wiggly.stationary_points(lo > hi)", lambda: functions.Wiggly().stationary_points(1.0, -1.0), ValueError,
     r"lo must be < hi; got lo=1.0, hi=-1.0"),
    ("Rosenbrock(a=[1, 2])", lambda: functions.Rosenbrock(a=[1.0, 2.0]), TypeError,
     r"a must be one real number; got \[1.0, 2.0\]"),
    ("Saddle.hessian(text)", lambda: functions.Saddle().hessian("0"), TypeError, rf"x {REAL}; got '0'"),
    ("MonkeySaddle.grad(shape (3,))", lambda: functions.MonkeySaddle().grad(np.zeros(3)), ValueError,
     r"x must have shape \(\.\.\., 2\) for MonkeySaddle; got shape \(3,\)"),
    ("Plateau(width=0)", lambda: functions.Plateau(width=0), ValueError, r"width must be > 0; got 0"),
    ("Cliff(height=-1)", lambda: functions.Cliff(height=-1), ValueError, r"height must be > 0; got -1"),
    ("Lessard.value(bool)", lambda: functions.Lessard().value(np.array([True])), TypeError,
     rf"x {REAL}; got an array of dtype bool"),
    ("classify_stationary_point(H=1-D)", lambda: functions.classify_stationary_point([1.0, 2.0]), ValueError,
     r"H must be a symmetric square matrix of finite real numbers; got \[1.0, 2.0\]"),
    ("basin(x='-3')", lambda: functions.basin(functions.Wiggly(), "-3"), TypeError, rf"x {REAL}; got '-3'"),
    ("basin(fn without stationary points)", lambda: functions.basin(Q, 0.0), TypeError,
     r"fn must be a 1-D landscape with stationary_points\(\), such as Wiggly\(\); got Quadratic"),
    # momentum on quadratics
    ("iteration_matrix(method='heavy')", lambda: quadratic.iteration_matrix(1.0, 0.1, 0.9, "heavy"), ValueError,
     r"method must be one of 'gd', 'momentum', 'nesterov'; got 'heavy'"),
    ("spectral_radius(lr=0)", lambda: quadratic.spectral_radius(1.0, 0.0), ValueError, r"lr must be > 0; got 0.0"),
    ("rate(lr='0.1')", lambda: quadratic.rate([1.0, 10.0], "0.1"), TypeError, rf"lr {REAL}; got '0.1'"),
    ("rate(eigenvalues=[])", lambda: quadratic.rate([], 0.1), ValueError,
     r"eigenvalues must be a non-empty 1-D array; got shape \(0,\)"),
    ("max_stable_lr(beta=1)", lambda: quadratic.max_stable_lr(1.0, 1.0), ValueError, r"beta must be in \[0, 1\); got 1.0"),
    ("optimal_gd(m > L)", lambda: quadratic.optimal_gd(10.0, 1.0), ValueError,
     r"m \(the smallest eigenvalue\) must be <= L \(the largest\); got m=10.0, L=1.0"),
    ("optimal_momentum(m=0)", lambda: quadratic.optimal_momentum(0.0, 1.0), ValueError, r"m must be > 0; got 0.0"),
    ("nesterov_parameters(L='10')", lambda: quadratic.nesterov_parameters(1.0, "10"), TypeError, rf"L {REAL}; got '10'"),
    ("measured_rate(xs complex)", lambda: quadratic.measured_rate(np.ones((3, 2)) * 1j), TypeError,
     rf"xs {REAL}; got an array of dtype complex128"),
    # noisy quadratic
    ("NoisyQuadratic(sigma=-1)", lambda: noisy.NoisyQuadratic(np.eye(2), sigma=-1), ValueError,
     r"sigma must be >= 0; got -1"),
    ("NoisyQuadratic.expected_sq_error(x0 of another shape)",
     lambda: noisy.NoisyQuadratic(np.eye(2)).expected_sq_error(0.1, [1.0], 3), ValueError,
     r"x0 must have shape \(2,\); got shape \(1,\)"),
    ("NoisyQuadratic.expected_sq_error(lr of shape (3,))",
     lambda: noisy.NoisyQuadratic(np.eye(2)).expected_sq_error(np.ones(3), [1.0, 1.0], 3), ValueError,
     r"lr must be a number, or an array of shape \(k, 1\) for a sweep of k runs; got shape \(3,\)"),
    ("NoisyQuadratic.noise_floor(lr=-1)", lambda: noisy.NoisyQuadratic(np.eye(2)).noise_floor(-1), ValueError,
     r"lr must be > 0; got -1"),
    # linear least squares
    ("LinearRegression(X empty)", lambda: linear.LinearRegression(np.zeros((0, 2)), []), ValueError,
     r"X must be a non-empty 2-D array \(one row per example\); got shape \(0, 2\)"),
    ("LinearRegression(y of another length)", lambda: linear.LinearRegression(np.eye(2), [1.0]), ValueError,
     r"y must have shape \(2,\), one target per row of X; got \(1,\)"),
    ("LinearRegression.gd_loss_gap(steps=-1)", lambda: linear.LinearRegression(np.eye(2), [1.0, 2.0]).gd_loss_gap(
        0.1, [0.0, 0.0], -1), ValueError, r"steps must be an integer >= 0 or an array of them; got -1"),
    ("LinearRegression.gd_iterations(tol=0)", lambda: linear.LinearRegression(np.eye(2), [1.0, 2.0]).gd_iterations(
        0.1, [0.0, 0.0], 0), ValueError, r"tol must be > 0; got 0"),
    ("add_intercept(X 1-D)", lambda: linear.add_intercept([1.0, 2.0]), ValueError,
     r"X must be a non-empty 2-D array \(one row per example\); got shape \(2,\)"),
    ("pca_whiten(columns differ)", lambda: linear.pca_whiten(np.eye(3), np.eye(2)), ValueError,
     r"X_train and X_test must have the same number of columns; got shapes \(3, 3\) and \(2, 2\)"),
    # damped Newton
    ("newton_endpoints(dampings=[])", lambda: newton.newton_endpoints(functions.Wiggly(), [1.0], []), ValueError,
     r"dampings must be a non-empty 1-D array of numbers ≥ 0; got an array of dtype float64 and shape \(0,\)"),
    ("newton_endpoints(fn=callable)", lambda: newton.newton_endpoints(lambda x: (0, x), [1.0], [0.1]), TypeError,
     r"fn must be a landscape with value, grad and hessian"),
    # data
    ("seattle_weather has no arguments", lambda: data.seattle_weather(1), TypeError, r"takes 0 positional arguments"),
    ("digits(test_size=0)", lambda: data.digits(test_size=0), ValueError,
     r"test_size must be a fraction strictly between 0 and 1; got 0"),
    ("wine(standardize='yes')", lambda: data.wine(standardize="yes"), TypeError,
     r"standardize must be True or False; got 'yes'"),
    ("moons(n=2)", lambda: data.moons(n=2), ValueError, r"n must be an integer >= 4; got 2"),
    ("standardize(empty training set)", lambda: data.standardize(np.zeros((0, 3)), np.zeros((2, 3))), ValueError,
     r"X_train must have at least one row \(its mean and std are used\); got shape \(0, 3\)"),
    ("standardize(complex)", lambda: data.standardize(np.ones((2, 3)) * 1j, np.ones((2, 3))), TypeError,
     rf"X_train {REAL}; got an array of dtype complex128"),
    ("one_hot(float labels)", lambda: data.one_hot([0.0, 1.0], 2), TypeError,
     r"y must be an array of integer labels; got dtype float64"),
    # the network
    ("Activation is a record, built with a name and two functions", lambda: nn.Activation("id"), TypeError,
     r"missing 2 required positional arguments: 'value' and 'derivative'"),
    ("init_std(init='glorot')", lambda: nn.init_std("glorot", 3, 4), ValueError,
     r"init must be one of 'zeros', 'normal', 'xavier', 'he'; got 'glorot'"),
    ("MLP(activation='swish')", lambda: nn.MLP([3, 2], activation="swish"), ValueError,
     (r"activation must be one of \('linear', 'relu', 'leaky_relu', 'sigmoid', 'tanh', 'elu', 'silu', 'mish', "
      r"'gelu', 'gelu_tanh'\) or an Activation; got 'swish'")),
    ("MLP(sizes=[3])", lambda: nn.MLP([3]), ValueError,
     r"sizes must be a sequence of at least 2 layer widths \(inputs, …, classes\); got \[3\]"),
    ("MLP(sizes with 0)", lambda: nn.MLP([3, 0, 2]), ValueError, r"sizes\[1\] must be an integer >= 1; got 0"),
    ("MLP.loss_and_grad(an empty batch)", lambda: NET.loss_and_grad(np.zeros((0, 3)), np.zeros(0, int)), ValueError,
     r"X must have at least one row \(one example per row\); got shape \(0, 3\)"),
    ("MLP.forward(X of another width)", lambda: NET.forward(np.zeros((2, 4))), ValueError,
     r"X must have shape \(batch, 3\); got shape \(2, 4\)"),
    ("MLP.accuracy(labels out of range)", lambda: NET.accuracy(np.zeros((2, 3)), [0, 5]), ValueError,
     r"y must hold labels in 0..1; got values from 0 to 5"),
    ("MLP.theta = the wrong shape", lambda: setattr(NET, "theta", np.zeros(3)), ValueError,
     rf"theta must have shape \({NET.n_params},\); got shape \(3,\)"),
    ("batches(batch_size=0)", lambda: nn.batches(10, 0, 0), ValueError, r"batch_size must be an integer >= 1; got 0"),
    ("batches(rng='seed')", lambda: nn.batches(10, 2, "seed"), TypeError, r"rng must be an integer >= 0; got 'seed'"),
    ("partition(not a permutation)", lambda: nn.partition([0, 0, 2], 2), ValueError,
     r"order must be a permutation of 0, …, n − 1 \(each index once, n ≥ 1\); got \[0, 0, 2\]"),
    ("partition(float order)", lambda: nn.partition([0.0, 1.0], 2), TypeError,
     r"order must be a 1-D array of integer indices; got \[0.0, 1.0\]"),
    ("train(progress='yes')", lambda: nn.train(NET, descent.SGD(), SPLIT, 1, progress="yes"), TypeError,
     r"progress must be True or False; got 'yes'"),
    ("train(grad_norms='no')", lambda: nn.train(NET, descent.SGD(), SPLIT, 1, grad_norms="no"), TypeError,
     r"grad_norms must be True or False; got 'no'"),
    ("train(every_epoch=1)", lambda: nn.train(NET, descent.SGD(), SPLIT, 1, every_epoch=1), TypeError,
     r"every_epoch must be True or False; got 1"),
    ("train(opt=the class)", lambda: nn.train(NET, descent.SGD, SPLIT, 1), TypeError,
     r"opt must be a descent optimizer .*; got the class SGD"),
    # experiments
    ("validation_split(fraction=1)", lambda: experiments.validation_split(SPLIT, 1), ValueError,
     r"fraction must be a fraction strictly between 0 and 1; got 1"),
    ("grid(lr='a')", lambda: experiments.grid(lr="a"), TypeError, rf"lr {REAL}; got 'a'"),
    ("grid(lr=[])", lambda: experiments.grid(lr=[]), ValueError, r"lr must be a non-empty 1-D list of values; got \[\]"),
    ("sweep(make_optimizer='adam')", lambda: experiments.sweep("adam", [0.1], SPLIT, SPLIT, [3, 2], 1), TypeError,
     r"make_optimizer must be a function of the lr array, e.g. lambda lr: descent.Adam\(lr=lr\); got 'adam'"),
    ("sweep(lrs=[])", lambda: experiments.sweep(descent.SGD, [], SPLIT, SPLIT, [3, 2], 1), ValueError,
     r"lrs must be a number or a non-empty array; got \[\]"),
    ("Sweep.curves(metric='seconds')", lambda: small_sweep().curves("seconds"), ValueError,
     r"metric must be one of 'loss', 'test_loss', 'accuracy', 'test_accuracy', 'grad_norms'; got 'seconds'"),
    ("pick_best_lr(val_loss of another shape)", lambda: experiments.pick_best_lr([0.1, 1.0], np.ones((2, 3)),
                                                                                 np.ones(2)), ValueError,
     r"val_loss must have shape \(2, seeds\); got shape \(2,\)"),
    ("table(a list of numbers)", lambda: experiments.table([1, 2]), TypeError,
     r"sweeps must be a non-empty list of Sweep results of experiments.sweep; got \[1, 2\]"),
    ("seeded(configs=0)", lambda: experiments.seeded([3, 2], configs=0), ValueError,
     r"configs must be an integer >= 1; got 0"),
    ("seeded(seed=-1)", lambda: experiments.seeded([3, 2], configs=2, seed=-1), ValueError,
     r"seed must be an integer >= 0; got -1"),
    ("seeded(network=an instance)", lambda: experiments.seeded([3, 2], configs=2, network=NET), TypeError,
     r"network must be descent.nn.MLP or a subclass of it \(such as descent.layers.NormMLP\); got MLP\(sizes"),
    # curvature, layers, diagnostics (the networks of issue 14)
    ("loss_and_grad(loss='mse2')", lambda: curvature.loss_and_grad(NET, SPLIT.X_train, SPLIT.y_train, loss="mse2"),
     ValueError, r"loss must be one of \('cross_entropy', 'mse'\); got 'mse2'"),
    ("loss_grad_hvp(v of another shape)", lambda: curvature.loss_grad_hvp(NET, SPLIT.X_train, SPLIT.y_train,
                                                                          np.ones(3)),
     ValueError, r"v must have the shape of net.theta, \(26,\); got shape \(3,\)"),
    ("hvp(net='a')", lambda: curvature.hvp("a", SPLIT.X_train, SPLIT.y_train, np.ones(26)), TypeError,
     r"net must be a descent.nn.MLP or a network of descent.layers; got 'a'"),
    ("hessian(eps=-1)", lambda: curvature.hessian(NET, SPLIT.X_train, SPLIT.y_train, eps=-1), ValueError,
     r"eps must be > 0; got -1"),
    ("power_iteration(iters=0)", lambda: curvature.power_iteration(NET, SPLIT.X_train, SPLIT.y_train, iters=0),
     ValueError, r"iters must be an integer >= 1; got 0"),
    ("lanczos(steps=0)", lambda: curvature.lanczos(NET, SPLIT.X_train, SPLIT.y_train, steps=0), ValueError,
     r"steps must be an integer >= 1; got 0"),
    ("LayerNorm(eps=0)", lambda: layers.LayerNorm(4, eps=0), ValueError, r"eps must be > 0; got 0"),
    ("BatchNorm(momentum=2)", lambda: layers.BatchNorm(4, momentum=2), ValueError,
     r"momentum must be in \[0, 1\); got 2"),
    ("unchanged('a')", lambda: layers.unchanged("a").__enter__(), TypeError,
     r"net must be a descent.nn.MLP or a network of descent.layers; got 'a'"),
    ("NormMLP(norm='group')", lambda: layers.NormMLP([3, 4, 2], norm="group"), ValueError,
     r"norm must be one of \('batch', 'layer'\); got 'group'"),
    ("ResidualMLP(branch_scale=-1)", lambda: layers.ResidualMLP([3, 4, 4, 2], branch_scale=-1), ValueError,
     r"branch_scale must be > 0; got -1"),
    ("relative_error(two shapes)", lambda: diagnostics.relative_error(np.ones(2), np.ones(3)), ValueError,
     r"a and b must have the same shape; got \(2,\) and \(3,\)"),
    ("numerical_gradient(h=0)", lambda: diagnostics.numerical_gradient(lambda t: 0.0, np.ones(2), h=0), ValueError,
     r"h must be > 0; got 0"),
    ("gradient_check(loss_and_grad='a')", lambda: diagnostics.gradient_check("a", np.ones(2)), TypeError,
     r"loss_and_grad must be a function θ → \(loss, gradient\); got 'a'"),
    ("update_ratios(before of another shape)", lambda: diagnostics.update_ratios(NET, np.ones(3), NET.theta),
     ValueError, r"before must have the shape of net.theta, \(26,\); got shape \(3,\)"),
    ("signal_rms(net='a')", lambda: diagnostics.signal_rms("a", SPLIT.X_train), TypeError,
     r"net must be a descent.nn.MLP \(or a descent.layers network\); got 'a'"),
    ("dead_units(X of another width)", lambda: diagnostics.dead_units(NET, np.ones((4, 5))), ValueError,
     r"X must have shape \(batch, 3\); got shape \(4, 5\)"),
    ("saturated_units(threshold=-1)", lambda: diagnostics.saturated_units(NET, SPLIT.X_train, threshold=-1),
     ValueError, r"threshold must be > 0; got -1"),
    ("overfit_batch(steps=0)", lambda: diagnostics.overfit_batch(NET, descent.SGD(), SPLIT.X_train, SPLIT.y_train,
                                                                  steps=0), ValueError, r"steps must be an integer >= 1; got 0"),
    ("lr_range_test(lr_min > lr_max)", lambda: diagnostics.lr_range_test(NET, descent.SGD, SPLIT.X_train,
                                                                          SPLIT.y_train, lr_min=1.0, lr_max=0.1),
     ValueError, r"lr_min must be < lr_max; got lr_min=1.0, lr_max=0.1"),
    # evidence
    ("interval(one seed)", lambda: evidence.interval([0.5]), ValueError,
     r"samples must be a 1-D list of at least 2 results, one per seed; got shape \(1,\)"),
    ("interval(level=95)", lambda: evidence.interval([0.5, 0.6], level=95), ValueError,
     r"level must be a probability strictly between 0 and 1, such as 0.95; got 95"),
    ("paired(different seeds)", lambda: evidence.paired([1.0, 2.0], [1.0, 2.0, 3.0]), ValueError,
     r"a and b must hold one result per seed for the same seeds; got 2 and 3"),
    ("table(a list)", lambda: evidence.table([1.0, 2.0]), TypeError,
     r"results must be a non-empty dict \{method name: list of results, one per seed\}"),
    ("against(no baseline)", lambda: evidence.against({"A": [1.0, 2.0]}, "B"), ValueError,
     r"results must be a dict .* that includes the baseline 'B'; got dict with keys \['A'\]"),
]

# result records, built by the package, not by learners
RECORDS = {"Trajectory", "Endpoints", "Weather", "Split", "History", "Interval", "Paired"}
MODULES = (descent.optimizers, base, sgd, adaptive, factored, sign, orthogonal, layerwise, newton_optimizer, schedules,
           ewma, descent.trajectory, functions, quadratic, noisy, linear, newton, data, nn, experiments, evidence, buggy,
           curvature, layers, diagnostics)


@pytest.mark.parametrize("label, call, error, pattern", TABLE, ids=[row[0] for row in TABLE])
def test_a_mistake_gets_a_message_that_names_the_argument_what_is_allowed_and_what_was_given(
        label, call, error, pattern):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(error, match=pattern):
            call()


def test_the_table_covers_every_public_entry_point():
    labels = [row[0] for row in TABLE]
    for module in MODULES:
        for name, obj in vars(module).items():
            public = not name.startswith("_") and getattr(obj, "__module__", None) == module.__name__
            if public and (inspect.isfunction(obj) or inspect.isclass(obj)) and name not in RECORDS:
                assert any(label.startswith(name) for label in labels), f"{module.__name__}.{name} is not in TABLE"
