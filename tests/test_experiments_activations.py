"""Experiments of the Activations chapter: the collapse of linear layers, decision regions, mean outputs."""

import numpy as np
import pytest
from scipy.special import ndtr

from lib.experiments import BoundedCache
from lib import activations as act
from lib.experiments import activations as experiments


# ---- three linear layers collapse -------------------------------------------------------------

def test_combine_linear_matches_the_stack_of_layers():
    rng = np.random.default_rng(0)
    for widths in ([3, 5, 4, 2], [2, 6, 6, 1], [4, 4]):
        layers = [(rng.normal(size=(a, b)), rng.normal(size=b)) for a, b in zip(widths[:-1], widths[1:])]
        X = rng.normal(size=(7, widths[0]))
        h = X
        for W, b in layers:
            h = h @ W + b
        W, b = experiments.combine_linear(layers)
        assert W.shape == (widths[0], widths[-1]) and b.shape == (widths[-1],)
        np.testing.assert_allclose(X @ W + b, h, rtol=1e-12, atol=1e-12)


def test_combine_linear_leaves_the_layers_alone():
    layers = [(np.eye(2), np.ones(2)), (2 * np.eye(2), np.zeros(2))]
    W, b = experiments.combine_linear(layers)
    W[...] = 0
    assert layers[0][0][0, 0] == 1.0 and layers[0][1][0] == 1.0


# ---- decision regions ----------------------------------------------------------------------------

def xor_data():
    X = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]] * 5)
    X = X + 0.1 * np.random.default_rng(0).normal(size=X.shape)
    y = ((X[:, 0] > 0) != (X[:, 1] > 0)).astype(int)
    return X, y


def test_region_grid_orientation():
    p = experiments.region_grid(lambda P: P[:, 1] * 10, lim=1.0, n=5)
    assert p.shape == (5, 5)
    assert p[0, 2] < 0.01 and p[-1, 2] > 0.99  # row 0 is the bottom (y = -1)
    np.testing.assert_allclose(p[:, 0], p[:, 4])  # the logit does not depend on x


def test_train_classifier_is_cached_and_linear_cannot_do_xor():
    X, y = xor_data()
    first = experiments.train_classifier(X, y, "linear", 4, epochs=300)
    assert experiments.train_classifier(X, y, "linear", 4, epochs=300) is first
    assert first["accuracy"] <= 0.75
    tanh = experiments.train_classifier(X, y, "tanh", 4, epochs=300)
    assert tanh["accuracy"] == 1.0
    np.testing.assert_allclose(tanh["grid"], experiments.region_grid(tanh["net"].predict))
    assert tanh["history"].shape == (300,) and tanh["history"][-1] < tanh["history"][0]


def test_train_classifier_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(experiments, "TRAINED", BoundedCache(3))
    X, y = xor_data()
    results = [experiments.train_classifier(X, y, "relu", width, epochs=5) for width in (1, 2, 3, 4, 5)]
    assert len(experiments.TRAINED) == 3
    assert experiments.train_classifier(X, y, "relu", 5, epochs=5) is results[-1]
    assert experiments.train_classifier(X, y, "relu", 1, epochs=5) is not results[0]  # forgotten


def test_the_module_level_cache_has_a_bound():
    assert isinstance(experiments.TRAINED, BoundedCache) and experiments.TRAINED.maxsize == 64


# ---- zero-centred ------------------------------------------------------------------------------

def test_mean_output_against_closed_forms():
    assert experiments.mean_output("relu") == pytest.approx(1 / np.sqrt(2 * np.pi), abs=1e-9)
    assert experiments.mean_output("sigmoid") == pytest.approx(0.5, abs=1e-9)
    assert experiments.mean_output("gelu") == pytest.approx(1 / (2 * np.sqrt(np.pi)), abs=1e-9)  # E[Z Phi(Z)]
    assert experiments.mean_output("linear", c=3.0) == pytest.approx(0.0, abs=1e-12)
    # ELU: E[Z; Z>0] + E[e^Z - 1; Z<0] = 1/sqrt(2 pi) + e^{1/2} Phi(-1) - 1/2
    assert experiments.mean_output("elu") == pytest.approx(
        1 / np.sqrt(2 * np.pi) + np.exp(0.5) * ndtr(-1) - 0.5, abs=1e-9)
    # the parameter reaches the function: ELU with alpha = 2 doubles the negative part
    assert experiments.mean_output("elu", alpha=2.0) == pytest.approx(
        1 / np.sqrt(2 * np.pi) + 2 * (np.exp(0.5) * ndtr(-1) - 0.5), abs=1e-9)


def test_zero_centred_set():
    assert experiments.zero_centred_names() == {"linear", "tanh", "selu"}
    assert experiments.zero_centred_names(tol=0.2) >= {"linear", "tanh", "selu", "elu"}


# ---- the bounded cache ---------------------------------------------------------------------------

def test_bounded_cache_forgets_the_least_recently_used():
    cache = BoundedCache(2)
    cache[1] = "a"
    cache[2] = "b"
    assert cache.get(1) == "a"
    cache[3] = "c"
    assert cache.keys() == [1, 3] and cache.values() == ["a", "c"] and 2 not in cache
    assert cache.get(2, "missing") == "missing"
    del cache[1]
    assert len(cache) == 1
    cache.clear()
    assert len(cache) == 0
    with pytest.raises(ValueError, match="maxsize"):
        BoundedCache(0)


# ---- curves (the page "Every activation") -------------------------------------------------------

@pytest.mark.parametrize("name", list(act.ALL_ACTIVATIONS))
def test_curves_are_lib_values_on_the_window(name):
    c = experiments.curves(name, n=41)
    f = act.ALL_ACTIVATIONS[name]
    low, high = experiments.WINDOWS.get(name, (-4.0, 4.0))
    assert c["window"] == (low, high)
    np.testing.assert_array_equal(c["x"], np.linspace(low, high, 41))
    np.testing.assert_array_equal(c["f"], f(c["x"]))
    np.testing.assert_array_equal(c["df"], f.derivative(c["x"]))


def test_curves_window_reaches_relu6_cap():
    c = experiments.curves("relu6")
    assert c["f"].max() == 6.0 and c["x"].max() > 6.0
