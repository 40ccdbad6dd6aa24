"""Checkers of the Derivatives chapter: each passes the reference and answers broken attempts with a message."""

import numpy as np
import pytest

from lib import activations as act
from lib.derivatives import numerical_derivative
from lib.exercises import derivatives as ex


def stub(*args):
    raise NotImplementedError("Student exercise")


# -- sigmoid derivative ---------------------------------------------------------------------------

def test_sigmoid_derivative_reference_and_the_accurate_form_pass():
    assert ex.check_sigmoid_derivative(act.sigmoid.derivative).passed
    s = act.sigmoid
    report = ex.check_sigmoid_derivative(lambda x: s(x) * s(-np.asarray(x)))
    assert report.passed and "float32" in report.message and "far from 0" in report.message


def test_sigmoid_derivative_textbook_form_fails_far_from_zero():
    """s(1 - s) is right near 0, and 0 at x = 40 where the slope is 4.2e-18 (the chapter shows it)."""
    s = act.sigmoid
    report = ex.check_sigmoid_derivative(lambda x: s(x) * (1 - s(x)))
    assert not report.passed
    assert "right near 0 but not far from it: at x = 40 it gives 0," in report.message
    assert "4.2e-18" in report.message and "1 - sigma(x) = sigma(-x)" in report.message


def test_sigmoid_derivative_far_check_never_raises_on_an_answer_that_warns_there():
    def warns_far(x):
        x = np.asarray(x)
        with np.errstate(all="warn"):
            return act.sigmoid.derivative(x) + 0 * np.exp(100 * np.maximum(x - 25, 0))
    report = ex.check_sigmoid_derivative(warns_far)
    assert not report.passed and "right near 0" not in report.message
    assert "Hint: sigma'(x) = sigma(x) * (1 - sigma(x))" in report.message


@pytest.mark.parametrize("answer, words", [
    (stub, "still the stub"),
    (lambda x: act.sigmoid(x) * (1 + act.sigmoid(x)), "times too large"),
    (lambda x: act.sigmoid(x), "is off on input"),
    (lambda x: None, "returned None"),
    (lambda x: act.sigmoid.derivative(x)[..., :1], "shape"),
    (lambda x: act.sigmoid.derivative(np.asarray(x, dtype=np.float64)), "dtype"),
    (lambda x: act.sigmoid.derivative(x) + 0 * np.exp(1000 * np.abs(x)), "warned"),
])
def test_sigmoid_derivative_broken_answers_fail(answer, words):
    report = ex.check_sigmoid_derivative(answer)
    assert not report.passed
    assert words in report.message
    assert "Hint: sigma'(x) = sigma(x) * (1 - sigma(x))" in report.message


# -- central difference ---------------------------------------------------------------------------

def test_central_difference_reference_and_textbook_form_pass():
    assert ex.check_central_difference(numerical_derivative).passed
    report = ex.check_central_difference(lambda f, x, h: (f(x + h) - f(x - h)) / (2 * h))
    assert report.passed and "all 6 test inputs" in report.message


@pytest.mark.parametrize("answer, words", [
    (stub, "still the stub"),
    (lambda f, x, h: (f(x + h) - f(x)) / h, "is off on input"),           # forward, not central
    (lambda f, x, h: (f(x + h) - f(x - h)) / h, "about 2 times too large"),  # factor 2 missing
    (lambda f, x, h: (f(x + 1e-5) - f(x - 1e-5)) / 2e-5, "is off on input"),  # h ignored
    (lambda f, x, h: float(np.sum(f(x + h) - f(x - h))) / (2 * h), "shape"),
    (lambda f, x, h: f.derivative(x), "raised AttributeError"),
])
def test_central_difference_broken_answers_fail(answer, words):
    report = ex.check_central_difference(answer)
    assert not report.passed
    assert words in report.message
    assert "2h" in report.message


# -- best h ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("h", [1e-5, 1e-6, 3e-6, 5e-5, 1.5e-4, 2.5e-7, np.float32(1e-5)])
def test_best_h_accepts_a_decade_and_a_half(h):
    assert ex.check_best_h(h).passed


def test_best_h_reference_is_the_model_step_at_2_5_not_the_lucky_grid_point():
    """The reference is where the model error is smallest (6.3e-6), not the luckiest grid step (5e-8)."""
    from lib.experiments.derivatives import best_central_step, predicted_step
    model = predicted_step("central", np.float64, x0=ex.BEST_H_POINT)[0]
    lucky = best_central_step(x0=ex.BEST_H_POINT)
    assert model == pytest.approx(6.3e-6, rel=0.01) and lucky < model / 100
    assert ex.check_best_h(model * 10**1.49).passed and ex.check_best_h(model / 10**1.49).passed
    assert not ex.check_best_h(model * 10**1.51) and not ex.check_best_h(model / 10**1.51)
    assert not ex.check_best_h(lucky).passed
    message = ex.check_best_h(1e-5).message
    assert "6.3e-06" in message and "sin at 2.5 in float64" in message and "luck" in message


@pytest.mark.parametrize("answer, words", [
    (1e-9, "too small"), (1e-2, "too large"), (1.0, "too large"),
    (0.0, "positive"), (-1e-5, "positive"), (np.nan, "positive"),
    ("1e-5", "one positive number"), (None, "one positive number"), ([1e-5, 1e-6], "one positive number"),
])
def test_best_h_rejects_with_a_reason(answer, words):
    report = ex.check_best_h(answer)
    assert not report.passed
    assert words in report.message and "Hint:" in report.message


# -- vanishing on both sides ----------------------------------------------------------------------

def test_vanishing_set_matches_lib_far_out():
    far = np.array([-60.0, 60.0])
    measured = {name for name, f in act.ACTIVATIONS.items() if np.all(np.abs(f.derivative(far)) < 1e-12)}
    assert measured == ex.VANISH_BOTH_SIDES
    assert ex.check_vanishing_both_sides(measured).passed


@pytest.mark.parametrize("answer, words", [
    (["sigmoid"], "2 names are missing."), ({"sigmoid", "tanh", "step", "relu"}, ": 'relu' does not belong."),
    ("sigmoid", "Expected a collection"), (3, "Expected a collection"),
    ({"sigmoid", "tanhh"}, "Not a known name: 'tanhh'"), (..., "Not attempted yet: vanish is still ..."),
])
def test_vanishing_set_wrong_answers(answer, words):
    report = ex.check_vanishing_both_sides(answer)
    assert not report.passed and words in report.message
    assert "step" not in report.message and "tanh'" not in report.message  # the answer stays hidden


def test_vanishing_set_ignores_case_like_the_other_name_checkers():
    assert ex.check_vanishing_both_sides({"Sigmoid", "TANH", " step "}).passed


def test_best_h_placeholder_is_not_attempted():
    report = ex.check_best_h(...)
    assert not report and report.message.startswith("Not attempted yet: best_h is still ...")
