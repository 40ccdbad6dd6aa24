"""Checkers for the Softmax chapter."""

from __future__ import annotations

import numpy as np

from . import Report, check_function, check_value, how_far, is_placeholder, not_attempted
from ..activations import softmax
from ..experiments.softmax import WORKED_LOGITS


def _looks_like_percent(answer) -> bool:
    try:
        arr = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return arr.shape == (3,) and bool(np.all(np.isfinite(arr))) and abs(arr.sum() - 100) < 1


def _untouched(answer) -> bool:
    """``...``, or the all-zero list a notebook may offer as the thing to replace."""
    if is_placeholder(answer):
        return True
    try:
        arr = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return arr.size > 0 and bool(np.all(arr == 0))


def _check_probabilities(answer, want, *, name, atol, hint) -> Report:
    """Compare a short vector of probabilities; say which entry is off, which way and roughly how
    far, never the value it should have. Never raises."""
    want = np.asarray(want, dtype=np.float64)
    try:
        got = np.asarray(answer, dtype=np.float64)
        usable = got.shape == want.shape and not callable(answer)
    except (TypeError, ValueError):
        usable = False
    if not usable:  # None, text, a function, the wrong length: the generic checker words it
        return check_value(answer, want, name=name, rtol=0.0, atol=atol, hint=hint)
    off = np.abs(got - want)
    off = np.where(np.isnan(off), np.inf, off)
    if np.all(off <= atol):
        return Report(True, f"Correct: {name} = {np.array2string(got, precision=4, separator=', ')}.")
    i = int(np.argmax(off))
    wrong = int(np.sum(off > atol))
    if np.isnan(got[i]):
        what = "nan, not a number"
    else:
        what = f"{got[i]:.4g}, which is {how_far(got[i], want[i])}"
    more = f"; {wrong} of {want.size} entries are off" if wrong > 1 else ""
    message = (f"Not quite: in {name}, entry {i + 1} is {what} (each entry may be off by {atol:g}"
               f"{more}).")
    return Report(False, message + (f" Hint: {hint}" if hint else ""))


def check_worked_example(answer) -> Report:
    """Check the three probabilities of softmax([2.33, -1.46, 0.56]) computed by hand.

    Answers within 0.001 of the exact values pass, so probabilities rounded to three or four decimals
    are fine; percentages get a hint to divide by 100.

    Examples
    --------
    >>> check_worked_example([0.838, 0.019, 0.143]).passed
    True
    >>> print(check_worked_example([83.83, 1.89, 14.28]).message)
    Not quite: these look like percentages (they sum to 100). Give probabilities: divide each by 100.
    """
    if _untouched(answer):
        return not_attempted("my_probabilities is still a placeholder",
                             "replace it with your three probabilities, such as [0.5, 0.2, 0.3], and "
                             "run this cell again.")
    if _looks_like_percent(answer):
        return Report(False, "Not quite: these look like percentages (they sum to 100). "
                             "Give probabilities: divide each by 100.")
    return _check_probabilities(
        answer, softmax(WORKED_LOGITS), name="the three probabilities", atol=1e-3,
        hint="exponentiate each logit (e^2.33 is about 10.28), add the three exponentials (about 12.26), "
             "then divide each exponential by that sum. Keep four or five significant digits in the "
             "intermediate values: rounding them early moves the last digit.",
    )


def stable_softmax_inputs() -> list:
    """The inputs :func:`check_stable_softmax` tries, each one a trap for a common mistake."""
    return [
        np.array(WORKED_LOGITS),                                 # the worked example
        np.array([5.0, 3.0, 2.0, 5.0]),                          # ties
        np.array([1000.0, 0.0, -1000.0]),                        # exp(1000) overflows
        np.array([-1000.0, -1001.0, -1002.0]),                   # exp(-1000) underflows to 0
        np.array([-np.inf, 0.0, 1.0]),                           # a class switched off
        np.array([[1.0, 2.0, 3.0], [1000.0, 999.0, 0.0]]),       # 2-D: one softmax per row
        np.array([[1000.0, 999.0], [0.0, -1.0]]),                # a global max breaks row 2
        np.linspace(-60.0, 100.0, 5, dtype=np.float32),          # float32 kept, exp(100) overflows
    ]


def check_stable_softmax(answer) -> Report:
    """Check a learner's softmax over the last axis: exact, warning-free for huge logits, -inf
    giving probability 0, one softmax per row of a 2-D input, and float32 kept.

    Examples
    --------
    >>> check_stable_softmax(softmax).passed
    True
    >>> naive = lambda z: np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
    >>> check_stable_softmax(naive).passed
    False
    """
    return check_function(
        answer, softmax, stable_softmax_inputs(), name="softmax", rtol=1e-6, atol=1e-12,
        hint="subtract each row's maximum first, z - z.max(axis=-1, keepdims=True), then exponentiate "
             "and divide by the sum over the same axis (keepdims=True); np.asarray keeps float32 as it is.",
    )


def check_temperature(p_cold, p_hot, z=WORKED_LOGITS) -> Report:
    """Check the learner's softmax probabilities of ``z`` at temperature 0.1 and at 10.

    Each probability may be off by 0.01 (a prediction rounded to two decimals passes).

    Examples
    --------
    >>> from lib.activations import softmax
    >>> z = [2.33, -1.46, 0.56]
    >>> check_temperature(softmax(z, temperature=0.1), softmax(z, temperature=10.0)).passed
    True
    >>> check_temperature([1, 0, 0], [1/3, 1/3, 1/3]).passed
    False
    """
    if _untouched(p_cold) and _untouched(p_hot):
        return not_attempted("p_cold and p_hot are still placeholders",
                             "write your two predictions as lists of three probabilities, run this "
                             "cell, then check them with the explorer.")
    cold = _check_probabilities(p_cold, softmax(z, temperature=0.1), name="the probabilities at T = 0.1",
                                atol=0.01,
                       hint="at T = 0.1 the logits are multiplied by 10: the gaps between them grow tenfold.")
    hot = _check_probabilities(p_hot, softmax(z, temperature=10.0), name="the probabilities at T = 10",
                               atol=0.01,
                      hint="at T = 10 the logits are divided by 10: [0.233, -0.146, 0.056]; the gaps "
                           "shrink, but the order stays.")
    if cold and hot:
        return Report(True, "Correct: at T = 0.1 almost all the probability sits on the largest logit "
                            "(close to argmax); at T = 10 the three probabilities move towards 1/3, in "
                            "the same order.")
    return Report(False, " ".join(r.message for r in (cold, hot) if not r))


__all__ = ["check_worked_example", "check_stable_softmax", "check_temperature", "stable_softmax_inputs"]
