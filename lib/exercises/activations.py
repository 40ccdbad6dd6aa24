"""Checkers for the Activations chapter."""

from __future__ import annotations

from collections.abc import Mapping

import warnings

import numpy as np

from . import (Report, _fail, check_function, check_set, compare_arrays, is_placeholder, not_attempted,
               stub_report)
from ..activations import ACTIVATIONS, sigmoid
from ..experiments.activations import combine_linear, zero_centred_names


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


# --------------------------------------------------------------------------------------------------
# Three linear layers collapse to one
# --------------------------------------------------------------------------------------------------


def collapse_test_layers():
    """The fixed stacks of three linear layers the checker uses (widths 3-5-4-2 and 2-6-6-1)."""
    rng = np.random.default_rng(2024)
    stacks = []
    for widths in ([3, 5, 4, 2], [2, 6, 6, 1]):
        stacks.append([(rng.normal(size=(a, b)), rng.normal(size=b))
                       for a, b in zip(widths[:-1], widths[1:])])
    return stacks


def _call_on_layers(answer, layers, name):
    """``answer(layers)``, or a message saying how it failed (the shared ``_call`` describes its
    input with ``np.asarray``, which a list of (W, b) pairs of different shapes does not survive)."""
    widths = "-".join(str(n) for n in [layers[0][0].shape[0]] + [W.shape[1] for W, _ in layers])
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = answer(layers)
    except NotImplementedError:
        return None, stub_report(name).message
    except Exception as error:  # the learner's code may raise anything: report it, never re-raise
        return None, f"Your {name} raised {type(error).__name__}: {error} (on layers of widths {widths})."
    runtime = [w for w in caught if issubclass(w.category, RuntimeWarning)]
    if runtime:
        return None, f"Your {name} warned '{runtime[0].message}' on layers of widths {widths}."
    return result, None


def check_collapse(answer) -> Report:
    """Check ``answer(layers) -> (W, b)``: one linear layer equal to three stacked ones.

    Examples
    --------
    >>> check_collapse(combine_linear).passed
    True
    >>> product_only = lambda layers: (layers[0][0] @ layers[1][0] @ layers[2][0], layers[2][1])
    >>> print(check_collapse(product_only).message)  # doctest: +ELLIPSIS
    Your combined b is off on layers of widths 3-5-4-2: ... Hint: push the input through: ...
    """
    hint = ("push the input through: x W1 + b1, then (x W1 + b1) W2 + b2 = x (W1 W2) + (b1 W2 + b2), "
            "and once more for the third layer; the biases are multiplied by the later W's.")
    name = "combine"
    if not callable(answer):
        return _fail(f"Expected a function for {name}, got {type(answer).__name__}.", hint)
    stacks = collapse_test_layers()
    for layers in stacks:
        copies = [(W.copy(), b.copy()) for W, b in layers]
        got, problem = _call_on_layers(answer, copies, name)
        if problem is not None:
            return _fail(problem, hint)
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            kind = type(got).__name__ if not isinstance(got, (tuple, list)) else f"{len(got)} items"
            return _fail(f"Your {name} should return a pair (W, b); it returned {kind}.", hint)
        W_ref, b_ref = combine_linear(layers)
        where = "layers of widths " + "-".join(str(n) for n in [layers[0][0].shape[0]] +
                                                 [W.shape[1] for W, _ in layers])
        for got_part, want, label in ((got[0], W_ref, "combined W"), (got[1], b_ref, "combined b")):
            problem = compare_arrays(got_part, want, name=label, where=where, rtol=1e-9, atol=1e-9,
                                     check_dtype=False, subject=f"Your {label} has")
            if problem is not None:
                return _fail(problem.message, hint)
    return Report(True, f"Correct: your combined W and b reproduce {len(stacks)} stacks of three "
                        "linear layers (to rounding error).")


# --------------------------------------------------------------------------------------------------
# Which activations are zero-centred
# --------------------------------------------------------------------------------------------------


def check_zero_centred(answer) -> Report:
    """Check the set of names the learner predicts to be zero-centred.

    Examples
    --------
    >>> check_zero_centred({"tanh", "linear", "selu"}).passed
    True
    >>> print(check_zero_centred(["tanh", "elu"]).message)  # doctest: +ELLIPSIS
    Not quite (zero-centred activations): 2 names are missing, and 'elu' does not belong. Hint: ...
    """
    return check_set(answer, zero_centred_names(), name="zero-centred activations", known=ACTIVATIONS,
                     variable="my_zero_centred",
                     hint="for each function, ask whether its outputs for x and -x cancel on average "
                          "when x is standard normal; the 'mean on N(0,1)' column of the "
                          "properties table measures it.")


# --------------------------------------------------------------------------------------------------
# Output activations for three tasks
# --------------------------------------------------------------------------------------------------

#: Three tasks and the output activation each one needs.
OUTPUT_TASKS = {
    "temperature": "linear",   # regression: any real number
    "digit": "softmax",        # one class out of ten
    "tags": "sigmoid",         # several tags may apply at once (multi-label)
}

_WHY = {
    "temperature": "a temperature can be any real number, so the output must not be squashed",
    "digit": "exactly one of ten classes is right, so the ten outputs should be probabilities that "
             "sum to 1",
    "tags": "each tag is its own yes/no question and several may apply, so each output needs its "
            "own probability in (0, 1), independent of the others",
}

_SYNONYMS = {"identity": "linear", "none": "linear", "logistic": "sigmoid"}


def check_output_activations(answer) -> Report:
    """Check a dict ``{"temperature": ..., "digit": ..., "tags": ...}`` of output activation names.

    Examples
    --------
    >>> check_output_activations({"temperature": "linear", "digit": "softmax", "tags": "sigmoid"}).passed
    True
    >>> print(check_output_activations({"temperature": "relu", "digit": "softmax", "tags": "softmax"}).message)
    ... # doctest: +ELLIPSIS
    Not quite: 2 of 3 wrong. temperature: 'relu' ...
    """
    if is_placeholder(answer) or isinstance(answer, Mapping) and answer and all(
            is_placeholder(v) for v in answer.values()):
        return not_attempted("every task is still ...",
                             "replace each ... with the name of an output activation, such as 'tanh', "
                             "and run this cell again.")
    if not isinstance(answer, Mapping):
        return _fail(f"Expected a dict mapping each task to a name, got {type(answer).__name__}.",
                     f"fill in {{'temperature': ..., 'digit': ..., 'tags': ...}}.")
    missing = [task for task in OUTPUT_TASKS if task not in answer]
    if missing:
        return _fail(f"Your dict has no answer for {missing}.", "give one name per task.")
    wrong = []
    for task, want in OUTPUT_TASKS.items():
        given = answer[task]
        if given is Ellipsis or given is None:
            wrong.append(f"{task}: not answered yet")
            continue
        name = str(given).strip().lower()
        name = _SYNONYMS.get(name, name)
        if name != want:
            wrong.append(f"{task}: {given!r} does not fit, because {_WHY[task]}")
    if wrong:
        return Report(False, f"Not quite: {len(wrong)} of {len(OUTPUT_TASKS)} wrong. " + "; ".join(wrong)
                      + ".")
    return Report(True, "Correct: linear for the temperature (regression), softmax for the digit "
                        "(one class of many), sigmoid for the tags (several independent yes/no "
                        "answers).")
