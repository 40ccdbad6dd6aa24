"""Checkers of the Vanishing gradients chapter: references pass, broken answers fail with feedback."""

import numpy as np
import pytest

from lib.exercises import vanishing as ex
from lib.network import MLP


def test_check_bound_reference_and_mistakes():
    assert ex.check_bound(4.0**-20, 10)
    assert ex.check_bound(0.25**20, 10.0)
    report = ex.check_bound(4**-19, 10)
    assert not report and "for 4^-20 you gave 3.63798e-12, which is about 4 times too large" in report.message
    assert "9.09" not in report.message
    report = ex.check_bound(4.0**-20, 11)
    assert not report and "but so is 4^-10" in report.message
    report = ex.check_bound(..., ...)
    assert not report and report.message.count("Not attempted yet") == 1
    report = ex.check_bound(..., 10)
    assert not report and "bound_at_20 is still ..." in report.message and "Correct" in report.message
    assert not ex.check_bound(None, 10)
    assert not ex.check_bound(lambda: 1, 10)
    assert not ex.check_bound(4.0**-20, "ten")


@pytest.mark.parametrize("answer", ["xavier", "Xavier", "glorot", " Xavier/Glorot "])
def test_check_tanh_init_accepts_xavier(answer):
    assert ex.check_tanh_init(answer)


@pytest.mark.parametrize("answer, words", [
    ("he", "grows"), ("Kaiming", "grows"), ("normal", "shrink"), ("uniform", "not one of"),
    (..., "Not attempted yet"), (None, "string"), (3, "string"), ("", "not one of"),
])
def test_check_tanh_init_rejects_with_feedback(answer, words):
    report = ex.check_tanh_init(answer)
    assert not report and words in report.message


def count_dead_reference(net, X):
    net.forward(X)
    return np.array([np.all(act.derivative(z) == 0, axis=0).mean()
                     for act, z in zip(net.acts[:-1], net.pre_activations[:-1])])


def default_parameters(net, X):  # the old model solution: each function's default parameters
    net.forward(X)
    return np.array([np.all(act.f.derivative(z) == 0, axis=0).mean()
                     for act, z in zip(net.acts[:-1], net.pre_activations[:-1])])


def stub(net, X):
    raise NotImplementedError("Student exercise: count dead units")


def relu_only(net, X):          # right for ReLU, wrong for leaky ReLU
    net.forward(X)
    return np.array([np.all(z <= 0, axis=0).mean() for z in net.pre_activations[:-1]])


def counts(net, X):
    return count_dead_reference(net, X) * np.array(net.sizes[1:-1])


def per_sample(net, X):         # "dead on some sample" instead of "on every sample"
    net.forward(X)
    return np.array([np.any(z <= 0, axis=0).mean() for z in net.pre_activations[:-1]])


@pytest.mark.parametrize("answer", [count_dead_reference, lambda net, X: net.dead_fraction(X)])
def test_check_count_dead_passes_references(answer):
    report = ex.check_count_dead(answer)
    assert report and "all 6 test networks" in report.message


@pytest.mark.parametrize("answer, words", [
    (stub, "still the stub"),
    (default_parameters, "default parameters"),
    (relu_only, "leaky-ReLU"),
    (counts, "counts"),
    (per_sample, "is off on"),
    (lambda net, X: None, "returned None"),
    (lambda net, X: count_dead_reference(net, X)[:-1], "shape"),
    (lambda net, X: 1 / 0, "raised ZeroDivisionError"),
    (42, "Expected a function"),
])
def test_check_count_dead_fails_with_feedback(answer, words):
    report = ex.check_count_dead(answer)
    assert not report and words in report.message
