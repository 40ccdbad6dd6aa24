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


# ---- the data sets and the new measurements -------------------------------------------------------

def test_wave_is_the_target_on_a_fixed_grid():
    X, y = experiments.wave()
    assert X.shape == y.shape == (81, 1) and X[0, 0] == -2.0 and X[-1, 0] == 2.0
    np.testing.assert_array_equal(y, np.sin(2.5 * X) + 0.3 * X)


def test_rings_depend_on_the_seed_and_not_on_the_weights_stream():
    X1, y1 = experiments.rings(1)
    X1_again, _ = experiments.rings(1)
    X2, _ = experiments.rings(2)
    np.testing.assert_array_equal(X1, X1_again)
    assert not np.allclose(X1, X2)
    assert X1.shape == (200, 2) and y1.tolist() == [0, 1] * 100
    radius = np.hypot(*X1.T)
    assert abs(radius[y1 == 0].mean() - 0.5) < 0.05 and abs(radius[y1 == 1].mean() - 1.0) < 0.05
    # the points do not come from the stream that gives the weights (default_rng(seed))
    angles = np.random.default_rng(1).uniform(0, 2 * np.pi, 200)
    assert not np.allclose(np.arctan2(X1[:, 1], X1[:, 0]) % (2 * np.pi), angles, atol=0.3)


def test_least_squares_loss_is_the_minimum_over_affine_maps():
    rng = np.random.default_rng(0)
    H, y = rng.normal(size=(50, 3)), rng.normal(size=50)
    best = experiments.least_squares_loss(H, y)
    for _ in range(20):  # no other affine map does better
        W, b = rng.normal(size=3), rng.normal()
        assert np.mean((H @ W + b - y) ** 2) >= best
    assert experiments.least_squares_loss(H, H @ [1.0, -2.0, 0.5] + 3.0) == pytest.approx(0.0, abs=1e-25)


def test_best_line_accuracy_finds_a_separating_line_and_no_more():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 2))
    y = (X @ [1.0, 2.0] > 0.3).astype(int)
    assert experiments.best_line_accuracy(X, y) == 1.0
    # XOR: no line gets more than 3 of 4
    assert experiments.best_line_accuracy([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0]) == 0.75


def test_output_std_against_closed_forms():
    assert experiments.output_std("linear", c=2.0) == pytest.approx(2.0, abs=1e-9)
    # ReLU: E[f^2] = 1/2, E[f] = 1/sqrt(2 pi)
    assert experiments.output_std("relu") == pytest.approx(np.sqrt(0.5 - 1 / (2 * np.pi)), abs=1e-9)


def test_fit_wave_and_prelu_slopes_are_cached_and_shaped():
    first = experiments.fit_wave("tanh", 1, width=4, epochs=20)
    assert experiments.fit_wave("tanh", 1, width=4, epochs=20) is first
    assert first["prediction"].shape == (81, 1) and first["history"].shape == (20,)
    run = experiments.prelu_slopes(2, epochs=5)
    assert run["slopes"].shape == (6, 2) and run["slopes"][0].tolist() == [0.25, 0.25]
    assert experiments.fit_wave.cache_info().maxsize == 32


def test_nanoseconds_per_element_is_positive():
    assert experiments.nanoseconds_per_element("relu", np.zeros(1000), repeat=2) > 0


# Claims the chapter makes ----------------------------------------------------------------------------
# Each test asserts one sentence of chapter 1 over the seeds the chapter uses (experiments.SEEDS),
# with the same calls the chapter makes.

SEEDS = experiments.SEEDS


def test_claim_step_units_pass_no_gradient_to_the_hidden_layer():
    """"In all five runs the hidden layer's gradient is exactly 0 and its weights and biases did
    not change at all; only the output layer ... learned." """
    for seed in SEEDS:
        run = experiments.step_network(seed)
        assert run["grad_norms"][0] == 0.0 and run["hidden_change"] == 0.0
        assert run["grad_norms"][1] > 0 and run["history"][-1] < run["history"][0]


def test_claim_step_network_ends_at_the_floor_of_its_fixed_features():
    """"The hidden layer can only tell x < 0, x = 0 and x > 0 apart ... the best any output layer
    can do ... is 0.3380 in every run. The runs end at 0.3380–0.3387, at that floor." """
    floors = experiments.over_seeds(lambda s: experiments.step_network(s)["floor"])
    ends = experiments.over_seeds(lambda s: experiments.step_network(s)["history"][-1])
    assert all(experiments.step_network(s)["patterns"] == 3 for s in SEEDS)
    assert floors.max - floors.min < 1e-12 and round(float(floors.max), 4) == 0.3380
    assert np.all(ends.values >= floors.values) and np.all(ends.values - floors.values < 1e-3)


def test_claim_collapsed_layer_agrees_to_a_few_ulp():
    """"The two agree to rounding error: their largest difference ... is [a few] ulp of the largest
    output." (the chapter's 3-5-2 network, with random weights and biases)"""
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        layers = [(rng.normal(size=(3, 5)), rng.normal(size=5)), (rng.normal(size=(5, 2)), rng.normal(size=2))]
        X = rng.normal(size=(1000, 3))
        out = (X @ layers[0][0] + layers[0][1]) @ layers[1][0] + layers[1][1]
        W, b = experiments.combine_linear(layers)
        assert np.abs(out - (X @ W + b)).max() <= 4 * np.spacing(np.abs(out).max())


def test_claim_deep_linear_network_learns_a_linear_target():
    """"In every run every layer got a non-zero gradient, and the loss went from 11.0–15.6 to at most
    2.8e-31 ... d output / d input is the same for every sample, (3, -2)." """
    start = experiments.over_seeds(lambda s: experiments.deep_linear_fit(s)["first_loss"])
    end = experiments.over_seeds(lambda s: experiments.deep_linear_fit(s)["final_loss"])
    assert start.min > 10 and end.max < 1e-30
    for seed in SEEDS:
        run = experiments.deep_linear_fit(seed)
        assert np.all(run["first_grad_norms"] > 1)
        np.testing.assert_allclose(run["input_slopes"], np.tile([3.0, -2.0], (200, 1)), atol=1e-12)


def test_claim_linear_network_reaches_only_the_best_line():
    """"In every run the linear network ends exactly at the loss of the least-squares line, 0.4992." """
    line = experiments.best_line_loss(*experiments.wave())
    losses = experiments.wave_losses("linear")
    np.testing.assert_allclose(losses.values, line, rtol=1e-9)
    assert round(line, 4) == 0.4992


def test_claim_tanh_fits_the_wave_in_every_run():
    """"With tanh in all five runs (losses 0.0090–0.0107)." """
    losses = experiments.wave_losses("tanh")
    assert losses.max < 0.011 and losses.min > 0.009


def test_claim_relu_fits_the_wave_in_four_runs_of_five():
    """"With ReLU in 4 of 5 (0.0009–0.0060). The fifth ReLU run, seed 5, ends at 0.1706 ... Still,
    every non-linear run ends below the best straight line." """
    losses = experiments.wave_losses("relu")
    close = losses.values < 0.01
    assert losses.count(close) == 4 and not close[SEEDS.index(5)]
    assert losses.values[SEEDS.index(5)] > 0.1
    line = experiments.best_line_loss(*experiments.wave())
    assert losses.max < line and experiments.wave_losses("tanh").max < line


def test_claim_linear_boundary_stays_below_the_best_line():
    """"In every run it gets 51.0–59.0 % of the training points right ... the best of all [lines]
    gets 67.5–71.0 %." """
    linear = experiments.ring_accuracies("linear", 16)
    best = experiments.best_line_accuracies()
    assert 0.5 <= linear.min and linear.max < 0.6
    assert 0.67 <= best.min and best.max <= 0.72
    assert np.all(linear.values < best.values)


def test_claim_relu_encloses_the_rings_in_every_run():
    """"The ReLU network encloses the inner ring and gets 100 % in all five runs." """
    assert experiments.ring_accuracies("relu", 16).min == 1.0


def test_claim_linear_accuracy_does_not_depend_on_width():
    """ex-predict-explorer: "The explorer shows the same accuracy at both widths for seed 1, and so
    does every seed." """
    np.testing.assert_array_equal(experiments.ring_accuracies("linear", 2).values,
                                  experiments.ring_accuracies("linear", 16).values)


def test_claim_two_units_never_enclose_the_ring():
    """"With two hidden units no run reaches 95 %: the best of the fifteen gets 84.5 %." """
    best = max(experiments.ring_accuracies(name, 2, lr=1.0).max for name in ("relu", "tanh", "sigmoid"))
    assert best < 0.9


@pytest.mark.parametrize("name, runs", [("tanh", 5), ("sigmoid", 3), ("relu", 2)])
def test_claim_three_units_enclose_the_ring_in_k_of_5(name, runs):
    """"... a region that gets 95 % or more in 5 of 5 runs with tanh, 3 of 5 with sigmoid and 2 of 5
    with ReLU (its other runs stop at 65.0–87.0 %)." """
    acc = experiments.ring_accuracies(name, 3, lr=1.0)
    assert acc.count(acc.values >= 0.95) == runs
    if name == "relu":
        short = acc.values[acc.values < 0.95]
        assert 0.6 < short.min() and short.max() < 0.9


def test_claim_sigmoid_encloses_the_ring_with_four_times_the_learning_rate():
    """"The sigmoid is slower at this step size, not unable: with a learning rate four times larger
    ... it reaches 95 % in 5 of 5 runs." """
    acc = experiments.ring_accuracies("sigmoid", 3, lr=4.0)
    assert acc.count(acc.values >= 0.95) == 5


def test_claim_prelu_slopes_leave_zero_one():
    """"In every run both slopes moved at least 0.20 away from their start. The second layer's ended
    negative in all five runs ..., the first layer's in 3 of 5." """
    learned = np.array([experiments.prelu_slopes(seed)["slopes"][-1] for seed in SEEDS])
    assert np.abs(learned - 0.25).min() >= 0.2
    assert np.all(learned[:, 1] < 0) and int((learned[:, 0] < 0).sum()) == 3


def test_claim_selu_has_mean_zero_and_variance_one():
    """"These constants were chosen so that standard-normal inputs give outputs with mean 0 and
    variance 1: the integrals printed above give exactly that, and the million samples agree to
    within 0.002." """
    assert experiments.mean_output("selu") == pytest.approx(0.0, abs=1e-8)
    assert experiments.output_std("selu") == pytest.approx(1.0, abs=1e-8)
    sample = act.selu(np.random.default_rng(5).normal(size=1_000_000))
    assert abs(sample.mean()) < 0.002 and abs(sample.std() - 1) < 0.002


def test_claim_gelu_approximations_stay_close():
    """"x sigma(1.702 x) is never more than 0.020 away from it ... the two [forms] differ by at most
    4.73e-04." """
    x = np.linspace(-20, 20, 400_001)
    assert np.abs(act.gelu(x, approximate="tanh") - act.gelu(x)).max() < 4.74e-4
    assert np.abs(act.gelu(x) - act.swish(x, beta=1.702)).max() < 0.021


def test_claim_relu_with_a_negative_threshold_outputs_negative_values():
    """"With theta < 0 ... the range is (theta, inf) and holds negative values." """
    x = np.linspace(-5, 5, 1001)
    y = act.relu(x, threshold=-2.0)
    assert y.min() > -2.0 and y.min() < -1.9 and np.all(y[x <= -2.0] == 0)
