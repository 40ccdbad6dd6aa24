"""A tiny multilayer perceptron in numpy, with hand-written backpropagation.

The network is a list of layers. Each hidden layer is ``Dense -> [BatchNorm] -> ActivationLayer``;
the output layer is ``Dense -> ActivationLayer`` (the identity unless ``output`` names a function).
Every layer has a ``forward`` that remembers what it needs and, right below it, a ``backward``
that turns the gradient of the loss with respect to its output into the gradient with respect to
its input, storing the gradients of its own parameters on the way (``dW``, ``db``, ``dgamma``,
``dbeta``, ``da``).

One training step, from input to update::

    y_hat = net.forward(X)             # input -> output, layer by layer
    loss, dy_hat = mse_loss(y_hat, y)  # how wrong, and dLoss/dy_hat
    net.backward(dy_hat)               # output -> input, storing dLoss/dW for every layer
    net.sgd_step(lr)                   # W <- W - lr * dLoss/dW

Shapes: ``X`` is (N, sizes[0]) with one sample per row; the output is (N, sizes[-1]). All
arithmetic is float64. Gradients are overwritten (not accumulated) by every ``backward``.
"""

import numpy as np

from .activations import ACTIVATIONS, log_softmax
from .normalization import BatchNorm

__all__ = [
    "Dense",
    "ActivationLayer",
    "Residual",
    "MLP",
    "mse_loss",
    "softmax_cross_entropy",
    "binary_cross_entropy_with_logits",
    "LOSSES",
]

INITS = {"normal": "normal", "xavier": "xavier", "glorot": "xavier", "he": "he", "kaiming": "he"}


# --------------------------------------------------------------------------------------------------
# Layers
# --------------------------------------------------------------------------------------------------


class Dense:
    """Fully connected layer ``u = x @ W + b``.

    Parameters
    ----------
    W : ndarray of shape (fan_in, fan_out)
        Weights; column j holds the weights into unit j.
    b : ndarray of shape (fan_out,), or None
        Biases; None for a layer without one (``u = x @ W``, PyTorch's ``bias=False``), as before
        batch normalization, which subtracts every constant added here.

    Attributes
    ----------
    W, b : ndarray (b None without a bias)
        The parameters.
    dW, db : ndarray or None
        dLoss/dW and dLoss/db from the last ``backward`` (db stays None without a bias).

    Examples
    --------
    >>> layer = Dense(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([0.5, -0.5]))
    >>> layer.forward(np.array([[1.0, 1.0]]))
    array([[4.5, 5.5]])
    >>> layer.backward(np.array([[1.0, -1.0]]))
    array([[-1., -1.]])
    >>> layer.dW
    array([[ 1., -1.],
           [ 1., -1.]])
    """

    def __init__(self, W, b=None):
        self.W = np.array(W, dtype=np.float64)
        self.b = None if b is None else np.array(b, dtype=np.float64)
        self.dW = None
        self.db = None
        self.x = None

    def forward(self, x, training=True):
        """u = x W + b (remembers x for the backward pass)."""
        self.x = x
        u = x @ self.W
        return u if self.b is None else u + self.b

    def backward(self, du):
        """Given dLoss/du, set dW = x^T du and db = sum_n du; return dLoss/dx = du W^T."""
        self.dW = self.x.T @ du
        if self.b is not None:
            self.db = du.sum(axis=0)
        return du @ self.W.T


class ActivationLayer:
    """An elementwise activation ``h = f(z)`` from ``lib.activations.ACTIVATIONS``.

    For ``"prelu"`` the slope ``a`` is a learnable parameter (one scalar per layer) and ``backward``
    sets its gradient ``da = sum over the batch and units of dLoss/dh * dh/da``.

    Parameters
    ----------
    name : str
        A key of ``ACTIVATIONS``.
    params : dict, optional
        Keyword parameters of the function, e.g. ``{"negative_slope": 0.1}``; for ``"prelu"``,
        ``{"a": ...}`` sets the starting slope (default 0.25).

    Attributes
    ----------
    z : ndarray or None
        The input (pre-activation) of the last ``forward``.
    dz, dh : ndarray or None
        dLoss/dz and dLoss/dh from the last ``backward``.
    slope : ndarray or None
        f'(z), the factor the last ``backward`` multiplied dLoss/dh by.
    a, da : float
        Only for ``"prelu"``: the slope and its gradient.

    Examples
    --------
    >>> act = ActivationLayer("relu")
    >>> act.forward(np.array([[-1.0, 2.0]]))
    array([[0., 2.]])
    >>> act.backward(np.array([[5.0, 5.0]]))
    array([[0., 5.]])
    >>> p = ActivationLayer("prelu", {"a": 0.1})
    >>> p.forward(np.array([[-1.0, 2.0]]))
    array([[-0.1,  2. ]])
    >>> _ = p.backward(np.array([[3.0, 1.0]]))
    >>> float(p.da)  # dh/da is z where z < 0, else 0: 3 * (-1)
    -3.0
    >>> p.derivative(np.array([-1.0, 2.0]))  # f'(z) with the layer's own slope a
    array([0.1, 1. ])
    """

    def __init__(self, name, params=None):
        if name not in ACTIVATIONS:
            raise ValueError(f"activation: unknown name {name!r}; choose from {sorted(ACTIVATIONS)}")
        self.name = name
        self.f = ACTIVATIONS[name]
        self.params = dict(params or {})
        self.learnable = name == "prelu"
        if self.learnable:
            self.a = float(self.params.pop("a", 0.25))
            self.da = None
        try:  # fail now, not in the middle of training, if a parameter does not fit the function
            self.f(np.zeros(1), **self._params())
        except TypeError as err:
            raise ValueError(
                f"activation_params: {self.params} do not fit activation {name!r} ({err})"
            ) from None
        self.z = self.dz = self.dh = self.slope = None

    def _params(self):
        return {**self.params, "a": self.a} if self.learnable else self.params

    def forward(self, z, training=True):
        """h = f(z) (remembers z)."""
        self.z = z
        return self.f(z, **self._params())

    def derivative(self, z):
        """f'(z) with this layer's parameters (its slope ``a`` for PReLU, ``negative_slope``...)."""
        return self.f.derivative(z, **self._params())

    def backward(self, dh):
        """Given dLoss/dh, return dLoss/dz = dLoss/dh * f'(z) (and set da for PReLU)."""
        self.dh = dh
        self.slope = self.derivative(self.z)
        self.dz = dh * self.slope
        if self.learnable:
            self.da = float(np.sum(dh * self.f.derivative_a(self.z, self.a)))
        return self.dz

    def __repr__(self):
        extra = f", a={self.a:g}" if self.learnable else ""
        return f"ActivationLayer({self.name!r}{extra})"


class Residual:
    """A skip connection around a hidden layer: ``h = x + f(x W + b)``.

    Its derivative is the identity plus the layer's own, ``I + diag(f'(z)) W^T`` on the way back, so
    the gradient passes the layer on the identity path whatever its slopes and weights do (He et
    al., 2016). The input and output widths must be equal.

    Parameters
    ----------
    layers : sequence
        The layers of the branch, e.g. ``[Dense, ActivationLayer]``, run in order.

    Examples
    --------
    >>> block = Residual([Dense([[0.0, 0.0], [0.0, 0.0]]), ActivationLayer("sigmoid")])
    >>> block.forward(np.array([[1.0, -1.0]]))        # x + sigmoid(0)
    array([[ 1.5, -0.5]])
    >>> block.backward(np.array([[1.0, 2.0]]))        # the identity's share; the branch adds 0
    array([[1., 2.]])
    """

    def __init__(self, layers):
        self.layers = list(layers)

    def forward(self, x, training=True):
        """h = x + branch(x)."""
        branch = x
        for layer in self.layers:
            branch = layer.forward(branch, training=training)
        return x + branch

    def backward(self, dh):
        """dLoss/dx = dLoss/dh (the identity) + what the branch passes back."""
        grad = dh
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return dh + grad


# --------------------------------------------------------------------------------------------------
# The network
# --------------------------------------------------------------------------------------------------


def _per_layer(value, n, name):
    """Repeat a single setting for n layers, or check that a list has n entries."""
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(f"{name}: expected one entry per hidden layer ({n}), got {len(value)}")
        return list(value)
    return [value] * n


class MLP:
    """Multilayer perceptron: hidden layers ``Dense -> [BatchNorm] -> activation``, then an output.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths from input to output, e.g. ``[2, 16, 16, 1]`` (two hidden layers of 16).
        ``[2, 3]`` is a single dense layer (logistic / softmax regression).
    rng : numpy.random.Generator
        Source of the random initial weights (and, by default, of the shuffling in ``train``).
    activation : str or list of str, default "relu"
        Hidden activation, a key of ``lib.activations.ACTIVATIONS``, or one per hidden layer.
        ``"prelu"`` makes each layer's slope ``a`` a learnable parameter.
    activation_params : dict or list of dict, optional
        Parameters of the hidden activation(s), e.g. ``{"negative_slope": 0.1}`` or ``{"a": 0.25}``.
    output : str or None, default None
        Activation on the output layer; None is the identity (outputs are logits or regression
        values, which is what ``softmax_cross_entropy`` and ``binary_cross_entropy_with_logits``
        expect).
    output_params : dict, optional
        Parameters of the output activation.
    init : {"he", "kaiming", "xavier", "glorot", "normal"}, default "he"
        Weight initialization, each entry drawn from a normal with mean 0 and standard deviation
        ``gain * sqrt(2 / fan_in)`` (He/Kaiming), ``gain * sqrt(2 / (fan_in + fan_out))``
        (Xavier/Glorot), or ``scale`` ("normal").
    scale : float, default 0.1
        Standard deviation for ``init="normal"`` (0 gives all-zero weights).
    gain : float, default 1.0
        Multiplier of the He and Xavier standard deviations.
    bias_init : float, default 0.0
        Constant that every hidden bias starts at (a negative value makes dead ReLUs). Output
        biases start at 0.
    batchnorm : bool, default False
        Insert a ``BatchNorm`` between each hidden dense layer and its activation.
    bias : bool or None, default None
        Whether the hidden dense layers have a bias. None: yes, unless batch normalization follows
        them, which subtracts any constant the bias adds (its gradient is 0), as ``bias=False``
        in PyTorch's ``nn.Linear``. The output layer always has one.
    residual : bool, default False
        Wrap every hidden layer whose input and output widths agree in a skip connection,
        ``h = x + f(x W + b)`` (:class:`Residual`).

    Attributes
    ----------
    layers : list
        Every layer in order (a skip connection as one :class:`Residual`); ``forward`` runs them in
        order and ``backward`` in reverse.
    dense : list of Dense
        The dense layers, one per entry of ``sizes[1:]``, with ``W``, ``b``, ``dW``, ``db``.
    norms : list of BatchNorm
        The batch-norm layers (empty unless ``batchnorm``), with ``gamma``, ``beta``, ``dgamma``,
        ``dbeta``, ``running_mean``, ``running_var``.
    acts : list of ActivationLayer
        One per dense layer; the last one is the output activation.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> net = MLP([2, 8, 1], rng=rng, activation="tanh", init="xavier")
    >>> net
    MLP([2, 8, 1], activation='tanh', output=None, init='xavier')
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    >>> y = np.array([0.0, 1.0, 1.0, 0.0])
    >>> y_hat = net.forward(X)                 # one training step, by hand
    >>> loss, dy_hat = mse_loss(y_hat, y)
    >>> dX = net.backward(dy_hat)
    >>> net.sgd_step(lr=0.1)
    >>> history = net.train(X, y, loss="mse", lr=0.1, epochs=500)   # the same step, 500 times
    >>> bool(history[-1] < 1e-4 < 0.1 < history[0])
    True
    >>> (net.predict(X).ravel() > 0.5).astype(int)
    array([0, 1, 1, 0])
    """

    def __init__(
        self,
        sizes,
        *,
        rng,
        activation="relu",
        activation_params=None,
        output=None,
        output_params=None,
        init="he",
        scale=0.1,
        gain=1.0,
        bias_init=0.0,
        batchnorm=False,
        bias=None,
        residual=False,
    ):
        sizes = [int(s) for s in sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"sizes: need at least two widths, each >= 1, got {sizes}")
        if not isinstance(rng, np.random.Generator):
            raise ValueError("rng: pass a numpy.random.Generator, e.g. np.random.default_rng(0)")
        if output is not None and output not in ACTIVATIONS:
            raise ValueError(f"output: unknown activation {output!r}; choose from {sorted(ACTIVATIONS)}")
        if init not in INITS:
            raise ValueError(f"init: unknown scheme {init!r}; choose from {sorted(INITS)}")
        if not scale >= 0:
            raise ValueError(f"scale: must be >= 0, got {scale}")
        if not gain >= 0:
            raise ValueError(f"gain: must be >= 0, got {gain}")
        if not np.isfinite(bias_init):
            raise ValueError(f"bias_init: must be finite, got {bias_init}")
        n_hidden = len(sizes) - 2
        hidden = _per_layer(activation, n_hidden, "activation")
        hidden_params = _per_layer(activation_params or {}, n_hidden, "activation_params")

        self.sizes, self.rng, self.init = sizes, rng, init
        self.activation, self.output, self.batchnorm = activation, output, bool(batchnorm)
        self.residual = bool(residual)
        hidden_bias = not self.batchnorm if bias is None else bool(bias)
        self.layers, self.dense, self.norms, self.acts = [], [], [], []
        for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            is_output = i == n_hidden
            std = {
                "normal": scale,
                "xavier": gain * np.sqrt(2.0 / (fan_in + fan_out)),
                "he": gain * np.sqrt(2.0 / fan_in),
            }[INITS[init]]
            W = rng.normal(0.0, std, size=(fan_in, fan_out))
            if is_output:
                b = np.zeros(fan_out)
            else:
                b = np.full(fan_out, float(bias_init)) if hidden_bias else None
            block = [Dense(W, b)]
            self.dense.append(block[0])
            if self.batchnorm and not is_output:
                self.norms.append(BatchNorm(fan_out))
                block.append(self.norms[-1])
            if is_output:
                act = ActivationLayer("linear" if output is None else output, output_params)
            else:
                act = ActivationLayer(hidden[i], hidden_params[i])
            self.acts.append(act)
            block.append(act)
            if self.residual and not is_output and fan_in == fan_out:
                self.layers.append(Residual(block))
            else:
                self.layers.extend(block)

    def __repr__(self):
        return (
            f"MLP({self.sizes}, activation={self.activation!r}, output={self.output!r}, "
            f"init={self.init!r}" + (", batchnorm=True" if self.batchnorm else "")
            + (", residual=True)" if self.residual else ")")
        )

    # ---- forward and backward ----------------------------------------------------------------

    def forward(self, X, training=True):
        """Run X (N, sizes[0]) through every layer; return the output (N, sizes[-1]).

        ``training`` matters only for batch normalization: batch statistics (and an update of the
        running statistics) when True, the running statistics when False.
        """
        h = self._check_X(X)
        for layer in self.layers:
            h = layer.forward(h, training=training)
        return h

    def backward(self, dout):
        """Backpropagate dLoss/doutput through every layer in reverse; return dLoss/dX.

        Sets the parameter gradients ``dW``, ``db`` (dense), ``dgamma``, ``dbeta`` (batch norm)
        and ``da`` (PReLU) of the last ``forward``.
        """
        if self.dense[0].x is None:
            raise ValueError("backward called before forward: run forward(X) first")
        grad = np.asarray(dout, dtype=np.float64)
        expected = (self.dense[0].x.shape[0], self.sizes[-1])
        if grad.shape != expected:
            raise ValueError(f"dout: expected shape {expected}, got {grad.shape}")
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return grad

    def sgd_step(self, lr):
        """Gradient descent on every parameter: p <- p - lr * dLoss/dp."""
        if not lr > 0:
            raise ValueError(f"lr: must be > 0, got {lr}")
        if self.dense[0].dW is None:
            raise ValueError("sgd_step called before backward: there are no gradients yet")
        for layer in self.dense:
            layer.W = layer.W - lr * layer.dW
            if layer.b is not None:
                layer.b = layer.b - lr * layer.db
        for layer in self.norms:
            layer.gamma = layer.gamma - lr * layer.dgamma
            layer.beta = layer.beta - lr * layer.dbeta
        for layer in self.acts:
            if layer.learnable:
                layer.a = layer.a - lr * layer.da

    def parameters(self):
        """List of ``(layer, name)`` for every parameter; its gradient is ``layer.d<name>``.

        Examples
        --------
        >>> net = MLP([2, 3, 1], rng=np.random.default_rng(0), activation="prelu", batchnorm=True)
        >>> [name for layer, name in net.parameters()]   # no bias before batch norm
        ['W', 'gamma', 'beta', 'a', 'W', 'b']
        """
        out = []
        for layer in self._flat_layers():
            if isinstance(layer, Dense):
                out += [(layer, "W")] + ([(layer, "b")] if layer.b is not None else [])
            elif isinstance(layer, BatchNorm):
                out += [(layer, "gamma"), (layer, "beta")]
            elif layer.learnable:
                out += [(layer, "a")]
        return out

    def _flat_layers(self):
        """Every layer in order, those inside a skip connection included."""
        for layer in self.layers:
            yield from layer.layers if isinstance(layer, Residual) else [layer]

    # ---- training ----------------------------------------------------------------------------

    def step(self, X, y, loss="mse", lr=0.1):
        """One training step on (X, y): forward, loss, backward, SGD update. Returns the loss.

        ``loss`` is a key of ``LOSSES`` ("mse", "cross_entropy", "bce") or a function
        ``loss(y_hat, y) -> (value, dvalue/dy_hat)``.
        """
        loss_fn = _loss_function(loss)
        y_hat = self.forward(X, training=True)
        value, dy_hat = loss_fn(y_hat, y)
        self.backward(dy_hat)
        self.sgd_step(lr)
        return value

    def train(self, X, y, loss="mse", lr=0.1, epochs=100, batch_size=None, rng=None, callback=None,
              drop_last=False):
        """Train with SGD; return the loss of every epoch (mean over its mini-batches).

        Parameters
        ----------
        X : array_like of shape (N, sizes[0])
        y : array_like
            Targets for ``loss``: values (mse), class indices or one-hot rows (cross_entropy),
            0/1 labels (bce).
        loss : str or callable, default "mse"
            A key of ``LOSSES`` or a function ``loss(y_hat, y) -> (value, dvalue/dy_hat)``.
        lr : float, default 0.1
            Learning rate.
        epochs : int, default 100
            Passes over the data set.
        batch_size : int or None, default None
            None uses the whole data set in every step (one step per epoch). Otherwise each epoch
            shuffles the samples and steps through mini-batches of this size; the last one is
            smaller when ``batch_size`` does not divide N.
        rng : numpy.random.Generator, optional
            Shuffles the mini-batches; defaults to the generator the network was built with.
        callback : callable, optional
            Called as ``callback(net, epoch, loss)`` after every epoch, e.g. to record weights. When
            it returns True, training stops after that epoch (for a run that has diverged, or one
            out of time).
        drop_last : bool, default False
            Skip each epoch's last, incomplete mini-batch, as ``drop_last=True`` does in PyTorch's
            ``DataLoader``: with batch normalization a small last batch is normalized by its own
            few samples' statistics, and a batch of one cannot be normalized at all.

        Returns
        -------
        ndarray of shape (epochs,)
            Each epoch's training loss, measured on the mini-batches before their updates; shorter
            when the callback stopped the training, one entry per epoch run.
        """
        X = self._check_X(X)
        loss_fn = _loss_function(loss)
        if not lr > 0:
            raise ValueError(f"lr: must be > 0, got {lr}")
        if int(epochs) != epochs or epochs < 0:
            raise ValueError(f"epochs: must be a non-negative integer, got {epochs}")
        n = X.shape[0]
        if batch_size is not None and (int(batch_size) != batch_size or batch_size < 1):
            raise ValueError(f"batch_size: must be None or an integer >= 1, got {batch_size}")
        full = n if batch_size is None else min(n, int(batch_size))
        last = full if drop_last else n % full or full  # the size of each epoch's last batch
        if self.batchnorm and min(full, last) == 1:
            raise ValueError(
                f"batch_size: batch normalization needs at least 2 samples per batch; with "
                f"{n} samples and batch_size={batch_size} a batch has 1 (pass drop_last=True "
                f"to skip the incomplete last batch, or another batch_size)")
        if rng is None:
            rng = self.rng
        elif not isinstance(rng, np.random.Generator):
            raise ValueError("rng: pass a numpy.random.Generator or None")
        y = np.asarray(y)
        if y.shape[0] != n:
            raise ValueError(f"y: expected {n} targets (one per row of X), got {y.shape[0]}")

        history = np.empty(int(epochs))
        for epoch in range(int(epochs)):
            if batch_size is None or batch_size >= n:
                batches = [slice(None)]
            else:
                order = rng.permutation(n)
                batches = [order[i : i + int(batch_size)] for i in range(0, n, int(batch_size))]
                if drop_last and len(batches[-1]) < batch_size:
                    batches.pop()
            total, count = 0.0, 0
            for idx in batches:
                X_batch = X[idx]
                value = self.step(X_batch, y[idx], loss_fn, lr)
                total += value * len(X_batch)
                count += len(X_batch)
            history[epoch] = total / count
            if callback is not None and callback(self, epoch, history[epoch]):
                return history[: epoch + 1]
        return history

    def predict(self, X):
        """The network's output in inference mode (batch norm uses its running statistics)."""
        return self.forward(X, training=False)

    # ---- diagnostics -------------------------------------------------------------------------

    @property
    def pre_activations(self):
        """What each activation received in the last ``forward``: a list of (N, width) arrays,
        one per dense layer (the last one is the output layer's)."""
        return [act.z for act in self.acts]

    def grad_norms(self, of="W"):
        """Per-layer Euclidean (Frobenius) norms of the gradients from the last ``backward``.

        Parameters
        ----------
        of : {"W", "b", "z", "h"}, default "W"
            "W": ||dLoss/dW|| of each dense layer. "b": ||dLoss/db||. "z": ||dLoss/dz|| for each
            layer's pre-activation z (what its activation receives). "h": ||dLoss/dh|| for each
            layer's activation output h. The last entry is the output layer.

        Returns
        -------
        ndarray of shape (len(sizes) - 1,)
            Entry 0 is the layer nearest the input. The norms are summed over the batch, so they
            depend on the batch (with a mean loss, each sample contributes about 1/N).

        Examples
        --------
        >>> rng = np.random.default_rng(0)
        >>> net = MLP([4, 8, 8, 8, 1], rng=rng, activation="sigmoid", init="normal", scale=1.0)
        >>> X = rng.normal(size=(32, 4))
        >>> _, dy_hat = mse_loss(net.forward(X), rng.normal(size=(32, 1)))
        >>> _ = net.backward(dy_hat)
        >>> norms = net.grad_norms("z")
        >>> norms.shape
        (4,)
        >>> bool(norms[0] < norms[-1])  # smaller far from the output: the gradient vanishes
        True
        """
        if of not in ("W", "b", "z", "h"):
            raise ValueError(f"of: expected 'W', 'b', 'z' or 'h', got {of!r}")
        if self.acts[-1].dz is None:
            raise ValueError("grad_norms called before backward: there are no gradients yet")
        grads = {
            "W": [layer.dW for layer in self.dense],
            "b": [np.zeros(0) if layer.b is None else layer.db for layer in self.dense],
            "z": [act.dz for act in self.acts],
            "h": [act.dh for act in self.acts],
        }[of]
        return np.array([np.linalg.norm(g) for g in grads])

    def dead_units(self, X, training=False):
        """Which hidden units never activate on the data set X.

        A unit "never activates" when its activation's derivative is exactly 0 for every sample
        of X, so no gradient can pass through it and its incoming weights cannot change (for ReLU:
        its pre-activation is <= 0 on every sample). Leaky ReLU, PReLU (a != 0) and the linear
        activation never have dead units; the step function's units are all dead.

        Parameters
        ----------
        X : array_like of shape (N, sizes[0])
        training : bool, default False
            Batch normalization mode for this forward pass (its running statistics are left
            unchanged either way).

        Returns
        -------
        list of ndarray of bool
            One boolean array of shape (width,) per hidden layer; True marks a dead unit.

        Notes
        -----
        This runs a forward pass, so it replaces the cached pre-activations of the last
        ``forward`` (gradients from the last ``backward`` are kept).
        """
        saved = [(bn.running_mean.copy(), bn.running_var.copy()) for bn in self.norms]
        self.forward(X, training=training)
        for bn, (mean, var) in zip(self.norms, saved):
            bn.running_mean, bn.running_var = mean, var
        return [np.all(act.derivative(act.z) == 0, axis=0) for act in self.acts[:-1]]

    def dead_fraction(self, X, training=False):
        """Fraction of units in each hidden layer that never activate on X (see ``dead_units``).

        Returns
        -------
        ndarray of shape (len(sizes) - 2,)

        Examples
        --------
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(100, 3))
        >>> MLP([3, 10, 10, 1], rng=rng).dead_fraction(X)  # at initialization, one unit is dead
        array([0. , 0.1])
        >>> MLP([3, 10, 10, 1], rng=rng, bias_init=-10.0).dead_fraction(X)
        array([1., 1.])
        """
        return np.array([dead.mean() for dead in self.dead_units(X, training=training)])

    def _check_X(self, X):
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ValueError(f"X: expected shape (N, {self.sizes[0]}), got {X.shape}")
        return X


# --------------------------------------------------------------------------------------------------
# Losses: each returns (loss, dloss/dprediction), the loss averaged over the samples
# --------------------------------------------------------------------------------------------------


def _targets_like(y_hat, y, name="y"):
    """y as float64 with y_hat's shape ((N,) targets for (N, 1) outputs are reshaped)."""
    y_hat = np.asarray(y_hat, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if y.shape != y_hat.shape:
        if y.size != y_hat.size:
            raise ValueError(f"{name}: shape {y.shape} does not match predictions {y_hat.shape}")
        y = y.reshape(y_hat.shape)
    return y_hat, y


def mse_loss(y_pred, y):
    """Mean squared error over all elements, and its gradient.

    L = mean((y_pred - y)^2), dL/dy_pred = 2 (y_pred - y) / y_pred.size.

    Parameters
    ----------
    y_pred : array_like
        Predictions, e.g. (N, 1).
    y : array_like
        Targets of the same shape, or of the same size (e.g. (N,) for (N, 1) predictions).

    Returns
    -------
    loss : float
    dy_pred : ndarray, shape of y_pred

    Examples
    --------
    >>> loss, grad = mse_loss(np.array([[1.0], [2.0]]), np.array([0.0, 4.0]))
    >>> loss
    2.5
    >>> grad
    array([[ 1.],
           [-2.]])
    """
    y_pred, y = _targets_like(y_pred, y)
    diff = y_pred - y
    return float(np.mean(diff**2)), 2.0 * diff / diff.size


def softmax_cross_entropy(logits, y):
    """Cross-entropy of softmax(logits) against labels, averaged over samples, and its gradient.

    L = -(1/N) sum_n sum_c y_nc log softmax(logits)_nc, dL/dlogits = (softmax(logits) - y) / N.
    Uses ``log_softmax`` (log-sum-exp), so any finite logits are safe.

    Parameters
    ----------
    logits : array_like of shape (N, C)
    y : array_like
        Integer class indices of shape (N,) in [0, C), or one-hot (or probability) rows (N, C).

    Returns
    -------
    loss : float
    dlogits : ndarray of shape (N, C)

    Examples
    --------
    >>> loss, grad = softmax_cross_entropy(np.array([[2.33, -1.46, 0.56]]), np.array([0]))
    >>> round(loss, 4)  # -log(0.83827)
    0.1764
    >>> np.round(grad, 4)  # p - y
    array([[-0.1617,  0.0189,  0.1428]])
    """
    logits = np.asarray(logits, dtype=np.float64)
    if logits.ndim != 2:
        raise ValueError(f"logits: expected shape (N, C), got {logits.shape}")
    n, c = logits.shape
    y = np.asarray(y)
    if y.ndim == 1:
        if y.shape[0] != n or not np.issubdtype(y.dtype, np.integer) or y.min(initial=0) < 0 or (
            y.max(initial=0) >= c
        ):
            raise ValueError(f"y: expected {n} integer labels in [0, {c}), got {y!r}")
        y = np.eye(c)[y]
    elif y.shape != (n, c):
        raise ValueError(f"y: expected labels (N,) or one-hot rows {(n, c)}, got shape {y.shape}")
    y = np.asarray(y, dtype=np.float64)
    log_p = log_softmax(logits, axis=-1)
    loss = -np.sum(y * log_p) / n
    return float(loss), (np.exp(log_p) - y) / n


def binary_cross_entropy_with_logits(logits, y):
    """Binary cross-entropy of sigmoid(logits) against 0/1 labels, averaged, and its gradient.

    ``L = mean(log(1 + e^z) - y z)``, computed as ``max(z, 0) - y z + log(1 + e^-|z|)`` so that no
    exponential overflows; ``dL/dz = (sigmoid(z) - y) / z.size``.

    Parameters
    ----------
    logits : array_like
        Logits z, e.g. (N, 1).
    y : array_like
        Labels (or probabilities) in [0, 1], same shape or same size as logits.

    Returns
    -------
    loss : float
    dlogits : ndarray, shape of logits

    Examples
    --------
    >>> loss, grad = binary_cross_entropy_with_logits(np.array([[0.0], [1000.0]]), [1, 1])
    >>> round(loss, 6)  # (log 2 + 0) / 2
    0.346574
    >>> grad
    array([[-0.25],
           [ 0.  ]])
    """
    z, y = _targets_like(logits, y)
    loss = np.mean(np.maximum(z, 0.0) - y * z + np.log1p(np.exp(-np.abs(z))))
    return float(loss), (ACTIVATIONS["sigmoid"](z) - y) / z.size


LOSSES = {
    "mse": mse_loss,
    "cross_entropy": softmax_cross_entropy,
    "bce": binary_cross_entropy_with_logits,
}


def _loss_function(loss):
    if callable(loss):
        return loss
    if loss not in LOSSES:
        raise ValueError(f"loss: unknown name {loss!r}; choose from {sorted(LOSSES)} or a function")
    return LOSSES[loss]
