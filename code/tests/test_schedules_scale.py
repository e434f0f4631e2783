"""The schedules added for training at scale: warm-up–stable–decay against pytorch_optimizer.get_wsd_schedule 4.1.0
(bit for bit, every cool-down shape, with and without warm-up and floor), its traps, and the linear decay to zero
with warm-up that it gives with no stable phase. (SWALR is tested with the averaging, in test_averaging.py.)"""

import numpy as np
import pytest

from descent import schedules
from helpers import torch_rates

torch = pytest.importorskip("torch")
pytorch_optimizer = pytest.importorskip("pytorch_optimizer")


def reference_rates(lr0, steps, **options):
    return torch_rates(lambda torch, opt: pytorch_optimizer.get_wsd_schedule(opt, **options), lr0, steps)


SETTINGS = [(10, 60, 20, 0.0), (0, 50, 30, 0.1), (7, 0, 13, 0.0), (1, 3, 1, 0.5), (25, 5, 40, 0.02)]


@pytest.mark.parametrize("cooldown", ["1-sqrt", "linear", "1-square", "cosine"])
@pytest.mark.parametrize("warmup, stable, decay, ratio", SETTINGS)
def test_wsd_is_the_reference_bit_for_bit(cooldown, warmup, stable, decay, ratio):
    ours = schedules.WSD(0.3, warmup, stable, decay, cooldown=cooldown, min_lr_ratio=ratio)
    theirs = reference_rates(0.3, 100, num_warmup_steps=warmup, num_stable_steps=stable, num_decay_steps=decay,
                             min_lr_ratio=ratio, cooldown_type=cooldown)
    np.testing.assert_array_equal(ours(np.arange(100)), theirs)


@pytest.mark.parametrize("cycles", [0.25, 0.5, 1.0])
def test_wsd_cosine_cycles(cycles):
    ours = schedules.WSD(0.1, 5, 10, 30, cooldown="cosine", min_lr_ratio=0.1, cycles=cycles)
    theirs = reference_rates(0.1, 60, num_warmup_steps=5, num_stable_steps=10, num_decay_steps=30,
                             min_lr_ratio=0.1, num_cycles=cycles, cooldown_type="cosine")
    np.testing.assert_array_equal(ours(np.arange(60)), theirs)


def test_wsd_traps():
    """The first rate is 0 with a warm-up; a linear cool-down ignores the floor and then jumps up to it; the
    cool-down's last value is shape((D − 1)/D), not its end."""
    sched = schedules.WSD(1.0, 4, 6, 10, cooldown="linear", min_lr_ratio=0.3)
    rates = sched(np.arange(25))
    assert rates[0] == 0.0
    assert rates[19] == pytest.approx(0.1) and rates[20] == 0.3
    assert schedules.WSD(1.0, 0, 0, 4)(3) == pytest.approx(1 - np.sqrt(0.75))


def test_linear_decay_to_zero_with_warmup_is_wsd_without_a_stable_phase():
    """α₀ t/W during warm-up, then α₀ (T − t)/(T − W): Hugging Face's get_linear_schedule_with_warmup."""
    warm, total = 10, 100
    t = np.arange(total + 5)
    expected = np.where(t < warm, t / warm, np.maximum(0.0, (total - t) / (total - warm)))
    np.testing.assert_allclose(schedules.WSD(1.0, warm, 0, total - warm, cooldown="linear")(t), expected,
                               rtol=1e-14, atol=1e-15)
    product = schedules.Warmup(schedules.Polynomial(1.0, total), warm)(t)  # a different shape: a lower peak
    assert product.max() < 1.0 and product[total] == 0.0


def test_wsd_sweeps_over_lr0():
    sched = schedules.WSD(np.array([[0.1], [0.2]]), 2, 3, 4)
    rates = sched(np.arange(10))
    np.testing.assert_allclose(rates[1], 2 * rates[0])


@pytest.mark.parametrize("call, error, pattern", [
    (lambda: schedules.WSD(0.1, -1, 5, 5), ValueError, "warmup_steps must be an integer >= 0"),
    (lambda: schedules.WSD(0.1, 1, 5, 0), ValueError, "decay_steps must be an integer >= 1"),
    (lambda: schedules.WSD(0.1, 1, 5, 5, cooldown="sqrt"), ValueError, "cooldown must be one of"),
    (lambda: schedules.WSD(0.1, 1, 5, 5, min_lr_ratio=2.0), ValueError, r"min_lr_ratio must be in \[0, 1\]"),
    (lambda: schedules.SWALR(0.1, 0.0), ValueError, "swa_lr must be > 0"),
    (lambda: schedules.SWALR(0.1, 0.01, anneal_steps=1.5), TypeError, "anneal_steps must be an integer >= 0"),
])
def test_bad_arguments(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()
