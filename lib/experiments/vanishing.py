"""The experiments of the Vanishing gradients chapter.

Two measurements, each a few calls to :class:`lib.network.MLP` and cached per setting (with a bound),
so that an explorer computes every setting once:

* :func:`gradient_profile` builds a deep network, runs one forward and one backward pass on a fixed
  batch of the toy task and records, for every layer, the size of the gradient that reaches it;
* :func:`train_curve` trains a network on the toy task with plain gradient descent (``MLP.train``)
  and records the loss of every step; the training explorer takes the same steps a piece at a time
  with :func:`train_more`.

Two more, for the initialization sections: :func:`variance_profile` measures the variance of the
forward and backward signals layer by layer in a wide network (what Xavier and He initialization keep
constant), and :func:`symmetry_run` trains a small network from all-zero, all-equal and random
weights (identical units stay identical).

Besides: the toy task (:func:`toy_task`), the networks (:func:`build_net`), the bound ``4^-n``
(:func:`sigmoid_bound`) and the loss of the best constant prediction (:func:`mean_predictor_loss`).
The figures are in ``lib.views.vanishing``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..activations import ACTIVATIONS, sigmoid
from ..network import MLP, mse_loss
from ..normalization import _normalize_backward
from . import SEEDS, Spread, over_seeds

#: The activations the chapter measures, in the order its figures use.
ACTIVATION_NAMES = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu")

#: The initialization that suits each activation: Xavier/Glorot for sigmoid and tanh, He otherwise.
MATCHED_INIT = {"sigmoid": "xavier", "tanh": "xavier"}

#: Standard deviation of the "normal" initialization at gain 1 (``MLP``'s default ``scale``).
NORMAL_SCALE = 0.1


def matched_init(activation: str) -> str:
    """The initialization suited to ``activation``.

    Examples
    --------
    >>> matched_init("tanh"), matched_init("relu")
    ('xavier', 'he')
    """
    return MATCHED_INIT.get(activation, "he")


def toy_task(n: int = 256, seed: int = 0):
    """The chapter's small regression task: ``y = sin(2 x1) cos(x2)`` on ``[-2, 2]^2``.

    Returns
    -------
    X : ndarray of shape (n, 2)
    y : ndarray of shape (n, 1)

    Examples
    --------
    >>> X, y = toy_task()
    >>> X.shape, y.shape
    ((256, 2), (256, 1))
    >>> bool(np.abs(X).max() <= 2 and np.abs(y).max() <= 1)
    True
    """
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2.0, 2.0, size=(n, 2))
    y = np.sin(2.0 * X[:, :1]) * np.cos(X[:, 1:])
    return X, y


def mean_predictor_loss() -> float:
    """The loss of always predicting the mean of y on the toy task (the variance of y).

    Examples
    --------
    >>> round(mean_predictor_loss(), 4)
    0.1687
    """
    _, y = toy_task()
    return float(np.var(y))


def learned(loss) -> np.ndarray:
    """Whether a run that ends at ``loss`` has learned: at least 10 % below the loss of predicting the
    mean (:func:`mean_predictor_loss`). A run within 10 % of it has learned next to nothing; a diverged
    run (NaN) has not learned.

    Examples
    --------
    >>> learned([0.05, 0.16, float("nan")])
    array([ True, False, False])
    """
    return np.asarray(loss, dtype=np.float64) < 0.9 * mean_predictor_loss()


def sigmoid_bound(n) -> np.ndarray:
    """``4**-n``: the most that ``n`` sigmoid derivatives (each at most 1/4) can multiply to.

    Examples
    --------
    >>> sigmoid_bound([0, 1, 10])
    array([1.00000000e+00, 2.50000000e-01, 9.53674316e-07])
    """
    return 4.0 ** -np.asarray(n, dtype=np.float64)


def build_net(depth: int, activation: str, init: str = "he", gain: float = 1.0, *,
              batchnorm: bool = False, bias_init: float = 0.0, width: int = 32, seed: int = 1,
              residual: bool = False, bn_eps: float = 1e-5) -> MLP:
    """A network ``[2, width x depth, 1]`` for the toy task.

    ``init`` is ``"normal"``, ``"xavier"``, ``"he"`` or ``"matched"`` (:func:`matched_init`).
    ``gain`` multiplies the standard deviation of every scheme: He and Xavier through ``MLP``'s
    ``gain``, the plain normal through ``scale = NORMAL_SCALE * gain``. ``residual`` adds a skip
    connection around every hidden layer but the first (``h = x + f(x W + b)``); ``bn_eps`` is the
    batch-norm layers' epsilon (an epsilon far above the batch variance turns batch norm into
    centring alone: the ablation of its rescaling).

    Examples
    --------
    >>> net = build_net(3, "tanh", "normal", gain=2.0)
    >>> net.sizes
    [2, 32, 32, 32, 1]
    >>> round(float(net.dense[1].W.std()), 1)
    0.2
    """
    if init == "matched":
        init = matched_init(activation)
    options = {"scale": NORMAL_SCALE * gain} if init == "normal" else {"gain": gain}
    net = MLP([2] + [width] * int(depth) + [1], rng=np.random.default_rng(seed), activation=activation,
              init=init, batchnorm=batchnorm, bias_init=bias_init, residual=residual, **options)
    for bn in net.norms:
        bn.eps = float(bn_eps)
    return net


#: Where an output counts as saturated: outside these bounds the slope is below 1/50 of its largest
#: value for tanh (``tanh' = 1 - h^2 < 0.02`` for ``|h| > 0.99``) and below 1/25 of it for the sigmoid
#: (``sigmoid' = h (1 - h) < 0.0099`` against 0.25).
SATURATION_BOUNDS = {"tanh": (-0.99, 0.99), "sigmoid": (0.01, 0.99)}


def saturated_fraction(activation: str, h) -> float:
    """The fraction of outputs ``h`` of ``activation`` that sit on a flat part of the curve.

    tanh: ``|h| > 0.99``; sigmoid: ``h < 0.01`` or ``h > 0.99``. The other activations of the chapter
    have no flat side that still passes a signal forward (ReLU's zero side is counted as "off" and
    "dead" instead), so their fraction is 0.

    Examples
    --------
    >>> saturated_fraction("tanh", np.tanh([0.0, 1.0, 3.0, -3.0]))
    0.5
    >>> saturated_fraction("sigmoid", [0.005, 0.5, 0.995, 0.9]), saturated_fraction("relu", [5.0])
    (0.5, 0.0)
    """
    h = np.asarray(h, dtype=np.float64)
    if activation not in SATURATION_BOUNDS:
        return 0.0
    low, high = SATURATION_BOUNDS[activation]
    return float(np.mean((h < low) | (h > high)))


# --------------------------------------------------------------------------------------------------
# One forward and backward pass, layer by layer
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """One forward and backward pass through a deep network, measured layer by layer.

    Every per-layer array runs from the first hidden layer (index 0) to the output layer (last).

    Attributes
    ----------
    grad_z : ndarray of shape (depth + 1,)
        ``||dLoss/dz||`` for each layer's pre-activation z: the gradient that reaches the layer.
    grad_W : ndarray of shape (depth + 1,)
        ``||dLoss/dW||`` for each layer's weights: what the update ``W <- W - lr dLoss/dW`` uses.
    factor_mean, factor_max : ndarray of shape (depth,)
        Mean and largest activation derivative ``f'(z)`` of each hidden layer over the batch.
    slope_ms : ndarray of shape (depth,)
        The mean square of each hidden layer's slopes, ``E[f'(z)^2]`` over the batch and the units.
    weight_var : ndarray of shape (depth + 1,)
        The variance of each dense layer's initial weights, as drawn.
    width : int
        The hidden layers' width n.
    residual : bool
        Whether the hidden layers after the first have skip connections.
    bn_scale : ndarray of shape (depth,), or None
        With batch normalization: each layer's ``1 / sqrt(sigma_B^2 + eps)``, averaged over its units,
        the factor by which its backward pass scales the gradient (``sigma_B``: the batch standard
        deviation of the dense layer's output), before the projection below.
    bn_projection : ndarray of shape (depth,), or None
        With batch normalization: what the rest of its backward pass does to each layer's gradient.
        Batch norm passes back ``(g - mean(g) - x_hat mean(g x_hat)) / sigma_B`` per unit (``g``: the
        gradient at its output, means over the batch): this is ``||that|| / ||g / sigma_B||``, at most 1,
        the share that survives removing each unit's batch mean and its component along ``x_hat``.
    bn_var : ndarray of shape (depth, width), or None
        With batch normalization: each unit's batch variance ``sigma_B^2`` (before ``eps``).
    chi_units : ndarray of shape (depth,), or None
        With batch normalization: the gain of each hidden layer counted unit by unit, as the sum
        behind :attr:`chi` runs. Going back through layer k + 1, unit j of it scales its gradient by
        ``1 / sigma_j`` and spreads it over its weight column ``W[:, j]``, so, with every unit's
        gradient of the same size, ``chi_k = E[f'(z_k)^2] mean_j ||W[:, j]||^2 / (sigma_j^2 + eps)``;
        :attr:`chi` uses one average ``1 / sigma_B`` per layer instead (the two agree when the units'
        ``sigma_j`` are alike).
    dead : ndarray of shape (depth,)
        Fraction of each hidden layer's units that never activate on the batch.
    forward : ndarray of shape (depth + 1,)
        The forward signal: the root mean square of each layer's input ``h_{k-1}`` over the batch and
        its units (entry 0 is the data X, the last entry the output layer's input). The weight
        gradient of layer k is ``h_{k-1}^T dLoss/dz_k``: this signal times the backward one.
    output_std : float
        The standard deviation of the network's output over the batch (0 for a network that answers
        every input the same).
    z_var : ndarray of shape (depth,)
        ``Var(z_k)``: the variance of each hidden layer's pre-activation over the batch and its units,
        the quantity that Xavier and He initialization keep constant from layer to layer.
    h_mean : ndarray of shape (depth,)
        The mean of each hidden layer's output ``h_k = f(z_k)`` over the batch and its units (a mean
        far from 0 is an output that is not zero-centred).
    h_std : ndarray of shape (depth,)
        How much each hidden layer's output depends on the input: the standard deviation of each
        unit's output across the examples of the batch, averaged over the units (0 when the layer
        answers every input the same, whatever its units' sizes).
    saturated : ndarray of shape (depth,)
        Fraction of each hidden layer's outputs that are saturated (:func:`saturated_fraction`):
        ``|tanh| > 0.99``, sigmoid outside ``[0.01, 0.99]``; 0 for the other activations.
    off : ndarray of shape (depth,)
        Fraction of each hidden layer's outputs whose activation slope is exactly 0 (ReLU's zero
        side); ``dead`` counts the units for which that holds on every sample.
    """

    grad_z: np.ndarray
    grad_W: np.ndarray
    factor_mean: np.ndarray
    factor_max: np.ndarray
    slope_ms: np.ndarray
    weight_var: np.ndarray
    width: int
    residual: bool
    bn_scale: np.ndarray | None
    bn_projection: np.ndarray | None
    bn_var: np.ndarray | None
    chi_units: np.ndarray | None
    dead: np.ndarray
    forward: np.ndarray
    output_std: float
    z_var: np.ndarray
    h_mean: np.ndarray
    h_std: np.ndarray
    saturated: np.ndarray
    off: np.ndarray

    @property
    def depth(self) -> int:
        return len(self.dead)

    def relative(self, of: str = "z") -> np.ndarray:
        """``of`` = "z" (backward signal), "W" (weight gradient) or "h" (forward signal: each layer's
        input), relative to the output layer's, ordered by ``n`` = layers back from the output: entry 0
        is the output layer (1.0), entry ``depth`` the first hidden layer."""
        g = {"z": self.grad_z, "W": self.grad_W, "h": self.forward}[of]
        with np.errstate(divide="ignore", invalid="ignore"):
            return g[::-1] / g[-1]

    @property
    def ratio(self) -> float:
        """``||dLoss/dz||`` at the first hidden layer divided by the output layer's."""
        return float(self.relative("z")[-1])

    @property
    def per_layer(self) -> float:
        """The measured factor per layer: ``ratio ** (1 / depth)`` (the geometric mean over the layers)."""
        return float(self.ratio ** (1.0 / self.depth))

    @property
    def chi(self) -> np.ndarray:
        """The gain of each hidden layer k, ``chi_k = m Var(W_{k+1}) E[f'(z_k)^2]`` (m = the width),
        times ``bn_scale[k+1]**2`` with batch normalization: going back from layer k + 1 to layer k
        the gradient passes layer k + 1's batch norm, then ``W_{k+1}``, then layer k's slopes (the
        output layer has no batch norm).

        One step back, ``delta_k = diag(f'(z_k)) W_{k+1}^T delta_{k+1}`` sums n terms of variance
        ``Var(W) E[delta^2]``, each times a slope; so ``E||delta_k||^2 = chi_k E||delta_{k+1}||^2``:
        the mean-field gain of Poole et al. (2016) and Schoenholz et al. (2017). The backward signal
        shrinks where chi < 1 and grows where chi > 1, by ``sqrt(chi)`` per layer.
        """
        chi = self.width * self.weight_var[1:] * self.slope_ms
        if self.bn_scale is None:
            return chi
        return chi * np.concatenate([self.bn_scale[1:], [1.0]]) ** 2

    def predicted(self) -> np.ndarray:
        """What the gains predict for :meth:`relative` ``("z")`` without skip connections: entry n is
        the product of ``sqrt(chi)`` over the n hidden layers nearest the output (entry 0 is 1)."""
        return np.concatenate([[1.0], np.cumprod(np.sqrt(self.chi[::-1]))])

    @property
    def predicted_ratio(self) -> float:
        """What the gains predict for :attr:`ratio`, ``||delta_1|| / ||delta_out||``.

        Without skip connections: the product of ``sqrt(chi_k)`` over the hidden layers. With them,
        the gradient reaching a block's input is its output's plus what the branch passes back, so a
        block multiplies ``E||dLoss/dh||^2`` by ``1 + chi`` (its own slopes with its own weights,
        ``n Var(W_k) E[f'(z_k)^2]``) instead of ``chi``.
        """
        if not self.residual:
            return float(self.predicted()[-1])
        blocks = self.width * self.weight_var[1:-1] * self.slope_ms[1:]   # layers 2 .. depth
        out = self.width * self.weight_var[-1]     # delta_out -> dLoss/dh of the last hidden layer
        return float(np.sqrt(self.slope_ms[0] * np.prod(1.0 + blocks) * out))

    @property
    def units_predicted_ratio(self) -> float:
        """With batch normalization: what :attr:`chi_units` predicts for :attr:`ratio`, the product of
        their square roots (NaN without batch norm)."""
        if self.chi_units is None:
            return float("nan")
        return float(np.sqrt(np.prod(self.chi_units)))

    @property
    def predicted_per_layer(self) -> float:
        """:attr:`predicted_ratio` per layer, ``predicted_ratio ** (1 / depth)``."""
        return float(self.predicted_ratio ** (1.0 / self.depth))

    @property
    def weight_ratio(self) -> float:
        """``||dLoss/dW||`` at the first hidden layer divided by the output layer's."""
        return float(self.relative("W")[-1])

    @property
    def forward_ratio(self) -> float:
        """The output layer's input over the first hidden layer's input (the data), in RMS: how much
        the forward signal shrinks (< 1) or grows on its way through the hidden layers."""
        return float(self.forward[-1] / self.forward[0])

    @property
    def input_share(self) -> np.ndarray:
        """Each hidden layer's :attr:`h_std` over its RMS size: the share of the output that depends
        on the input (about 0.4 for ReLU, whose outputs shrink and grow as a whole; tiny for a sigmoid
        layer whose outputs all sit near 0.5)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.h_std / self.forward[1:]


def gradient_profile(depth: int, activation: str, init: str = "he", gain: float = 1.0,
                     batchnorm: bool = False, bias_init: float = 0.0, width: int = 32,
                     seed: int = 1, residual: bool = False, bn_eps: float = 1e-5) -> Profile:
    """Measure the gradient in every layer of a fresh network on the toy task (cached).

    One forward pass on :func:`toy_task`, the mean squared error, one backward pass; then
    ``net.grad_norms("z")``, ``net.grad_norms("W")``, the activation derivatives of every hidden
    layer, and ``net.dead_fraction``. The arguments are those of :func:`build_net`. Treat the
    returned arrays as read-only: the result is shared by every caller with the same arguments.
    The cache keeps the last 1024 settings (a profile is a few small arrays; the network is not kept),
    one entry per setting however the arguments are passed.

    Examples
    --------
    >>> p = gradient_profile(20, "sigmoid", "xavier")
    >>> p.grad_z.shape, p.dead.shape
    ((21,), (20,))
    >>> bool(p.factor_max.max() <= 0.25)   # sigmoid' never exceeds 1/4
    True
    >>> bool(p.ratio < 1e-10)               # the gradient vanishes on its way to layer 1
    True
    >>> round(p.per_layer, 2), round(p.predicted_per_layer, 2)   # measured, and what chi predicts
    (0.25, 0.24)
    >>> p.forward.shape, bool(0.3 < p.forward[-1] < 1)  # a sigmoid layer's output stays near 0.5
    ((21,), True)
    >>> bool(p.h_std[-1] < 1e-6)   # ... for every input alike
    True
    """
    return _profile(int(depth), activation, init, float(gain), bool(batchnorm), float(bias_init),
                    int(width), int(seed), bool(residual), float(bn_eps))


@lru_cache(maxsize=1024)
def _profile(depth, activation, init, gain, batchnorm, bias_init, width, seed, residual, bn_eps):
    """:func:`gradient_profile` with every argument spelled out, so that each setting has one
    cache entry whichever way it is asked for."""
    net = build_net(depth, activation, init, gain, batchnorm=batchnorm, bias_init=bias_init,
                    width=width, seed=seed, residual=residual, bn_eps=bn_eps)
    X, y = toy_task()
    with np.errstate(over="ignore", invalid="ignore"):  # an exploding setting may overflow: show it
        y_hat = net.forward(X)
        _, dy_hat = mse_loss(y_hat, y)
        net.backward(dy_hat)
        factors = [act.slope for act in net.acts[:-1]]  # f'(z) of each hidden layer, as backward used it
        forward = np.array([np.sqrt(np.mean(layer.x**2)) for layer in net.dense])
        z = [a.z for a in net.acts[:-1]]
        # each hidden layer's output, the next one's input (with skips, the block's output)
        h = [layer.x for layer in net.dense[1:]]
        z_var = np.array([np.var(zk) for zk in z])
        h_mean = np.array([np.mean(hk) for hk in h])
        h_std = np.array([np.mean(np.std(hk, axis=0)) for hk in h])
        saturated = np.array([saturated_fraction(activation, a.f(a.z)) if activation in SATURATION_BOUNDS
                              else 0.0 for a in net.acts[:-1]])  # of f(z), with or without a skip
        slope_ms = np.array([np.mean(f**2) for f in factors])
        bn_scale = bn_projection = bn_var = chi_units = None
        if net.norms:
            bn_var = np.array([bn.batch_var for bn in net.norms])
            bn_scale = np.array([np.mean(1.0 / np.sqrt(bn.batch_var + bn.eps)) for bn in net.norms])
            bn_projection = np.array([_projected_share(bn, act.dz)
                                      for bn, act in zip(net.norms, net.acts)])
            # each next layer's units j: ||W[:, j]||^2 / (sigma_j^2 + eps); the output layer has no
            # batch norm
            divided = [1.0 / (bn.batch_var + bn.eps) for bn in net.norms[1:]] + [1.0]
            chi_units = slope_ms * np.array([np.mean(np.sum(layer.W**2, axis=0) * d)
                                             for layer, d in zip(net.dense[1:], divided)])
        dead = net.dead_fraction(X, training=True)   # its own forward pass; the arrays above stay
    return Profile(
        grad_z=net.grad_norms("z"),
        grad_W=net.grad_norms("W"),
        factor_mean=np.array([f.mean() for f in factors]),
        factor_max=np.array([f.max() for f in factors]),
        slope_ms=slope_ms,
        weight_var=np.array([np.var(layer.W) for layer in net.dense]),
        width=int(width),
        residual=bool(residual),
        bn_scale=bn_scale,
        bn_projection=bn_projection,
        bn_var=bn_var,
        chi_units=chi_units,
        dead=dead,
        forward=forward,
        output_std=float(np.std(y_hat)),
        z_var=z_var,
        h_mean=h_mean,
        h_std=h_std,
        saturated=saturated,
        off=np.array([np.mean(f == 0) for f in factors]),
    )


def _projected_share(bn, g):
    """``||dx|| / ||g / sigma_B||`` for batch norm's backward pass (gamma = 1, as at the start)."""
    sigma = np.sqrt(bn.batch_var + bn.eps)
    dx = _normalize_backward(bn.x_hat, sigma, g, 0)   # batch norm's own backward formula
    return float(np.linalg.norm(dx) / np.linalg.norm(g / sigma))


gradient_profile.cache_info = _profile.cache_info
gradient_profile.cache_clear = _profile.cache_clear


def spread_in_precision(dtype, depth: int = 50, seed: int = 1) -> np.ndarray:
    """:attr:`Profile.h_std` of the sigmoid network with Xavier initialization, computed in ``dtype``.

    The same weights (drawn in float64, then rounded to ``dtype``) and the same data; every layer's
    ``sigmoid(h W + b)`` in that precision. In float64 it is ``gradient_profile(depth, "sigmoid",
    "xavier", seed=seed).h_std``. Where the input-dependent part has shrunk below the rounding error
    of numbers near 0.5, what is left is rounding noise, and its level follows the precision: the
    ablation of the claim that the deep layers' spread is rounding.

    Examples
    --------
    >>> floor = {dt: np.median(spread_in_precision(dt)[29:]) for dt in (np.float32, np.float64)}
    >>> [round(float(floor[dt] / np.spacing(dt(0.5)))) for dt in floor]   # spacings near 0.5
    [13, 13]
    """
    net = build_net(depth, "sigmoid", "xavier", seed=seed)
    X, _ = toy_task()
    h = X.astype(dtype)
    spread = []
    for layer in net.dense[:-1]:
        h = sigmoid(h @ layer.W.astype(dtype) + layer.b.astype(dtype))
        spread.append(np.mean(np.std(h, axis=0)))
    return np.array(spread, dtype=np.float64)


def example_gain_ratio(depth: int, activation: str, init: str = "he", gain: float = 1.0, *,
                       seed: int = 1, width: int = 32) -> float:
    """What the gains predict for :attr:`Profile.ratio` when each example keeps its own slopes.

    :attr:`Profile.chi` averages the slopes over the whole batch. Here example n gets its own gain in
    every layer, ``chi_k(n) = width Var(W_{k+1}) mean_units f'(z_k[n])^2``, its backward signal the
    product of those, and the prediction weights each example by its share of the output layer's
    gradient: ``ratio^2 = sum_n delta_out[n]^2 prod_k chi_k(n) / sum_n delta_out[n]^2``. Where the
    examples' gains differ, the product over many layers is dominated by the examples with the largest
    ones, which a batch average hides.

    Examples
    --------
    >>> p = gradient_profile(20, "sigmoid", "xavier")
    >>> bool(0.5 < example_gain_ratio(20, "sigmoid", "xavier") / p.predicted_ratio < 2)
    True
    """
    net = build_net(depth, activation, init, gain, width=width, seed=seed)
    X, y = toy_task()
    _, dy_hat = mse_loss(net.forward(X), y)
    net.backward(dy_hat)
    weight_var = np.array([np.var(layer.W) for layer in net.dense[1:]])
    slope_ms = np.array([np.mean(a.slope**2, axis=1) for a in net.acts[:-1]])  # (depth, N)
    chi = width * weight_var[:, None] * slope_ms
    out = net.acts[-1].dz[:, 0] ** 2
    return float(np.sqrt(np.sum(out * np.prod(chi, axis=0)) / np.sum(out)))


@dataclass(frozen=True)
class ExplodingStep:
    """One gradient-descent step on a network whose gradients exploded (:func:`exploding_step`).

    Attributes
    ----------
    loss_before, loss_after : float
        The loss before the step and after it (inf when the step overflowed).
    change : ndarray of shape (depth + 1,)
        How far each dense layer's weights moved, relative to their size: ``||dW|| / ||W||``.
    inner : ndarray of shape (depth + 1,)
        ``<W_k, dL/dW_k>`` of each layer before the step.
    euler : float
        ``sum(dL/dy_hat * y_hat)``: what positive homogeneity says every ``inner`` equals.
    output_rms, target_rms : float
        The root mean square of the network's output and of the target.
    """

    loss_before: float
    loss_after: float
    change: np.ndarray
    inner: np.ndarray
    euler: float
    output_rms: float
    target_rms: float


@lru_cache(maxsize=16)
def exploding_step(depth: int = 30, activation: str = "relu", init: str = "he", gain: float = 1.5,
                   lr: float = 0.01, seed: int = 1) -> ExplodingStep:
    """One step of ``net.sgd_step(lr)`` on :func:`build_net`'s network, measured (cached).

    With zero biases a ReLU network's output is positively homogeneous in each layer's weights,
    ``y_hat(c W_k) = c y_hat(W_k)`` for c > 0, so Euler's theorem makes ``<W_k, dL/dW_k>`` the same
    number, ``sum(dL/dy_hat * y_hat)``, for every layer.

    Examples
    --------
    >>> step = exploding_step(depth=10, seed=2)
    >>> bool(np.allclose(step.inner, step.euler, rtol=1e-9))
    True
    """
    net = build_net(depth, activation, init, gain, seed=seed)
    X, y = toy_task()
    with np.errstate(over="ignore", invalid="ignore"):   # the overflow is what is measured
        out = net.forward(X)
        loss_before, dy_hat = mse_loss(out, y)
        net.backward(dy_hat)
        start = [layer.W.copy() for layer in net.dense]
        inner = np.array([np.sum(W0 * layer.dW) for W0, layer in zip(start, net.dense)])
        net.sgd_step(lr)
        loss_after, _ = mse_loss(net.forward(X), y)
    change = np.array([np.linalg.norm(layer.W - W0) / np.linalg.norm(W0)
                       for layer, W0 in zip(net.dense, start)])
    return ExplodingStep(float(loss_before), float(loss_after), change, inner,
                         float(np.sum(dy_hat * out)), float(np.sqrt(np.mean(out**2))),
                         float(np.sqrt(np.mean(y**2))))


def profile_spread(attribute: str, depth: int, activation: str, init: str = "he", gain: float = 1.0,
                   seeds=SEEDS, **options) -> Spread:
    """One attribute of :func:`gradient_profile` (``"ratio"``, ``"weight_ratio"``...) over seeds.

    ``options`` are the other arguments of :func:`gradient_profile` (``batchnorm``, ``residual``...).

    Examples
    --------
    >>> s = profile_spread("ratio", 20, "sigmoid", "xavier")
    >>> len(s), bool(s.max < sigmoid_bound(20))
    (5, True)
    """
    return over_seeds(lambda seed: getattr(gradient_profile(depth, activation, init, gain, seed=seed,
                                                            **options), attribute), seeds)


# --------------------------------------------------------------------------------------------------
# Initialization: the variance of the signals, layer by layer
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VarianceProfile:
    """The variance of the forward and backward signals in every hidden layer of a wide network.

    Attributes
    ----------
    z_var : ndarray of shape (depth,)
        ``Var(z_k)`` of each hidden layer's pre-activation over the batch and the units.
    dz_var : ndarray of shape (depth,)
        ``Var(dLoss/dz_k)`` for a random upstream gradient, relative to the last hidden layer's.
    weight_var : ndarray of shape (depth,)
        The variance of each hidden layer's initial weights, as ``MLP`` drew them.
    """

    z_var: np.ndarray
    dz_var: np.ndarray
    weight_var: np.ndarray


@lru_cache(maxsize=64)
def variance_profile(activation: str, init: str, depth: int = 20, width: int = 128, n: int = 128,
                     seed: int = 0) -> VarianceProfile:
    """One forward and backward pass through ``MLP([width] * (depth + 1) + [1], init=init)`` (cached).

    The input is ``n`` rows of standard normal data (``Var(x) = 1``), so every hidden layer, the first
    included, has ``n_in = width``; the backward pass starts from a standard normal ``dLoss/dy_hat``.
    This is the setting of the derivation of Xavier and He initialization: with ``Var(W) = 1/n_in``
    (tanh near 0) or ``2/n_in`` (ReLU) the variance of ``z`` is the same in every layer. ``init`` is
    one of ``MLP``'s schemes; ``"normal"`` is its fixed standard deviation 0.1 whatever the width.

    Examples
    --------
    >>> relu = variance_profile("relu", "he")
    >>> bool(0.5 < relu.z_var[-1] / relu.z_var[0] < 2)        # level over 20 layers
    True
    >>> bool(variance_profile("relu", "xavier").z_var[-1] < 1e-5)  # halved at every layer
    True
    >>> round(float(relu.weight_var[0] * 128), 1)  # He: Var(W) = 2 / n_in, as drawn
    2.0
    """
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(int(n), int(width)))
    upstream = rng.normal(size=(int(n), 1))
    net = MLP([int(width)] * (int(depth) + 1) + [1], rng=rng, activation=activation, init=init)
    with np.errstate(over="ignore", invalid="ignore"):
        net.forward(X)
        net.backward(upstream)
        z_var = np.array([np.var(a.z) for a in net.acts[:-1]])
        dz_var = np.array([np.var(a.dz) for a in net.acts[:-1]])
    return VarianceProfile(z_var=z_var, dz_var=dz_var / dz_var[-1],
                           weight_var=np.array([np.var(d.W) for d in net.dense[:-1]]))


def mean_field_variance(activation: str, weight_var: float, width: int, depth: int = 20,
                        q1: float | None = None) -> np.ndarray:
    """What theory predicts for ``Var(z_k)``, layer after layer, in a wide network with zero biases.

    Each layer's pre-activation is a sum of ``width`` independent terms ``W_ij f(z_j)``, so
    ``q_{k+1} = width * weight_var * E[f(z)^2]`` with ``z ~ N(0, q_k)`` (the forward half of the
    mean-field recursion of Poole et al., 2016), computed by Gauss-Hermite quadrature. ``q1``, the
    first layer's variance, defaults to ``width * weight_var`` (standard normal inputs).

    Examples
    --------
    >>> q = mean_field_variance("relu", 2 / 128, 128, depth=3)   # He: E[relu(z)^2] = q / 2
    >>> np.round(q, 6)
    array([2., 2., 2.])
    >>> q = mean_field_variance("tanh", 1 / 128, 128, depth=20)   # Xavier: slowly, about 1/(2k)
    >>> round(float(q[-1]), 3)
    0.027
    """
    from numpy.polynomial.hermite_e import hermegauss

    nodes, weights = hermegauss(101)          # E[g(Z)] for Z ~ N(0, 1) = sum(weights * g(nodes))
    weights = weights / weights.sum()
    f = ACTIVATIONS[activation]
    q = np.empty(int(depth))
    q[0] = width * weight_var if q1 is None else q1
    for k in range(1, int(depth)):
        q[k] = width * weight_var * np.sum(weights * f(np.sqrt(q[k - 1]) * nodes) ** 2)
    return q


# --------------------------------------------------------------------------------------------------
# Symmetry: identical starting weights stay identical
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SymmetryRun:
    """A small network trained from all-zero, all-equal or random weights.

    Attributes
    ----------
    losses : ndarray of shape (steps,)
        The training loss before each step.
    spread : ndarray of shape (n_hidden,)
        For each hidden layer after training, the largest difference between two of its units'
        incoming weights and biases: 0 when every unit of the layer is a copy of the others.
    spread_before : ndarray of shape (n_hidden,)
        The same at initialization.
    first_weights : ndarray of shape (2, width)
        The first hidden layer's weights after training; column j holds unit j's incoming weights.
    """

    losses: np.ndarray
    spread: np.ndarray
    spread_before: np.ndarray
    first_weights: np.ndarray

    @property
    def final(self) -> float:
        return float(self.losses[-1])


def unit_spread(layer) -> float:
    """The largest difference between two units of a dense layer: ``max |W[:, j] - W[:, 0]|`` and
    ``max |b_j - b_0|`` over all units j (column j of ``W`` holds unit j's incoming weights).

    Examples
    --------
    >>> from lib.network import Dense
    >>> unit_spread(Dense(np.ones((2, 3)), np.zeros(3)))
    0.0
    >>> unit_spread(Dense([[1.0, 1.5], [2.0, 2.0]], [0.0, 0.0]))
    0.5
    """
    W, b = layer.W, layer.b
    return float(max(np.abs(W - W[:, :1]).max(), np.abs(b - b[0]).max()))


#: The starting weights :func:`symmetry_run` compares.
SYMMETRY_INITS = ("zero", "equal", "random")


@lru_cache(maxsize=16)
def symmetry_run(start: str, activation: str = "tanh", width: int = 8, value: float = 0.5,
                 lr: float = 0.1, steps: int = 300, seed: int = 1) -> SymmetryRun:
    """Train ``[2, width, width, 1]`` on the toy task from identical or random weights (cached).

    ``start`` is ``"zero"`` (every weight and bias 0), ``"equal"`` (every weight ``value``, biases 0)
    or ``"random"`` (Xavier). Each step is full-batch gradient descent, ``net.sgd_step(lr)``.

    Two units of a layer with the same incoming weights compute the same output, receive the same
    gradient (their outgoing weights are equal too) and so make the same update: they stay copies
    of each other for ever, and the layer is as good as one unit. With all-zero weights even that
    unit is silent: every hidden output is ``tanh(0) = 0`` and every weight gradient
    ``h^T delta`` or ``delta W^T`` is 0, so only the output bias learns (the mean of y).

    Examples
    --------
    >>> zero, equal, rand = (symmetry_run(s) for s in SYMMETRY_INITS)
    >>> float(zero.spread.max()), float(equal.spread.max())  # every unit still a copy of the others
    (0.0, 0.0)
    >>> bool(abs(zero.final - mean_predictor_loss()) < 1e-6)   # learned the mean, nothing more
    True
    >>> bool(rand.final < 0.5 * equal.final), bool(rand.spread.min() > 0.1)
    (True, True)
    """
    if start not in SYMMETRY_INITS:
        raise ValueError(f"start: choose from {SYMMETRY_INITS}, got {start!r}")
    sizes = [2, int(width), int(width), 1]
    rng = np.random.default_rng(seed)
    if start == "random":
        net = MLP(sizes, rng=rng, activation=activation, init="xavier")
    else:
        net = MLP(sizes, rng=rng, activation=activation, init="normal", scale=0.0)  # all zero
        for layer in net.dense:
            layer.W = np.full_like(layer.W, 0.0 if start == "zero" else float(value))
    X, y = toy_task()
    before = np.array([unit_spread(layer) for layer in net.dense[:-1]])
    losses = net.train(X, y, loss="mse", lr=lr, epochs=int(steps))
    return SymmetryRun(losses=losses,
                       spread=np.array([unit_spread(layer) for layer in net.dense[:-1]]),
                       spread_before=before, first_weights=net.dense[0].W.copy())


# --------------------------------------------------------------------------------------------------
# Training runs
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainResult:
    """Losses of a training run: ``losses[t]`` before update t; NaN from a divergence on.

    ``dead_before`` and ``dead_after`` are the fractions of dead hidden units at the start and the
    end; ``moved[k]`` is how far dense layer k's weights moved, ``||W_end - W_start|| / ||W_start||``.
    Both ends are NaN for a run that diverged or has not finished.
    """

    losses: np.ndarray
    dead_before: float
    dead_after: float
    diverged_at: int | None
    moved: np.ndarray

    @property
    def final(self) -> float:
        """The last finite loss."""
        finite = self.losses[np.isfinite(self.losses)]
        return float(finite[-1]) if finite.size else float("nan")


def overflowed(loss) -> bool:
    """Whether a training loss says the run has diverged: infinite, NaN or above 1e6 (the toy task's
    losses start below 2)."""
    return not np.isfinite(loss) or loss > 1e6


def train_more(net: MLP, lr: float, steps: int, deadline: float | None = None) -> np.ndarray:
    """Up to ``steps`` steps of full-batch gradient descent on the toy task, ``net.train``'s loop;
    returns their losses. It stops after a step whose loss :func:`overflowed` (the last loss
    returned) and, with ``deadline`` (a ``time.perf_counter()`` value), after the first step that
    ends past it: the training explorer draws a run a piece at a time this way.
    """
    X, y = toy_task()

    def stop(net, step, loss):
        return overflowed(loss) or (deadline is not None and time.perf_counter() > deadline)

    with np.errstate(all="ignore"):   # a diverging run overflows on purpose; it is stopped
        return net.train(X, y, loss="mse", lr=lr, epochs=int(steps), callback=stop)


def train_result(losses, steps: int, dead_before: float, net: MLP | None = None,
                 start: list | None = None) -> TrainResult:
    """The :class:`TrainResult` of a run whose losses so far are ``losses``, as :func:`train_more`
    returns them (a run that diverged ends with the loss that overflowed). ``net`` is the network
    once the run has finished, for its dead units and, with its ``start`` weights, how far it moved.
    """
    losses = np.asarray(losses, dtype=np.float64)
    diverged_at = len(losses) - 1 if len(losses) and overflowed(losses[-1]) else None
    curve = np.full(int(steps), np.nan)
    curve[:len(losses)] = losses
    dead_after = float("nan")
    moved = np.full(0 if start is None else len(start), np.nan)
    if diverged_at is not None:
        curve[diverged_at] = np.nan
    elif net is not None:
        dead_after = float(net.dead_fraction(toy_task()[0]).mean())
        if start is not None:
            moved = np.array([np.linalg.norm(layer.W - W0) / np.linalg.norm(W0)
                              for layer, W0 in zip(net.dense, start)])
    return TrainResult(curve, float(dead_before), dead_after, diverged_at, moved)


@lru_cache(maxsize=256)
def train_curve(activation: str, lr: float, depth: int = 10, init: str = "matched", steps: int = 200,
                gain: float = 1.0, bias_init: float = 0.0, width: int = 32, seed: int = 1,
                residual: bool = False) -> TrainResult:
    """Train a network on the toy task with full-batch gradient descent (cached; treat the result as
    read-only).

    Each step is ``net.train``'s: forward, loss, backward, update. A run whose loss becomes
    infinite, NaN or above 1e6 is stopped there and marked as diverged; the remaining losses are
    NaN. The arguments are those of :func:`build_net` (``residual`` adds skip connections), the
    learning rate ``lr`` and the number of steps.

    Examples
    --------
    >>> run = train_curve("relu", 0.05, depth=4, steps=50)
    >>> run.losses.shape, run.diverged_at
    ((50,), None)
    >>> bool(run.final < run.losses[0])
    True
    """
    net = build_net(depth, activation, init, gain, bias_init=bias_init, width=width, seed=seed,
                    residual=residual)
    start = [layer.W.copy() for layer in net.dense]
    dead_before = float(net.dead_fraction(toy_task()[0]).mean())
    return train_result(train_more(net, lr, steps), steps, dead_before, net, start)


@lru_cache(maxsize=64)
def ratio_while_training(activation: str, lr: float, at: tuple = (0, 10, 199), depth: int = 10,
                         init: str = "matched", gain: float = 1.0, seed: int = 1) -> np.ndarray:
    """The backward ratio ``||delta_1|| / ||delta_out||`` of :func:`train_curve`'s run, measured
    before each step in ``at`` (step 0: at initialization), with the same network, data and steps.

    Examples
    --------
    >>> r = ratio_while_training("relu", 0.05, at=(0, 5), depth=4)
    >>> r.shape, bool(r[0] == gradient_profile(4, "relu", "he").ratio)
    ((2,), True)
    """
    net = build_net(depth, activation, init, gain, seed=seed)
    X, y = toy_task()
    ratios = {}

    def measure(net, step, loss):   # after step's update; its gradients are those before it
        if step in at:
            norms = net.grad_norms("z")
            ratios[step] = norms[0] / norms[-1]
        return step >= max(at)

    net.train(X, y, loss="mse", lr=lr, epochs=max(at) + 1, callback=measure)
    return np.array([ratios[step] for step in at])


def final_losses(activation: str, lr: float, depth: int = 10, init: str = "matched", seeds=SEEDS,
                 **options) -> Spread:
    """The last finite training loss of :func:`train_curve` over seeds (NaN for a run that diverged
    at its first step). ``options`` are the other arguments of :func:`train_curve`.

    Examples
    --------
    >>> s = final_losses("sigmoid", 0.05, depth=10, steps=50)
    >>> len(s), bool(abs(s.max - mean_predictor_loss()) < 1e-3)   # every run stalls at the mean
    (5, True)
    """
    return over_seeds(lambda seed: train_curve(activation, lr, depth, init, seed=seed, **options).final,
                      seeds)


# --------------------------------------------------------------------------------------------------
# Dying ReLU: dead units while a network trains
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadRun:
    """A network trained on the toy task, its dead units watched after every epoch.

    Attributes
    ----------
    losses : ndarray of shape (epochs,)
        The training loss of every epoch (NaN once the run has diverged).
    dead_curve : ndarray of shape (epochs,)
        The fraction of all hidden units that are dead after each epoch (NaN once diverged).
    dead_before, dead_after : ndarray of shape (n_hidden,)
        Each hidden layer's fraction of dead units at the start and at the end.
    revived : ndarray of int, shape (n_hidden,)
        In each hidden layer, the number of units dead at the start and alive at the end.
    diverged : bool
        Whether the loss overflowed (then ``dead_after`` and ``revived`` describe the last finite
        epoch).
    slopes : tuple of float
        For PReLU, each hidden layer's learned slope ``a`` at the end; empty otherwise.
    moved : ndarray of shape (n_hidden + 1,)
        Each dense layer's largest change of a weight or bias over the run, ``max |theta_end -
        theta_start|`` (the output layer last): exactly 0 for a layer that got no gradient in any
        epoch, as every layer below an entirely dead one.
    """

    losses: np.ndarray
    dead_curve: np.ndarray
    dead_before: np.ndarray
    dead_after: np.ndarray
    revived: np.ndarray
    diverged: bool
    slopes: tuple
    moved: np.ndarray

    @property
    def final(self) -> float:
        """The last finite loss."""
        finite = self._finite_losses()
        return float(finite[-1]) if finite.size else float("nan")

    @property
    def settled(self) -> float:
        """The median loss of the last 20 finite epochs: where the run ended up, which a spike in its
        last few epochs does not move (at a learning rate near the edge of stability, ``final`` can
        catch one)."""
        finite = self._finite_losses()
        return float(np.median(finite[-20:])) if finite.size else float("nan")

    @property
    def has_learned(self) -> bool:
        """Whether the run settled at least 10 % below the loss of predicting the mean
        (:func:`learned`) without diverging."""
        return not self.diverged and bool(learned(self.settled))

    def _finite_losses(self) -> np.ndarray:
        return self.losses[np.isfinite(self.losses)]


@lru_cache(maxsize=64)
def dead_run(activation: str, lr: float, *, depth: int = 3, bias_init: float = 0.0, epochs: int = 200,
             seed: int = 1, negative_slope: float | None = None, watch: bool = True) -> DeadRun:
    """Train ``[2, 32 x depth, 1]`` (He initialization) on the toy task, full batch, and record which
    units are dead after every epoch (``net.dead_units``), through ``MLP.train``'s callback (cached).
    With ``watch=False`` only the start and the end are looked at (``dead_curve`` is then empty, and
    a run that diverged keeps its start as ``dead_after``), for a run that needs no curve; the
    training itself is the same. A run that diverges (a loss or a parameter overflows) stops there;
    its later epochs are NaN.

    A dead unit's incoming weights and bias get no gradient, so they cannot bring it back; but the
    layers below it keep learning and change its inputs, which can. In the first hidden layer the
    input is the data, which does not change: a unit dead there on the whole data set stays dead.
    And an entirely dead layer passes no gradient at all: no weight at or below it moves
    (``moved``), so none of their dead units can come back.

    Examples
    --------
    >>> run = dead_run("relu", 0.1, bias_init=-1.0, epochs=20)
    >>> run.dead_curve.shape, int(run.revived[0])   # a first-layer unit never comes back
    ((20,), 0)
    """
    params = None if negative_slope is None else {"negative_slope": float(negative_slope)}
    net = MLP([2] + [32] * int(depth) + [1], rng=np.random.default_rng(seed), activation=activation,
              activation_params=params, init="he", bias_init=bias_init)
    X, y = toy_task()
    start = net.dead_units(X)
    weights = [(layer.W.copy(), layer.b.copy()) for layer in net.dense]
    last = [start]
    curve = []

    def blown(net, loss):   # after an update: the run has diverged, and training stops
        return not (np.isfinite(loss) and all(np.all(np.isfinite(getattr(layer, name)))
                                              for layer, name in net.parameters()))

    def look(net, epoch, loss):   # after each epoch's update; True stops the training
        if not blown(net, loss):
            dead = net.dead_units(X)    # a forward pass on X
            if np.all(np.isfinite(net.acts[-1].z)):
                last[0] = dead
                curve.append(np.mean(np.concatenate(dead)))
                return False
        curve.append(np.nan)            # the update overflowed: the run has diverged
        return True

    with np.errstate(over="ignore", invalid="ignore"):   # a diverging run overflows; it is marked
        losses = net.train(X, y, loss="mse", lr=lr, epochs=epochs,
                           callback=look if watch else lambda net, epoch, loss: blown(net, loss))
        if watch:
            diverged = bool(curve) and bool(np.isnan(curve[-1]))
        else:   # the end only
            diverged = len(losses) < epochs or look(net, epochs, losses[-1])
    unrun = np.full(epochs - len(losses), np.nan)    # the epochs after the one that overflowed
    losses = np.concatenate([losses, unrun])
    losses[~np.isfinite(losses)] = np.nan
    curve = np.concatenate([curve, unrun]) if watch else np.array([])
    end = last[0]
    return DeadRun(
        losses=losses, dead_curve=curve,
        dead_before=np.array([d.mean() for d in start]), dead_after=np.array([d.mean() for d in end]),
        revived=np.array([int(np.sum(b & ~a)) for b, a in zip(start, end)]),
        diverged=diverged,
        slopes=tuple(float(a.a) for a in net.acts[:-1] if a.learnable),
        moved=np.array([max(np.max(np.abs(layer.W - W)), np.max(np.abs(layer.b - b)))
                        for layer, (W, b) in zip(net.dense, weights)]),
    )
