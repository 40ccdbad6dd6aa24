"""Checkers for the Vanishing gradients chapter."""

from __future__ import annotations

import numpy as np

from . import Report, _call, check_value, compare_arrays, not_attempted
from ..network import MLP

#: Initialization schemes a learner may name in :func:`check_tanh_init`.
INIT_NAMES = {"normal": "normal", "xavier": "xavier", "glorot": "xavier", "he": "he", "kaiming": "he"}


def _missing(answer) -> bool:
    return answer is Ellipsis


def check_bound(bound_at_20, smallest_depth) -> Report:
    """Check the sigmoid bound at n = 20 and the smallest depth where it drops below 1e-6.

    The activation factors of n sigmoid layers multiply to at most ``4**-n``; ``4**-20`` is about
    9.09e-13, and ``4**-n < 1e-6`` first holds at n = 10.

    Examples
    --------
    >>> check_bound(4.0**-20, 10).passed
    True
    >>> print(check_bound(0.25**20, 9).message)
    Correct: 4^-20 = 9.09495e-13.
    Not quite: for the smallest n with 4^-n < 1e-6 you gave 9, which is too low, by about 10 %. Hint: 4^-9 = 3.8e-06 is still above 1e-6.
    """
    if _missing(bound_at_20) and _missing(smallest_depth):
        return not_attempted("bound_at_20 and smallest_depth are still ...",
                             "replace each ... with a Python expression (4.0 ** -20 computes "
                             "4^-20) or a number, and run this cell again.")
    parts = []
    if _missing(bound_at_20):
        parts.append(Report(False, "Not attempted yet: bound_at_20 is still ...; replace it with 4^-20, "
                                   "computed in Python."))
    else:
        parts.append(check_value(bound_at_20, 4.0**-20, name="4^-20", rtol=1e-9,
                                 hint="one sigmoid layer contributes at most 1/4, so n layers give (1/4)**n."))
    if _missing(smallest_depth):
        parts.append(Report(False, "Not attempted yet: smallest_depth is still ...; replace it with the "
                                   "smallest n for which 4^-n < 1e-6."))
    else:
        given = smallest_depth
        hint = "try n = 1, 2, 3, ... until 4.0**-n < 1e-6, or solve n > log(1e6) / log(4)."
        try:
            n = float(np.asarray(given))
            if n == int(n) and 1 <= n < 60 and int(n) != 10:
                k = int(n)
                if 4.0**-k >= 1e-6:
                    hint = f"4^-{k} = {4.0**-k:.2g} is still above 1e-6."
                else:
                    hint = (f"4^-{k} = {4.0**-k:.2g} is below 1e-6, but so is 4^-{k - 1} = "
                            f"{4.0**-(k - 1):.2g}: look for the first n.")
        except (TypeError, ValueError):
            pass
        parts.append(check_value(given, 10, name="the smallest n with 4^-n < 1e-6", rtol=0, hint=hint))
    return Report(all(parts), "\n".join(p.message for p in parts))


def check_tanh_init(answer) -> Report:
    """Check the prediction: which initialization keeps tanh gradients about level with depth?

    Examples
    --------
    >>> check_tanh_init("Xavier").passed
    True
    >>> print(check_tanh_init("he").message)  # doctest: +ELLIPSIS
    Not quite: with He the gradient grows on its way back...
    """
    if _missing(answer):
        return not_attempted("answer is still ...", 'set answer to "normal", "xavier" or "he" (your '
                             "prediction), run this cell, then check it in the stethoscope.")
    if not isinstance(answer, str):
        return Report(False, f'Expected one name as a string ("normal", "xavier" or "he"), got '
                             f"{type(answer).__name__}.")
    key = INIT_NAMES.get(answer.strip().lower().replace("/", " ").split()[0] if answer.strip() else "")
    if key is None:
        return Report(False, f'"{answer}" is not one of the schemes; choose "normal", "xavier" or "he".')
    if key == "xavier":
        return Report(True, "Correct: Xavier/Glorot. Its variance 2/(fan_in + fan_out) makes one tanh layer "
                            "pass on about as much gradient as it receives (tanh'(0) = 1), so the size stays "
                            "about level layer after layer.")
    if key == "he":
        return Report(False, "Not quite: with He the gradient grows on its way back (its variance 2/fan_in "
                             "makes up for ReLU zeroing half the units; tanh zeroes none). Hint: look at tanh "
                             "in the explorer with each initialization at depth 30.")
    return Report(False, "Not quite: with a plain normal of standard deviation 0.1 the weights shrink the "
                         "gradient at every layer. Hint: look at tanh in the explorer with each "
                         "initialization at depth 30.")


def _test_cases():
    """Fixed networks and data sets for :func:`check_count_dead`: (description, net, X)."""
    rng = np.random.default_rng(42)
    X = rng.uniform(-2.0, 2.0, size=(200, 2))
    cases = [
        ("a 3-layer ReLU network with biases -1", MLP([2, 16, 16, 16, 1], rng=rng, bias_init=-1.0), X),
        ("a 10-layer ReLU network", MLP([2] + [16] * 10 + [1], rng=rng), X),
        ("a ReLU network of widths 8, 5", MLP([2, 8, 5, 1], rng=rng, bias_init=-0.5), X[:20]),
        ("a leaky-ReLU network with biases -3", MLP([2, 16, 16, 1], rng=rng, activation="leaky_relu",
                                                     bias_init=-3.0), X),
        ("a leaky-ReLU network with negative_slope=0 and biases -10",
         MLP([2, 8, 8, 1], rng=rng, activation="leaky_relu", activation_params={"negative_slope": 0.0},
             bias_init=-10.0), X),
        ("a PReLU network whose slope a is 0, with biases -10",
         MLP([2, 8, 8, 1], rng=rng, activation="prelu", activation_params={"a": 0.0}, bias_init=-10.0), X),
    ]
    return cases


def _default_parameter_fractions(net, X):
    """What an answer that drops each layer's parameters finds (``act.f.derivative(z)``)."""
    net.forward(X, training=False)
    return np.array([np.all(act.f.derivative(z) == 0, axis=0).mean()
                     for act, z in zip(net.acts[:-1], net.pre_activations[:-1])])


def _matches(got, want) -> bool:
    try:
        got = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return got.shape == want.shape and bool(np.allclose(got, want))


def check_count_dead(answer) -> Report:
    """Check ``count_dead(net, X)``: per hidden layer, the fraction of units that never activate.

    Compared with ``net.dead_fraction(X)`` on six fixed networks: ReLU with negative biases, a deep
    ReLU network, a small one, a leaky ReLU network that has no dead units, and two whose activations
    carry parameters that make every unit dead (leaky ReLU with ``negative_slope=0``, PReLU with
    ``a = 0``), which an answer that ignores the layer's own parameters gets wrong.

    Examples
    --------
    >>> check_count_dead(lambda net, X: net.dead_fraction(X)).passed
    True
    >>> def counts(net, X):
    ...     return net.dead_fraction(X) * net.sizes[1]
    >>> print(check_count_dead(counts).message)  # doctest: +ELLIPSIS
    Not quite: ... counts ... divide each layer's count by its width.
    """
    if not callable(answer):
        return Report(False, f"Expected a function count_dead(net, X), got {type(answer).__name__}.")
    hint = ("a unit is dead when its activation's derivative, with the layer's own parameters "
            "(act.derivative(z), not act.f.derivative(z)), is 0 for every row of X; take z from "
            "net.pre_activations after net.forward(X), one (N, width) array per layer.")
    cases = _test_cases()
    for description, net, X in cases:
        want = net.dead_fraction(X)
        got, problem = _call(answer, (net, X), "count_dead")
        if problem is not None:
            return Report(False, problem.message + f" Hint: {hint}")
        widths = np.array(net.sizes[1:-1], dtype=float)
        if _matches(got, want * widths) and not _matches(got, want):
            return Report(False, f"Not quite: on {description} your answer gives the counts of dead "
                                 f"units {np.asarray(got, dtype=float).tolist()}; the exercise asks for "
                                 "fractions: divide each layer's count by its width.")
        if _matches(got, _default_parameter_fractions(net, X)) and not _matches(got, want):
            return Report(False, f"Not quite: on {description} every unit is dead, but your answer "
                                 f"finds {np.asarray(got, dtype=float).tolist()}: it uses the "
                                 "function's default parameters. Use each layer's own, "
                                 "net.acts[k].derivative(z).")
        problem = compare_arrays(got, want, name="count_dead", where=description, rtol=0, atol=1e-12,
                                 check_dtype=False)
        if problem is not None:
            return Report(False, problem.message + f" Hint: {hint}")
    return Report(True, f"Correct: count_dead matches net.dead_fraction on all {len(cases)} test networks.")
