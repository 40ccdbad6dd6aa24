"""The experiments of the Derivatives chapter.

* :data:`FUNCTIONS` -- the functions the chapter differentiates: ``sin`` and every activation, each
  with its derivative;
* :func:`derivative_maximum` -- the largest value of f' on a fine grid, where, and what kind of maximum;
* :func:`difference_errors`, :func:`error_curves` -- the error of forward and central differences
  against the step h, in float64 or float32 (:func:`estimate_derivative` is one estimate);
* :func:`best_central_step` -- the step with the smallest central-difference error on a grid (a lucky
  one); :func:`predicted_step` and :func:`typical_error` -- the step and the error the
  truncation-plus-worst-case-round-off model predicts (the reference of the best-h exercise), and the
  measured error around a step; :func:`central_error_parts` -- one central error split into its
  truncation and its round-off;
* :func:`slope_zero` -- where a derivative crosses 0 (GELU's, near -0.75), the points where a relative
  error says nothing;
* :func:`weighted_abs`, :func:`supports` and :func:`supporting_slopes` -- subgradients: a subgradient
  step that goes uphill, and the kinks (ReLU6's cap) where no line through the point stays below the
  graph; :func:`frechet_slopes` and :func:`frechet_quotient` -- the local (Frechet) subgradient, which
  asks less than a line that stays below nearby (tanh at 1 has one, and no such line);
  :func:`clarke_interval` -- the Clarke generalized gradient, which is never empty (the interval
  between the one-sided slopes at a kink, whichever way the slope turns);
* :func:`kink_convention_run`, :func:`kink_convention_effect` -- when the value of ReLU'(0) changes a
  training run: only where a pre-activation is exactly 0; :func:`exact_zeros_at_init` and
  :func:`exact_zeros_spread` -- where such zeros come from (a unit whose ReLU inputs are all off gets
  exactly its bias).

The figures are in ``lib.views.derivatives``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..activations import ACTIVATIONS, ALL_ACTIVATIONS
from ..derivatives import numerical_derivative
from ..network import MLP
from . import SEEDS, Spread, over_seeds

#: Functions the chapter differentiates: name -> (f, f'). ``sin`` first, then every activation.
FUNCTIONS = {"sin": (np.sin, np.cos)}
FUNCTIONS.update({name: (f, f.derivative) for name, f in ACTIVATIONS.items()})

#: The fine grid on which :func:`derivative_maximum` looks for the maximum (step 1e-4, holds 0).
FINE_GRID = np.linspace(-10.0, 10.0, 200001)

#: The steps h of the error curves (:func:`error_curves`): 1e-12 to 1, eight per decade.
ERROR_STEPS = np.logspace(-12, 0, 97)

#: The steps scanned to find the best h for central differences of sin at 1 in float64.
H_GRID = np.logspace(-12, 0, 121)


def derivative_maximum(name: str, x=None, **params) -> dict:
    """The maximum of ``ACTIVATIONS[name].derivative`` on a grid, where it is reached, and its kind.

    Returns a dict with ``max``, ``at`` (the first grid point reaching it) and ``kind``: ``"constant"``
    (f' the same everywhere), ``"plateau"`` (reached on many grid points, e.g. ReLU for every x > 0;
    then ``at`` is the first one), ``"edge"`` (at the end of the grid: still rising, the true supremum is
    only approached as x grows) or ``"peak"`` (one isolated maximum).

    Examples
    --------
    >>> m = derivative_maximum("sigmoid")
    >>> print(f"{m['max']:.4f} at {m['at']:.4f} ({m['kind']})")
    0.2500 at 0.0000 (peak)
    >>> derivative_maximum("relu")["kind"], derivative_maximum("linear")["kind"]
    ('plateau', 'constant')
    """
    x = FINE_GRID if x is None else np.asarray(x, dtype=float)
    d = ACTIVATIONS[name].derivative(x, **params)
    top = float(np.max(d))
    i = int(np.argmax(d))
    ties = int(np.count_nonzero(d == top))
    if ties == d.size:
        kind = "constant"
    elif ties > 1:
        kind = "plateau"
    elif i in (0, d.size - 1):
        kind = "edge"
    else:
        kind = "peak"
    return {"max": top, "at": float(x[i]), "kind": kind}


def estimate_derivative(f, x, h: float, method: str = "central") -> float:
    """``numerical_derivative`` as a float; NaN (without a warning) when the step rounds to zero.

    Examples
    --------
    >>> round(estimate_derivative(np.sin, 0.0, 1e-5), 8)
    1.0
    >>> estimate_derivative(np.sin, np.float32(1.0), 1e-9)
    nan
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        value = numerical_derivative(f, x, h=h, method=method)
    value = float(np.asarray(value, dtype=np.float64))
    return value if np.isfinite(value) else float("nan")


def difference_errors(f, df, x0: float, hs, dtype=np.float64) -> dict:
    """Absolute errors of the forward and central differences of ``f`` at ``x0`` for each step in ``hs``.

    ``f`` is evaluated in ``dtype``; the exact derivative ``df(x0)`` in float64. A step so small that
    ``x0 + h`` rounds to ``x0`` gives no estimate: NaN (and no warning).

    Returns ``{"forward": errors, "central": errors, "exact": df(x0)}``.

    Examples
    --------
    >>> e = difference_errors(np.sin, np.cos, 1.0, [1e-2, 1e-5])
    >>> [f"{v:.1e}" for v in e["central"]]
    ['9.0e-06', '1.1e-11']
    >>> bool(np.isnan(difference_errors(np.sin, np.cos, 1.0, [1e-9], np.float32)["forward"][0]))
    True
    """
    exact = float(np.asarray(df(np.float64(x0))))
    x = np.asarray(x0, dtype=dtype)
    out = {"exact": exact}
    for method in ("forward", "central"):
        errors = []
        for h in np.asarray(hs, dtype=float):
            estimate = estimate_derivative(f, x, float(h), method)
            errors.append(abs(estimate - exact))
        out[method] = np.array(errors)
    return out


@lru_cache(maxsize=256)
def error_curves(name: str, x0: float, dtype: str = "float64") -> dict:
    """:func:`difference_errors` of ``FUNCTIONS[name]`` at ``x0`` over :data:`ERROR_STEPS` (cached,
    the last 256; treat the arrays as read-only).

    Examples
    --------
    >>> curves = error_curves("sin", 1.0)
    >>> curves["central"].shape, bool(np.nanmin(curves["central"]) < 1e-10)
    ((97,), True)
    """
    f, df = FUNCTIONS[name]
    return difference_errors(f, df, float(x0), ERROR_STEPS, np.dtype(dtype).type)


def best_central_step(f=np.sin, df=np.cos, x0=1.0, hs=H_GRID) -> float:
    """The step in ``hs`` with the smallest central-difference error of ``f`` at ``x0`` (float64).

    On the jagged round-off side of the error curve this is a lucky step, where the round-off happens
    to be small or to offset the truncation error; the model's step (:func:`predicted_step`) is the
    one that describes the typical error.

    Examples
    --------
    >>> h = best_central_step()
    >>> 1e-7 < h < 1e-4
    True
    """
    exact = float(df(x0))
    errors = [abs(float(numerical_derivative(f, x0, h=h)) - exact) for h in hs]
    return float(hs[int(np.argmin(errors))])


def predicted_step(method: str, dtype=np.float64, x0: float = 1.0) -> tuple:
    """The step h that minimises the model error of a finite difference of sin at ``x0``, and that error.

    The model adds the truncation error and the worst round-off. A correctly rounded f is off by at
    most ``u |f|``, with the unit roundoff ``u = eps / 2``, so the difference of the two values of a
    quotient is off by at most ``2 u |f| = eps |f|``, and the quotient divides that by its step,
    ``2h`` (central) or ``h`` (forward). For central differences the model is
    ``h**2 / 6 |f'''(x0)| + eps |f(x0)| / (2h)``, smallest at ``h = (3 u |f| / |f'''|)**(1/3)``; for
    forward differences ``h / 2 |f''(x0)| + eps |f(x0)| / h``, smallest at
    ``h = sqrt(2 eps |f| / |f''|)``, with ``f = sin`` (so ``|f''| = |sin|``, ``|f'''| = |cos|``) and
    ``eps`` the machine epsilon of ``dtype``. Returns ``(h, error)``.

    Examples
    --------
    >>> h, e = predicted_step("central")
    >>> f"{h:.1e} {e:.1e}"
    '8.0e-06 1.7e-11'
    >>> f"{predicted_step('central', x0=2.5)[0]:.1e}"
    '6.3e-06'
    """
    eps = float(np.finfo(dtype).eps)
    u = eps / 2
    value, second, third = abs(np.sin(x0)), abs(np.sin(x0)), abs(np.cos(x0))
    if method == "central":
        h = (3 * u * value / third) ** (1 / 3)
        return float(h), float(h**2 / 6 * third + eps * value / (2 * h))
    if method == "forward":
        h = np.sqrt(2 * eps * value / second)
        return float(h), float(h / 2 * second + eps * value / h)
    raise ValueError(f'method must be "central" or "forward", got {method!r}')


def typical_error(errors, hs, h: float, decades: float = 1.0) -> float:
    """The median of ``errors`` over the steps ``hs`` within ``decades`` (in total) around ``h``.

    On the round-off side an error curve is jagged: at a few steps the round-off happens to be small,
    or to offset the truncation error, so the smallest error on a grid is a lucky one; the median over
    a decade is the size to compare with the model of :func:`predicted_step`.

    Examples
    --------
    >>> typical_error([1.0, 2.0, 3.0, 100.0], [1e-3, 1e-2, 1e-1, 1.0], 1e-2, decades=2.0)
    2.0
    """
    hs, errors = np.asarray(hs, dtype=float), np.asarray(errors, dtype=float)
    near = np.abs(np.log10(hs) - np.log10(h)) <= decades / 2
    return float(np.nanmedian(errors[near]))


def central_error_parts(x0: float, h: float, dtype=np.float64) -> dict:
    """The error of the central difference of sin at ``x0`` with step ``h``, split in two.

    ``truncation`` is the error the quotient would have in exact arithmetic, at the two points the
    computer used (``x0 + h`` and ``x0 - h`` rounded to ``dtype``): with ``m`` their midpoint and ``s``
    half their distance the exact quotient is ``cos(m) sin(s) / s``, and ``sin(s)/s - 1`` comes from
    its series, so nothing cancels. ``roundoff`` is the rest of the measured ``error``: what rounding
    the two values of sin (and their difference) added. The errors are estimate minus ``cos(x0)``.

    Returns ``{"error": ..., "truncation": ..., "roundoff": ...}`` (signed floats).

    Examples
    --------
    >>> parts = central_error_parts(1.0, 1e-2)          # truncation dominates: about -h^2/6 cos 1
    >>> f"{parts['truncation']:.4e} {parts['error']:.4e}"
    '-9.0050e-06 -9.0050e-06'
    """
    x = np.asarray(x0, dtype=dtype)
    step = np.asarray(h, dtype=dtype)
    right, left = float(x + step), float(x - step)
    error = estimate_derivative(np.sin, x, h) - float(np.cos(x0))
    m, s = (right + left) / 2, (right - left) / 2
    sinc_minus_1 = -s**2 / 6 + s**4 / 120 - s**6 / 5040
    shift = -2 * np.sin((m + x0) / 2) * np.sin((m - x0) / 2)   # cos(m) - cos(x0), without cancelling
    truncation = float(np.cos(m) * sinc_minus_1 + shift)
    return {"error": error, "truncation": truncation, "roundoff": error - truncation}


def slope_zero(name: str, lo: float, hi: float, **params) -> float:
    """The point in [lo, hi] where ``ACTIVATIONS[name].derivative`` crosses 0 (scipy's brentq, to the
    last float64 digit). There a relative error divides by a value near 0, and says nothing.

    Examples
    --------
    >>> x = slope_zero("gelu", -1.0, -0.5)              # GELU's minimum
    >>> f"{x:.6f}", abs(float(ACTIVATIONS["gelu"].derivative(x))) < 1e-15
    ('-0.751792', True)
    """
    from scipy.optimize import brentq

    f = ACTIVATIONS[name]
    return float(brentq(lambda t: float(f.derivative(t, **params)), lo, hi, xtol=1e-300,
                        rtol=4 * np.finfo(float).eps, maxiter=500))


# --------------------------------------------------------------------------------------------------
# Subgradients, and kinks where there is none
# --------------------------------------------------------------------------------------------------


def weighted_abs(x):
    """``f(x) = |x_1| + 2 |x_2|``, for points ``x`` of shape (..., 2): convex, with kinks on both axes.

    Examples
    --------
    >>> weighted_abs([1.0, 0.0]), weighted_abs([[0.99, -0.02], [-1.0, 1.0]]).round(12).tolist()
    (1.0, [1.03, 3.0])
    """
    x = np.asarray(x, dtype=float)
    value = np.abs(x[..., 0]) + 2 * np.abs(x[..., 1])
    return float(value) if value.ndim == 0 else value


def supports(f, x0, g, points) -> bool:
    """Whether the line (or plane) through (x0, f(x0)) with slope ``g`` stays below f at every one of
    ``points``: f(y) >= f(x0) + g . (y - x0), to a rounding tolerance of 1e-12. For a convex f, with
    points spread over its domain, that is the definition of a subgradient g at x0. With points near
    x0 only it is a local test, a line that stays below nearby, and that is stricter than the local
    (Frechet) subgradient, which asks only ``f(y) >= f(x0) + g . (y - x0) + o(|y - x0|)``: tanh at 1
    has the Frechet subgradient tanh'(1), and no line through (1, tanh 1) stays below it nearby (the
    graph curves down there). At a kink whose two pieces are straight or convex near it (ReLU,
    hardtanh, ReLU6, ELU at 0) the two give the same slopes (:func:`frechet_slopes`).

    ``points`` is an array of numbers (f of one variable) or of shape (n, d) (f of d variables,
    taking one point at a time or several along the first axis).

    Examples
    --------
    >>> pts = np.linspace(-1, 1, 201)
    >>> supports(np.abs, 0.0, 0.5, pts), supports(np.abs, 0.0, 1.5, pts)
    (True, False)
    >>> grid = np.stack(np.meshgrid(np.linspace(-2, 2, 41), np.linspace(-2, 2, 41)), -1).reshape(-1, 2)
    >>> supports(weighted_abs, [1.0, 0.0], [1.0, 2.0], grid), supports(weighted_abs, [1.0, 0.0], [1.0, 3.0], grid)
    (True, False)
    """
    x0, g = np.asarray(x0, dtype=float), np.asarray(g, dtype=float)
    points = np.asarray(points, dtype=float)
    values = np.asarray(f(points), dtype=float)
    plane = f(x0) + ((points - x0) @ g if points.ndim > 1 else g * (points - x0))
    return bool(np.all(values >= plane - 1e-12))


def supporting_slopes(name: str, at: float, slopes, radius: float = 0.5, n: int = 1001,
                      **params) -> list:
    """The slopes g among ``slopes`` for which the line through the kink (at, f(at)) of
    ``ALL_ACTIVATIONS[name]`` stays below the graph on [at - radius, at + radius] (:func:`supports`).

    Near a kink where the slope rises (ReLU at 0, hardtanh at -1) these are the slopes between the
    one-sided ones; where it falls (ReLU6's cap at 6, ELU at 0 with alpha > 1) there are none. At
    these kinks that is also the set of local (Frechet) subgradients (:func:`frechet_slopes`); where
    the graph curves down at a smooth point (tanh at 1) this test finds no slope at all, where the
    Frechet subgradient is the derivative. A wider window keeps them all for a convex function (ReLU)
    and fewer for one that is not (hardtanh at -1: only the flat line stays below its cap at 1).

    Examples
    --------
    >>> supporting_slopes("relu", 0.0, [0.0, 0.5, 1.0, 1.5])
    [0.0, 0.5, 1.0]
    >>> supporting_slopes("relu6", 6.0, [0.0, 0.5, 1.0])
    []
    >>> near = supporting_slopes("hardtanh", -1.0, [0.0, 0.5, 1.0])
    >>> near, supporting_slopes("hardtanh", -1.0, [0.0, 0.5, 1.0], radius=10.0)
    ([0.0, 0.5, 1.0], [0.0])
    """
    f = ALL_ACTIVATIONS[name]
    points = np.linspace(at - radius, at + radius, n)

    def function(x):
        return f(x, **params)

    return [float(g) for g in slopes if supports(function, at, float(g), points)]


def frechet_slopes(name: str, at: float, slopes, **params) -> list:
    """The slopes g among ``slopes`` that are local (Frechet) subgradients of ``ALL_ACTIVATIONS[name]``
    at a point ``at`` where it has one-sided slopes: ``f(y) >= f(at) + g (y - at) + o(|y - at|)``.

    Just left of ``at`` (y < at) the inequality, divided by y - at < 0, asks g >= the left slope;
    just right of it, g <= the right slope. So the Frechet subgradients are the slopes in
    [left, right] where the slope rises, and there are none where it falls. The one-sided slopes are
    f' at ``at`` -+ 1e-9, and g passes within 1e-8 of an end.

    Examples
    --------
    >>> frechet_slopes("relu", 0.0, [0.0, 0.5, 1.0, 1.5])
    [0.0, 0.5, 1.0]
    >>> frechet_slopes("relu6", 6.0, [0.0, 0.5, 1.0]), frechet_slopes("tanh", 1.0, [0.41, 0.42])
    ([], [])
    """
    f = ALL_ACTIVATIONS[name]
    left, right = (float(f.derivative(at + d, **params)) for d in (-1e-9, 1e-9))
    return [float(g) for g in slopes if left - 1e-8 <= g <= right + 1e-8]


def frechet_quotient(name: str, at: float, g: float, radius: float, n: int = 500,
                     **params) -> float:
    """The worst shortfall of f below the line through (at, f(at)) with slope ``g``, per unit of
    distance, on the window [at - radius, at + radius]: the minimum over y != at of
    ``(f(y) - f(at) - g (y - at)) / |y - at|``, on ``n`` evenly spaced points on each side of ``at``.

    g is a local (Frechet) subgradient exactly when this tends to 0 or above as the radius shrinks,
    and the line stays below the graph on the window when it is >= 0. At a smooth point with
    g = f'(at) it is about ``-|f''(at)| radius / 2`` where f'' < 0 (the line crosses the graph, by
    less and less); for any other g it tends to ``-|g - f'(at)|``.

    Examples
    --------
    >>> t1 = float(ALL_ACTIVATIONS["tanh"].derivative(1.0))
    >>> q = [frechet_quotient("tanh", 1.0, t1, r) for r in (1e-2, 1e-4)]
    >>> [round(v / r, 3) for v, r in zip(q, (1e-2, 1e-4))]
    [-0.321, -0.32]
    >>> round(frechet_quotient("tanh", 1.0, t1 + 0.01, 1e-4), 4)
    -0.01
    >>> frechet_quotient("relu6", 6.0, 0.5, 1e-4)
    -0.5
    """
    f = ALL_ACTIVATIONS[name]
    offsets = radius * np.arange(1, n + 1) / n
    y = np.concatenate([at - offsets, at + offsets])
    step = y - at                      # the distances really stepped, after rounding
    gap = f(y, **params) - f(np.float64(at), **params) - g * step
    return float(np.min(gap / np.abs(step)))


def clarke_interval(name: str, at: float, radius: float = 1e-9, n: int = 100, **params) -> tuple:
    """The Clarke generalized gradient of ``ALL_ACTIVATIONS[name]`` at ``at``, measured: the smallest
    and the largest f' on ``n`` points on each side of ``at`` within ``radius`` (``at`` itself left out).

    For a locally Lipschitz f of one variable the Clarke generalized gradient at x is the smallest
    interval holding every limit of f'(y) as y -> x through points where f is differentiable. It is
    defined at every point and never empty: at a kink it is the interval between the one-sided slopes,
    whether the slope rises (ReLU at 0: [0, 1], where it equals the Frechet subgradient) or falls
    (ReLU6 at 6: [0, 1], where the Frechet subgradient is empty); where f' is continuous it is
    {f'(x)}, and the measured interval has a width of about ``|f''| radius``. Returns ``(low, high)``.

    Examples
    --------
    >>> clarke_interval("relu", 0.0), clarke_interval("relu6", 6.0)
    ((0.0, 1.0), (0.0, 1.0))
    >>> low, high = clarke_interval("tanh", 1.0)
    >>> round(low, 6), round(high, 6)
    (0.419974, 0.419974)
    """
    f = ALL_ACTIVATIONS[name]
    offsets = radius * np.arange(1, n + 1) / n
    d = f.derivative(np.concatenate([at - offsets, at + offsets]), **params)
    return float(np.min(d)), float(np.max(d))


# --------------------------------------------------------------------------------------------------
# When ReLU'(0) matters
# --------------------------------------------------------------------------------------------------

#: The negative float64 closest to 0. ``relu(x, threshold=KINK_SHIFT)`` passes x where x > KINK_SHIFT:
#: it gives relu's value at every float64, and its derivative at x = 0 is 1 instead of 0.
KINK_SHIFT = -float(np.finfo(np.float64).smallest_subnormal)


@lru_cache(maxsize=32)
def kink_convention_run(seed: int, relu_prime_at_zero: int, zero_on_grid: bool, epochs: int = 300,
                        lr: float = 0.05) -> dict:
    """Fit y = cos 2x with ``MLP([1, 16, 16, 1], activation="relu")`` (biases start at 0), taking
    ReLU'(0) = ``relu_prime_at_zero`` (0 as in lib, or 1 through :data:`KINK_SHIFT`).

    The inputs are 81 evenly spaced points of [-2, 2], which hold x = 0, or (``zero_on_grid=False``)
    80, which do not. Full-batch gradient descent; ``seed`` gives the initial weights. Returns a dict
    (cached, the last 32; read-only) with the loss ``history`` and ``zeros``: per step, how many
    hidden pre-activations of the forward pass were exactly 0.

    Examples
    --------
    >>> run = kink_convention_run(1, 0, True, epochs=3)
    >>> run["zeros"].tolist()        # x = 0 meets zero biases: 16 + 16 exact zeros, at the first step
    [32, 0, 0]
    """
    if relu_prime_at_zero not in (0, 1):
        raise ValueError(f"relu_prime_at_zero must be 0 or 1, got {relu_prime_at_zero!r}")
    X = np.linspace(-2.0, 2.0, 81 if zero_on_grid else 80)[:, None]
    y = np.cos(2 * X)
    params = {"threshold": KINK_SHIFT} if relu_prime_at_zero == 1 else {}
    net = MLP([1, 16, 16, 1], rng=np.random.default_rng(seed), activation="relu",
              activation_params=params)
    zeros = []

    def count(net, epoch, loss):
        zeros.append(sum(int(np.count_nonzero(layer.z == 0)) for layer in net.acts[:-1]))

    history = net.train(X, y, loss="mse", lr=lr, epochs=epochs, callback=count)
    return {"history": history, "zeros": np.array(zeros)}


def kink_convention_effect(zero_on_grid: bool, seeds=SEEDS) -> dict:
    """:func:`kink_convention_run` with ReLU'(0) = 0 and = 1 for each seed: how far apart the two
    final losses end, and the exact zeros met.

    Returns a dict of :class:`Spread`: ``gap`` (``|final loss with 0 - final loss with 1|``),
    ``relative_gap`` (``(final loss with 0 - final loss with 1) / final loss with 0``, signed: positive
    where ReLU'(0) = 1 ends lower), ``first_zeros`` (exact zeros at the first step) and
    ``later_zeros`` (at all later steps).

    Examples
    --------
    >>> effect = kink_convention_effect(False)
    >>> float(effect["gap"].max), float(effect["first_zeros"].max)
    (0.0, 0.0)
    """
    def runs(seed):
        return [kink_convention_run(seed, d, zero_on_grid) for d in (0, 1)]

    return {
        "gap": over_seeds(lambda s: abs(runs(s)[0]["history"][-1] - runs(s)[1]["history"][-1]),
                          seeds),
        "relative_gap": over_seeds(lambda s: (runs(s)[0]["history"][-1] - runs(s)[1]["history"][-1])
                                   / runs(s)[0]["history"][-1], seeds),
        "first_zeros": over_seeds(lambda s: runs(s)[0]["zeros"][0], seeds),
        "later_zeros": over_seeds(lambda s: runs(s)[0]["zeros"][1:].sum(), seeds),
    }


def exact_zeros_at_init(seed: int, random_biases: bool = False, sizes=(3, 4, 4, 1),
                        n: int = 1000) -> list:
    """How many hidden pre-activations of ``MLP(sizes, activation="relu")`` are exactly 0 at its
    start, on ``n`` standard normal inputs: one count per hidden layer (of ``n * width`` values).

    The first layer's pre-activations, computed from continuous data and weights, are exactly 0 with
    probability 0. A unit of a later layer whose ReLU inputs are all off gets exactly its bias, and
    lib's ``MLP`` starts its biases at 0: those zeros come with positive probability. The ablation,
    ``random_biases=True``, draws the biases from a standard normal. ``seed`` gives the weights, the
    inputs and the ablation's biases, from three generators spawned from it.

    Examples
    --------
    >>> exact_zeros_at_init(3), exact_zeros_at_init(3, random_biases=True)
    ([0, 784], [0, 0])
    """
    weights, data, biases = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3))
    net = MLP(list(sizes), rng=weights, activation="relu")
    if random_biases:
        for layer in net.dense:
            layer.b = biases.normal(size=layer.b.shape)
    net.forward(data.normal(size=(n, sizes[0])))
    return [int(np.count_nonzero(act.z == 0)) for act in net.acts[:-1]]


def exact_zeros_spread(random_biases: bool = False, seeds=SEEDS) -> list:
    """:func:`exact_zeros_at_init` over the seeds: one :class:`Spread` per hidden layer.

    Examples
    --------
    >>> [float(s.max) for s in exact_zeros_spread(random_biases=True)]
    [0.0, 0.0]
    """
    seeds = tuple(seeds)
    counts = np.array([exact_zeros_at_init(seed, random_biases) for seed in seeds], dtype=np.float64)
    return [Spread(counts[:, k], seeds) for k in range(counts.shape[1])]
