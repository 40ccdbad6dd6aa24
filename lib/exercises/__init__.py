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
>>> print(check_function(stub, np.tanh, [np.zeros(3)], name="tanh").message)  # doctest: +ELLIPSIS
Not attempted yet: tanh is still the stub (it raises NotImplementedError). Write it in its cell, ...
>>> print(check_value(0.24, 0.25, name="max of sigmoid'", hint="Evaluate it at x = 0.").message)
Not quite: for max of sigmoid' you gave 0.24, which is too low, by about 4 %. Hint: Evaluate it at x = 0.

A wrong answer is told which way and roughly how far it is off, never the value it should have: the
expected value stays hidden until the reader opens the solution. An answer still at its placeholder
(``...``) or a stub is "not attempted yet", with how to attempt it; on the website, where nothing
runs, that message also says where to run it.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import math

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


def _static() -> bool:
    """True on the website's build (``COURSE_STATIC=1``), where no exercise cell can run."""
    try:
        from ..explorer import static_mode
    except ImportError:  # lib without matplotlib: the same switch, read directly
        import os

        return os.environ.get("COURSE_STATIC", "") == "1"
    return static_mode()


WHERE_TO_RUN = ("On the website nothing runs: open this chapter in Jupyter (the \"Run this chapter on "
                "your machine\" box at the top of the page), or try the self-check questions on this page.")


def not_attempted(what: str, how: str) -> Report:
    """The report for an answer still at its stub or placeholder: what is missing and how to start.

    Examples
    --------
    >>> print(not_attempted("prediction is still ...", "put your number in its place.").message)
    Not attempted yet: prediction is still ... (the placeholder). To attempt it, put your number in its place.
    """
    if what.endswith("..."):
        what += " (the placeholder)"
    message = f"Not attempted yet: {what}. To attempt it, {how}"
    if _static():
        message += " " + WHERE_TO_RUN
    return Report(False, message)


def stub_report(name: str) -> Report:
    """The report for a function that is still the stub (it raises NotImplementedError)."""
    return Report(False, f"Not attempted yet: {name} is still the stub (it raises NotImplementedError). "
                         "Write it in its cell, run that cell, then run this one again."
                  + (" " + WHERE_TO_RUN if _static() else ""))


def is_placeholder(answer: Any) -> bool:
    """True for ``...``, alone or as every item of a list, tuple or set (``None`` is an answer that
    went wrong, such as the result of ``print``, and gets its own message)."""
    if answer is Ellipsis:
        return True
    if isinstance(answer, (list, tuple, set, frozenset)) and answer:
        return all(a is Ellipsis for a in answer)
    return False


def how_far(given: float, want: float) -> str:
    """Which way and roughly how far ``given`` is from ``want``, without saying ``want``.

    A factor is rounded to one decimal below 10 and to a whole number from 10 (halves up), a
    percentage to a whole number from 1 % and to one significant digit below. The self-checks' page
    script (``lib/exercises/static/quiz.js``, ``howFar``) words it the same way, number for number.

    Examples
    --------
    >>> how_far(0.24, 0.25), how_far(3.0, 1.0), how_far(-1.0, 2.0), how_far(0.1, 0.25)
    ('too low, by about 4 %', 'about 3 times too large', 'of the wrong sign', 'about 2.5 times too small')
    >>> how_far(1.0001, 1.0), how_far(0.0, 0.5), how_far(0.003, 0.0), how_far(123.4, 1.0)
    ('too high, by about 0.01 %', 'too low (you gave 0)', 'too high, by 0.003', 'about 123 times too large')
    """
    direction = "too high" if given > want else "too low"
    if want == 0:
        return f"{direction}, by {format_number(abs(given), 2)}"
    if given == 0:
        return f"{direction} (you gave 0)"
    ratio = given / want
    if ratio < 0:
        return "of the wrong sign"
    if ratio >= 2:
        return f"about {format_number(_about(ratio), 15)} times too large"
    if ratio <= 0.5:
        return f"about {format_number(_about(1 / ratio), 15)} times too small"
    percent = abs(ratio - 1) * 100
    size = format_number(_round_half_up(percent), 15) if percent >= 1 else format_number(percent, 1)
    return f"{direction}, by about {size} %"


def _about(x: float) -> float:
    """A factor as :func:`how_far` says it: one decimal below 10, a whole number from 10."""
    return _round_half_up(x) if x >= 10 else _round_half_up(x * 10) / 10


def _round_half_up(x: float) -> int:
    """The whole number nearest to x >= 0, halves up (JavaScript's ``Math.round``)."""
    whole = math.floor(x)
    return whole + 1 if x - whole >= 0.5 else whole


def _call(answer: Callable, args: tuple, name: str) -> tuple[Any, Report | None]:
    """Call the answer; turn every way it can go wrong into a failing report."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = answer(*args)
    except NotImplementedError:
        return None, stub_report(name)
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


def _index(i: tuple) -> str:
    return str(tuple(int(k) for k in i)) if len(i) != 1 else str(int(i[0]))


def compare_arrays(got: Any, want: np.ndarray, *, name: str, where: str, rtol: float, atol: float,
                   check_dtype: bool = True, who: str | None = None,
                   subject: str | None = None, kind: str = "function") -> Report | None:
    """A failing report when ``got`` differs from ``want`` in type, shape, dtype, NaNs or values.

    ``kind`` is ``"function"`` when ``got`` is what a learner's function returned, ``"value"`` when
    it is a value the learner typed or computed; the messages fit each. ``who`` starts the messages
    about values ("Your f" by default); ``subject`` starts those about what came back ("Your f
    returned" by default). A wrong value is described by its direction and relative size, never by
    the expected value.
    """
    who = who or (f"Your {name}" if kind == "function" else "Your answer")
    subject = subject or (f"{who} returned" if kind == "function" else who)
    want = np.asarray(want)
    if got is None:
        if kind == "function":
            return Report(False, f"{subject} None on {where}: did you forget `return`?")
        return Report(False, f"{who} is None: put a number there (or a list of numbers), not the result "
                             "of print or of a function without `return`.")
    try:
        got_arr = np.asarray(got)
    except Exception as error:
        return Report(False, f"{subject} {type(got).__name__}, which is not an array ({error}).")
    if got_arr.dtype == object or not np.issubdtype(got_arr.dtype, np.number) and got_arr.dtype != bool:
        if kind == "function":
            return Report(False, f"{subject} values of type {got_arr.dtype} on {where}; expected numbers.")
        return Report(False, f"{who} holds {got_arr.dtype} values, not numbers: write plain numbers, "
                             "such as 0.25 (no quotes, no ...).")
    if got_arr.shape != want.shape:
        if kind == "function":
            return Report(False, f"{subject} shape {got_arr.shape} on {where}; expected "
                                 f"{want.shape}. Work elementwise, or keep the axis you reduce over.")
        def count(shape):
            n = int(np.prod(shape))
            return "one number" if shape == () else f"{n} number{'s' if n != 1 else ''}"
        return Report(False, f"{who} has {count(got_arr.shape)}; it should have {count(want.shape)}"
                             + (f" (shape {want.shape})." if want.ndim > 1 else "."))
    if check_dtype and np.issubdtype(want.dtype, np.floating) and got_arr.dtype != want.dtype:
        return Report(False, f"{subject} dtype {got_arr.dtype} on {where}; expected "
                             f"{want.dtype} (the input's float type should be kept).")
    got_f = got_arr.astype(np.float64)
    want_f = want.astype(np.float64)
    nan_mismatch = np.isnan(got_f) != np.isnan(want_f)
    if nan_mismatch.any():
        i = np.unravel_index(np.argmax(nan_mismatch), want.shape)
        gives = "nan where a number is expected" if np.isnan(got_f[i]) else f"{got_f[i]:.6g} where nan is expected"
        at = f"at index {_index(i)} " if want.ndim else ""
        return Report(False, f"{who} gives {gives} {at}on {where}.")
    with np.errstate(invalid="ignore"):
        same_inf = (got_f == want_f) | (np.isnan(got_f) & np.isnan(want_f))
        err = np.where(same_inf, 0.0, np.abs(got_f - want_f))
        bad = err > atol + rtol * np.abs(np.where(np.isfinite(want_f), want_f, 0.0))
    if bad.any():
        i = np.unravel_index(np.argmax(np.where(bad, err, -1.0)), want.shape)
        g, w = float(got_f[i]), float(want_f[i])
        if not np.isfinite(w) or not np.isfinite(g):
            off = "infinite where a finite number is expected" if np.isfinite(w) else \
                "finite where an infinity is expected"
        else:
            off = how_far(g, w)
        n_bad = int(bad.sum())
        if kind == "function":
            at = f"at index {_index(i)} " if want.ndim else ""
            more = f" ({n_bad} of {want.size} entries are off)" if want.size > 1 else ""
            return Report(False, f"{who} is off on {where}: {at}it gives {g:.10g}, which is {off}{more}.")
        if want.ndim == 0:
            return Report(False, f"Not quite: for {name} you gave {g:.6g}, which is {off}.")
        more = f" ({n_bad} of {want.size} entries are off)" if n_bad > 1 else ""
        return Report(False, f"Not quite: in {name}, entry {_index(i) if want.ndim > 1 else int(i[0]) + 1} "
                             f"is {g:.4g}, which is {off}{more}.")
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
                hint: str = "", variable: str = "") -> Report:
    """Compare a number or array the learner computed with the expected one; never raises.

    A wrong answer learns its direction and rough size, never ``expected``. ``...`` (or ``None``)
    counts as not attempted; ``variable`` names the variable to fill in, for that message.
    """
    if is_placeholder(answer):
        where = f"{variable} is" if variable else "the answer is"
        return not_attempted(f"{where} still ...", f"replace it with your {name} and run this cell again.")
    if callable(answer):
        return _fail(f"Expected a value for {name}, got a function: call it and pass the result.", hint)
    if isinstance(answer, (str, bytes)):
        return _fail(f"Expected a number for {name}, got the text {answer!r}: remove the quotes.", hint)
    problem = compare_arrays(answer, np.asarray(expected), name=name, where=name, rtol=rtol, atol=atol,
                             check_dtype=False, kind="value")
    if problem is None:
        return Report(True, f"Correct: {name} = {_plain(answer)}.")
    return _fail(problem.message, hint)


def check_set(answer: Any, expected: Iterable, *, name: str, hint: str = "",
              known: Iterable | None = None, variable: str = "") -> Report:
    """Compare a collection of names the learner chose with the expected set; never raises.

    Names are compared without case or surrounding spaces. The message names the learner's wrong
    picks but only counts the missing ones, so it does not hand over the answer. ``known`` lists
    every valid name (a typo is reported as such).

    Examples
    --------
    >>> print(check_set({"Tanh", "relu"}, {"tanh", "elu"}, name="zero-centred activations").message)
    Not quite (zero-centred activations): 1 name is missing, and 'relu' does not belong.
    """
    def norm(item):
        return item.strip().lower() if isinstance(item, str) else item

    expected = {norm(e) for e in expected}
    if is_placeholder(answer):
        where = f"{variable} is" if variable else "the answer is"
        return not_attempted(f"{where} still ...",
                             "replace it with a set of names, such as {'relu'}, and run this cell again.")
    if isinstance(answer, (str, bytes)) or not isinstance(answer, Iterable):
        return _fail(f"Expected a collection (a list or set) for {name}, got {type(answer).__name__}.", hint)
    try:
        given = {norm(a) for a in answer}
    except TypeError as error:
        return _fail(f"Could not read {name} as a set: {error}.", hint)
    if known is not None:
        valid = {norm(k) for k in known}
        unknown = sorted((g for g in given if g not in valid), key=str)
        if unknown:
            return _fail(f"Not a known name: {', '.join(repr(u) for u in unknown)}. Use the names as "
                         f"written in the chapter, such as {sorted(valid, key=str)[0]!r}.", hint)
    if given == expected:
        return Report(True, f"Correct: {name} = {sorted(expected, key=str)}.")
    missing = len(expected - given)
    extra = sorted(given - expected, key=str)
    parts = []
    if missing:
        parts.append(f"{missing} name{' is' if missing == 1 else 's are'} missing")
    if extra:
        parts.append(f"{', '.join(repr(e) for e in extra)} {'does' if len(extra) == 1 else 'do'} not belong")
    return _fail(f"Not quite ({name}): {', and '.join(parts)}.", hint)


def _plain(value: Any) -> str:
    arr = np.asarray(value)
    if arr.ndim == 0:
        v = arr.item()
        return format_number(v) if isinstance(v, float) else str(v)
    return np.array2string(arr, precision=6, separator=", ")


class Solution:
    """A worked solution, shown where it is asked for: Markdown in a notebook, plain text elsewhere.

    ``parts`` is the solution as the learner's edition keeps it: a list of ``{"kind": "markdown" |
    "code", "source": str}``, a code part with what it printed when the chapter ran (``"output"``)
    and whether it drew a figure (``"figure"``); the code is shown, not run.
    """

    def __init__(self, label: str, parts: list):
        self.label, self.parts = label, parts

    def _repr_markdown_(self) -> str:
        shown = [f"**Solution** (`{self.label}`)"]
        for part in self.parts:
            if part["kind"] != "code":
                shown.append(part["source"])
                continue
            shown.append(f"```python\n{part['source']}\n```")
            if "output" in part:
                shown.append(f"It prints:\n\n```text\n{part['output']}\n```")
            if part.get("figure"):
                shown.append("*It draws a figure: copy the code into a cell and run it to see it.*")
        return "\n\n".join(shown)

    def __repr__(self) -> str:
        return self._repr_markdown_()


def solution(label: str) -> Solution:
    """The worked solution of exercise ``label`` (such as ``"ex-softmax-by-hand"``), as the chapter
    gives it: its explanation and its code, shown and not run.

    The learner's edition of each notebook (``learner/``, the course bundle, Colab) keeps solutions
    out of the flow: where one stood, a cell reads ``# solution("ex-...")``; remove the ``#`` and run
    it to see the solution. The solutions travel with lib (``lib/exercises/solutions/``), made from
    the chapters by ``scripts/learner_edition.py``.

    Examples
    --------
    >>> shown = solution("ex-softmax-by-hand")._repr_markdown_()
    >>> shown.startswith("**Solution** (`ex-softmax-by-hand`)") and "```python" in shown
    True
    >>> solution("ex-nothing")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: label: no exercise 'ex-nothing'; the exercises are ex-best-h, ...
    """
    solutions = _solutions()
    if label not in solutions:
        known = ", ".join(sorted(solutions)[:3])
        raise ValueError(f"label: no exercise {label!r}; the exercises are {known}, ...")
    return Solution(label, solutions[label])


@functools.lru_cache(maxsize=1)
def _solutions() -> dict:
    """Every chapter's solutions by label, from the JSON files shipped in lib."""
    folder = importlib.resources.files(__package__) / "solutions"
    found = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            found.update(json.loads(entry.read_text(encoding="utf-8")))
    return found


__all__ = ["Report", "check_function", "check_value", "check_set", "compare_arrays", "how_far",
           "not_attempted", "stub_report", "is_placeholder", "solution", "Solution"]
