"""Checkers for the Activations chapter."""

from __future__ import annotations

import numpy as np

from . import Report, check_function
from ..activations import sigmoid


def check_stable_sigmoid(answer) -> Report:
    """Check a learner's sigmoid: exact, warning-free for huge inputs, float32 kept.

    Examples
    --------
    >>> check_stable_sigmoid(sigmoid).passed
    True
    >>> naive = lambda x: 1 / (1 + np.exp(-x))
    >>> check_stable_sigmoid(naive).passed
    False
    """
    inputs = [
        np.linspace(-6.0, 6.0, 13),
        np.array([-1000.0, -745.0, 0.0, 745.0, 1000.0]),
        np.array([-np.finfo(np.float64).max, np.finfo(np.float64).max]),
        np.linspace(-100, 100, 9, dtype=np.float32),
    ]
    return check_function(
        answer, sigmoid, inputs, name="sigmoid", rtol=1e-6, atol=1e-300,
        hint="compute exp of a number that is never positive: for x >= 0 use 1/(1+e^-x), "
             "for x < 0 use e^x/(1+e^x).",
    )
