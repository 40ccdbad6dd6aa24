"""Exercise checkers: compare a learner's answer with the reference and say what is wrong.

A checker never raises. Whatever the answer does (raise, return ``None``, return the wrong shape or
dtype, warn about an overflow, still be the stub that raises ``NotImplementedError``), the learner
gets a :class:`Report`: a pass, or the largest error, where it happened, and a hint. Displayed in a
notebook, a report prints its message once; in code, ``bool(report)`` tells whether it passed.

Each chapter's checkers live in a module of their own (``lib.exercises.activations``, ...) and are
built from the three functions here.

Examples
--------
>>> import numpy as np
>>> check_function(np.tanh, np.tanh, [np.linspace(-3, 3, 7)], name="tanh").passed
True
>>> def stub(x):
...     raise NotImplementedError("Student exercise: write tanh")
>>> print(check_function(stub, np.tanh, [np.zeros(3)], name="tanh").message)
Not yet: tanh is still the stub (it raises NotImplementedError). Fill it in and run this cell again.
>>> print(check_value(0.24, 0.25, name="max of sigmoid'", hint="Evaluate it at x = 0.").message)
Not quite: max of sigmoid' should be 0.25, you gave 0.24. Hint: Evaluate it at x = 0.
"""

from __future__ import annotations

import textwrap
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from ..tables import format_number


@dataclass
class Report:
    """The outcome of a check: ``passed`` and a message for the learner."""

    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        return self.message

    def _ipython_display_(self) -> None:
        print(textwrap.fill(self.message, width=88, break_long_words=False, break_on_hyphens=False))


def _fail(message: str, hint: str = "") -> Report:
    return Report(False, message + (f" Hint: {hint}" if hint else ""))


def _call(answer: Callable, args: tuple, name: str) -> tuple[Any, Report | None]:
    """Call the answer; turn every way it can go wrong into a failing report."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = answer(*args)
    except NotImplementedError:
        return None, Report(False, f"Not yet: {name} is still the stub (it raises NotImplementedError). "
                                   "Fill it in and run this cell again.")
    except Exception as error:  # the learner's code may raise anything; report it, never re-raise
        return None, Report(False, f"Your {name} raised {type(error).__name__}: {error} "
                                   f"(on input {_short(args)}).")
    runtime = [w for w in caught if issubclass(w.category, RuntimeWarning)]
    if runtime:
        return None, Report(False, f"Your {name} warned '{runtime[0].message}' on input {_short(args)}: "
                                   "an intermediate value overflowed or was invalid.")
    return result, None


def _short(args: tuple) -> str:
    """A short description of the arguments for a message; never raises."""
    parts = []
    for a in args:
        if callable(a):
            parts.append(getattr(a, "__name__", "a function"))
            continue
        try:
            arr = np.asarray(a, dtype=float)
        except (TypeError, ValueError):
            parts.append(f"a {type(a).__name__} of {len(a)} items" if hasattr(a, "__len__") else type(a).__name__)
            continue
        if arr.size <= 6:
            parts.append(np.array2string(arr, precision=4, separator=", "))
        elif np.isfinite(arr).any():
            parts.append(f"array of shape {arr.shape}, from {np.nanmin(arr):.4g} to {np.nanmax(arr):.4g}")
        else:
            parts.append(f"array of shape {arr.shape}")
    return ", ".join(parts)


def compare_arrays(got: Any, want: np.ndarray, *, name: str, where: str, rtol: float, atol: float,
                   check_dtype: bool = True, who: str | None = None,
                   subject: str | None = None) -> Report | None:
    """A failing report when ``got`` differs from ``want`` in type, shape, dtype, NaNs or values.

    ``who`` starts the messages about values ("Your f" by default); ``subject`` starts those about
    what came back ("Your f returned" by default).
    """
    who = who or f"Your {name}"
    subject = subject or f"{who} returned"
    if got is None:
        return Report(False, f"{subject} None on {where}: did you forget `return`?")
    try:
        got_arr = np.asarray(got)
    except Exception as error:
        return Report(False, f"{subject} {type(got).__name__}, which is not an array ({error}).")
    want = np.asarray(want)
    if got_arr.dtype == object or not np.issubdtype(got_arr.dtype, np.number) and got_arr.dtype != bool:
        return Report(False, f"{subject} values of type {got_arr.dtype} on {where}; "
                             "expected numbers.")
    if got_arr.shape != want.shape:
        return Report(False, f"{subject} shape {got_arr.shape} on {where}; expected "
                             f"{want.shape}. Work elementwise, or keep the axis you reduce over.")
    if check_dtype and np.issubdtype(want.dtype, np.floating) and got_arr.dtype != want.dtype:
        return Report(False, f"{subject} dtype {got_arr.dtype} on {where}; expected "
                             f"{want.dtype} (the input's float type should be kept).")
    got_f = got_arr.astype(np.float64)
    want_f = want.astype(np.float64)
    nan_mismatch = np.isnan(got_f) != np.isnan(want_f)
    if nan_mismatch.any():
        i = np.unravel_index(np.argmax(nan_mismatch), want.shape)
        return Report(False, f"{who} gives {got_f[i]} at index {tuple(int(k) for k in i)} on {where}, "
                             f"expected {want_f[i]}.")
    with np.errstate(invalid="ignore"):
        same_inf = (got_f == want_f) | (np.isnan(got_f) & np.isnan(want_f))
        err = np.where(same_inf, 0.0, np.abs(got_f - want_f))
        bad = err > atol + rtol * np.abs(np.where(np.isfinite(want_f), want_f, 0.0))
    if bad.any():
        i = np.unravel_index(np.argmax(np.where(bad, err, -1.0)), want.shape)
        return Report(False, f"{who} is off by up to {float(err[i]):.3g} on {where}: at index "
                             f"{tuple(int(k) for k in i)} it gives {got_f[i]:.10g}, expected {want_f[i]:.10g}.")
    return None


def check_function(answer: Callable, reference: Callable, inputs: Iterable, *, name: str,
                   rtol: float = 1e-7, atol: float = 1e-12, hint: str = "",
                   check_dtype: bool = True) -> Report:
    """Compare ``answer(*args)`` with ``reference(*args)`` on every input; never raises.

    Parameters
    ----------
    answer : callable
        The learner's function.
    reference : callable
        The correct function (usually from ``lib``).
    inputs : iterable
        Each item is one argument, or a tuple of arguments.
    name : str
        What the learner calls the function, used in messages.
    rtol, atol : float
        Tolerances of the value comparison.
    hint : str
        Added to every failure message.
    check_dtype : bool
        Whether a float answer must keep the reference's float dtype.
    """
    if not callable(answer):
        return _fail(f"Expected a function for {name}, got {type(answer).__name__}.", hint)
    inputs = [item if isinstance(item, tuple) else (item,) for item in inputs]
    worst = 0.0
    for args in inputs:
        got, problem = _call(answer, args, name)
        if problem is not None:
            return _fail(problem.message, hint)
        want = reference(*args)
        problem = compare_arrays(got, want, name=name, where=f"input {_short(args)}", rtol=rtol, atol=atol,
                                 check_dtype=check_dtype)
        if problem is not None:
            return _fail(problem.message, hint)
        with np.errstate(invalid="ignore"):
            diff = np.abs(np.asarray(got, dtype=np.float64) - np.asarray(want, dtype=np.float64))
        diff = diff[np.isfinite(diff)]
        worst = max(worst, float(diff.max()) if diff.size else 0.0)
    return Report(True, f"Correct: your {name} matches the reference on all {len(inputs)} test inputs "
                        f"(largest difference {worst:.2g}).")


def check_value(answer: Any, expected: Any, *, name: str, rtol: float = 1e-6, atol: float = 0.0,
                hint: str = "") -> Report:
    """Compare a number or array the learner computed with the expected one; never raises."""
    if callable(answer):
        return _fail(f"Expected a value for {name}, got a function: call it and pass the result.", hint)
    if isinstance(answer, (str, bytes)):
        return _fail(f"Expected a number for {name}, got the text {answer!r}: remove the quotes.", hint)
    want = np.asarray(expected)
    problem = compare_arrays(answer, want, name=name, where=f"{name}", rtol=rtol, atol=atol,
                             check_dtype=False, who="Your answer", subject="Your answer gave")
    if problem is None:
        return Report(True, f"Correct: {name} = {_plain(answer)}.")
    if want.ndim == 0 and np.asarray(answer).ndim == 0 and answer is not None:
        try:
            given = float(np.asarray(answer))
        except (TypeError, ValueError):
            return _fail(problem.message, hint)
        return _fail(f"Not quite: {name} should be {_plain(expected)}, you gave {_plain(given)}.", hint)
    return _fail(problem.message, hint)


def check_set(answer: Any, expected: Iterable, *, name: str, hint: str = "") -> Report:
    """Compare a collection of names the learner chose with the expected set; never raises."""
    expected = set(expected)
    if isinstance(answer, str) or not isinstance(answer, Iterable):
        return _fail(f"Expected a collection (a list or set) for {name}, got {type(answer).__name__}.", hint)
    try:
        given = set(answer)
    except TypeError as error:
        return _fail(f"Could not read {name} as a set: {error}.", hint)
    if given == expected:
        return Report(True, f"Correct: {name} = {sorted(expected, key=str)}.")
    missing = sorted(expected - given, key=str)
    extra = sorted(given - expected, key=str)
    parts = []
    if missing:
        parts.append(f"missing {missing}")
    if extra:
        parts.append(f"should not include {extra}")
    return _fail(f"Not quite: {name} is {' and '.join(parts)}.", hint)


def _plain(value: Any) -> str:
    arr = np.asarray(value)
    if arr.ndim == 0:
        v = arr.item()
        return format_number(v) if isinstance(v, float) else str(v)
    return np.array2string(arr, precision=6, separator=", ")


__all__ = ["Report", "check_function", "check_value", "check_set", "compare_arrays"]
