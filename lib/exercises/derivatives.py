"""Checkers for the Derivatives chapter."""

from __future__ import annotations

import warnings

import numpy as np

from . import Report, check_function, check_set, check_value, not_attempted
from ..activations import ACTIVATIONS, sigmoid, tanh
from ..derivatives import numerical_derivative
from ..experiments.derivatives import predicted_step


def check_sigmoid_derivative(answer) -> Report:
    """Check a learner's sigmoid derivative against ``lib.activations.sigmoid.derivative``.

    float64 inputs up to |x| = 10 must agree to a relative 1e-6 (or 1e-12 absolute); float32 input must
    stay float32 and agree to about 1e-6; and far from 0 (x = 30, 40 and 60, where the slope is below
    1e-13) the answer must still agree to a relative 1e-6. That last part fails sigma(x) (1 - sigma(x)),
    whose subtraction rounds to 0 once sigma(x) rounds to 1 (x > 36.7), and passes sigma(x) sigma(-x).

    Examples
    --------
    >>> check_sigmoid_derivative(sigmoid.derivative).passed
    True
    >>> check_sigmoid_derivative(lambda x: sigmoid(x) * sigmoid(-np.asarray(x))).passed
    True
    >>> print(check_sigmoid_derivative(lambda x: sigmoid(x) * (1 - sigmoid(x))).message)
    ... # doctest: +ELLIPSIS
    Not quite: your sigmoid derivative is right near 0 but not far from it: at x = 40 it gives 0, ...
    >>> check_sigmoid_derivative(lambda x: sigmoid(x) * (1 + sigmoid(x))).passed
    False
    """
    hint = ("sigma'(x) = sigma(x) * (1 - sigma(x)), and 1 - sigma(x) = sigma(-x): the second form keeps "
            "its accuracy for large x, where 1 - sigma(x) rounds to 0.")
    report = check_function(
        answer, sigmoid.derivative,
        [np.linspace(-6.0, 6.0, 13), np.array([-30.0, -10.0, 0.0, 10.0]), np.array(2.0)],
        name="sigmoid derivative", rtol=1e-6, atol=1e-12, hint=hint,
    )
    if not report:
        return report
    report32 = check_function(
        answer, sigmoid.derivative, [np.linspace(-8, 8, 9, dtype=np.float32)],
        name="sigmoid derivative", rtol=1e-4, atol=1e-6, hint=hint,
    )
    if not report32:
        return report32
    far = np.array([30.0, 40.0, 60.0])
    report_far = check_function(answer, sigmoid.derivative, [far], name="sigmoid derivative",
                                rtol=1e-6, atol=0.0, hint=hint)
    if not report_far:
        try:  # the value at 40, for the message (check_function has already called it safely)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                got = float(np.asarray(answer(far), dtype=np.float64)[1])
        except Exception:  # the learner's code may raise anything: keep check_function's message
            return report_far
        if not np.isfinite(got):
            return report_far
        return Report(False, "Not quite: your sigmoid derivative is right near 0 but not far from it: "
                             f"at x = 40 it gives {got:.3g}, where the slope is "
                             f"{float(sigmoid.derivative(40.0)):.2g}. There sigma(x) rounds to 1, and "
                             f"1 - sigma(x) to 0. Hint: {hint}")
    return Report(True, "Correct: your sigmoid derivative matches lib.activations.sigmoid.derivative "
                        "on float64 and float32 inputs (shape and dtype kept), far from 0 too.")


def _cube(x):
    return x ** 3


CENTRAL_CASES = [
    (np.sin, np.linspace(-3.0, 3.0, 7), 1e-5),
    (np.sin, np.linspace(-3.0, 3.0, 7), 1e-2),
    (np.exp, np.array([-1.0, 0.0, 2.0]), 1e-4),
    (_cube, np.array([-2.0, 0.5, 3.0]), 1e-3),
    (tanh, np.array([-1.0, 0.3, 2.5]), 1e-1),
    (sigmoid, np.array(0.7), 1e-3),
]


def check_central_difference(answer) -> Report:
    """Check ``central_difference(f, x, h)`` against ``lib.derivatives.numerical_derivative``.

    Several functions, points and steps (h from 1e-5 to 0.1), so a forward difference, a missing
    factor 2 or a hard-coded h all show up.

    Examples
    --------
    >>> check_central_difference(numerical_derivative).passed
    True
    >>> forward = lambda f, x, h: (f(x + h) - f(x)) / h
    >>> check_central_difference(forward).passed
    False
    """
    return check_function(
        answer, numerical_derivative, CENTRAL_CASES, name="central_difference", rtol=1e-6, atol=1e-9,
        hint="(f(x + h) - f(x - h)) / (2 * h): one point on each side of x, and the distance between "
             "them is 2h.",
    )


#: The point of the best-h exercise: sin at x = 2.5, in float64 (the chapter's table shows x = 1).
BEST_H_POINT = 2.5


def check_best_h(answer, tolerance: float = 1.5) -> Report:
    """Check a predicted best step h for central differences of sin at x = 2.5 in float64.

    The reference is the bottom of the V, the step where the error model (truncation plus worst-case
    round-off, ``lib.experiments.derivatives.predicted_step``) is smallest, 6.3e-6. The measured curve
    is jagged where round-off dominates, and its lowest point on a grid is a lucky step, so an exact
    answer is not asked for: the answer passes when log10(h) is within ``tolerance`` (1.5 decades) of
    the model's step.

    Examples
    --------
    >>> check_best_h(1e-5).passed, check_best_h(1e-8).passed, check_best_h(1e-2).passed
    (True, False, False)
    """
    hint = ("the truncation error falls like h^2 and the round-off error grows like eps/h; "
            "look for the bottom of the V in the explorer's error plot.")
    if answer is Ellipsis:
        return not_attempted("best_h is still ...", "write your prediction in its place (a number, "
                             "such as 1e-3), run this cell, then check it in the explorer.")
    best, _ = predicted_step("central", np.float64, x0=BEST_H_POINT)
    try:
        if answer is None or isinstance(answer, (str, bytes)):
            raise TypeError
        h = float(np.asarray(answer, dtype=np.float64))
    except (TypeError, ValueError):
        return Report(False, f"Expected one positive number for h, got {type(answer).__name__}. "
                             f"Hint: {hint}")
    if not (np.isfinite(h) and h > 0):
        return Report(False, f"h must be a positive finite number, you gave {h:g}. Hint: {hint}")
    report = check_value(np.log10(h), np.log10(best), name="log10(h)", rtol=0.0, atol=tolerance)
    if report:
        return Report(True, f"Correct: h = {h:.1e} is within {tolerance:g} decades of {best:.1e}, where "
                            f"the error model (truncation plus worst-case round-off) is smallest for sin "
                            f"at {BEST_H_POINT:g} in float64. On the jagged left side of the V a single "
                            "step can do better by luck.")
    side = "too small: round-off dominates" if h < best else "too large: truncation dominates"
    return Report(False, f"Not quite: h = {h:.1e} is {side} there. Hint: {hint}")


#: Activations whose derivative tends to 0 both as x -> -inf and as x -> +inf (step's is 0 on both
#: sides of its jump, where it has no derivative and lib returns 0).
VANISH_BOTH_SIDES = {"step", "sigmoid", "tanh"}


def check_vanishing_both_sides(answer) -> Report:
    """Check the set of activations whose derivative goes to 0 on both sides.

    Examples
    --------
    >>> check_vanishing_both_sides({"sigmoid", "tanh", "step"}).passed
    True
    >>> print(check_vanishing_both_sides(["Sigmoid", "relu"]).message)  # doctest: +ELLIPSIS
    Not quite (activations whose derivative vanishes on both sides): 2 names are missing, and 'relu' ...
    """
    return check_set(
        answer, VANISH_BOTH_SIDES, name="activations whose derivative vanishes on both sides",
        known=ACTIVATIONS, variable="vanish",
        hint="look at each panel of the grid far left and far right; a derivative that is 0 on "
             "both sides counts too.",
    )


__all__ = ["check_sigmoid_derivative", "check_central_difference", "check_best_h",
           "check_vanishing_both_sides", "VANISH_BOTH_SIDES", "CENTRAL_CASES", "BEST_H_POINT"]
