"""Experiments of the Activations chapter: the collapse of linear layers, decision regions, mean outputs."""

import numpy as np
import pytest
from scipy.special import ndtr

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


def test_train_classifier_linear_cannot_do_xor():
    X, y = xor_data()
    first = experiments.train_classifier(X, y, "linear", 4, epochs=300)
    assert first["accuracy"] <= 0.75
    again = experiments.train_classifier(X, y, "linear", 4, epochs=300)   # trained again, alike
    np.testing.assert_array_equal(again["history"], first["history"])
    tanh = experiments.train_classifier(X, y, "tanh", 4, epochs=300)
    assert tanh["accuracy"] == 1.0
    np.testing.assert_allclose(tanh["grid"], experiments.region_grid(tanh["net"].predict))
    assert tanh["history"].shape == (300,) and tanh["history"][-1] < tanh["history"][0]


def test_ring_run_is_cached_with_a_bound():
    run = experiments.ring_run("tanh", 3, 2, epochs=20)
    assert experiments.ring_run("tanh", 3, 2, epochs=20) is run
    assert experiments.ring_run.cache_info().maxsize == 64


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


def test_best_accuracy_line_gets_the_accuracy_it_reports():
    for seed in (1, 4):
        X, y = experiments.rings(seed)
        line = experiments.best_accuracy_line(X, y)
        w, b = line["coef"][:2], line["coef"][2]
        assert np.linalg.norm(w) == pytest.approx(1.0)
        assert np.mean((X @ w + b > 0) == (y == 1)) == line["accuracy"]
    # class 1 below the cut: the line turns round
    X = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]])
    line = experiments.best_accuracy_line(X, [1, 1, 0])
    assert line["accuracy"] == 1.0 and np.all((X @ line["coef"][:2] + line["coef"][2] > 0) == [1, 1, 0])


def test_line_cross_entropy_is_the_minimum_over_the_steepness():
    X, y = experiments.rings(3)
    coef = experiments.best_accuracy_line(X, y)["coef"]
    best = experiments.line_cross_entropy(X, y, coef)
    A = np.c_[X, np.ones(len(X))]
    for s in (0.0, 0.1, 0.3, 1.0, 3.0):
        p = act.sigmoid(s * (A @ coef))
        assert -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)) >= best - 1e-12
    assert best <= np.log(2)


def test_cross_entropy_line_is_the_minimum_of_the_logistic_loss():
    X, y = experiments.rings(2)
    line = experiments.cross_entropy_line(X, y)
    A = np.c_[X, np.ones(len(X))]

    def loss(coef):
        p = act.sigmoid(A @ coef)
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    assert line["loss"] == pytest.approx(loss(line["coef"]), rel=1e-12)
    gradient = A.T @ (act.sigmoid(A @ line["coef"]) - y) / len(y)
    assert np.abs(gradient).max() < 1e-12
    rng = np.random.default_rng(0)
    for _ in range(20):  # every other line has a larger loss
        assert loss(line["coef"] + 0.05 * rng.normal(size=3)) > line["loss"]
    assert line["accuracy"] == np.mean(((A @ line["coef"]) > 0) == (y == 1))


def test_mean_output_scales_the_input():
    # E[relu(s Z)] = s / sqrt(2 pi)
    assert experiments.mean_output("relu", std=3.0) == pytest.approx(3 / np.sqrt(2 * np.pi), abs=3e-9)
    assert experiments.mean_output("relu", std=3.0) == pytest.approx(3 * experiments.mean_output("relu"),
                                                                     rel=1e-12)
    assert experiments.mean_output("tanh", std=0.2) == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(ValueError, match="std"):
        experiments.mean_output("relu", std=0.0)


def test_ring_run_is_train_classifier_on_the_seeds_rings():
    X, y = experiments.rings(3)
    run = experiments.ring_run("tanh", 3, 3, epochs=20)
    direct = experiments.train_classifier(X, y, "tanh", 3, epochs=20, seed=3)
    np.testing.assert_array_equal(run["history"], direct["history"])
    np.testing.assert_array_equal(run["grid"], direct["grid"])
    assert experiments.ring_accuracy("tanh", 3, 3, epochs=20) == run["accuracy"]


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


def test_claim_both_networks_of_a_seed_start_from_the_same_weights(monkeypatch):
    """"For each seed, both networks start from the same weights (Xavier initialization, whatever
    the activation), so the activation is the only thing that differs between them." """
    built = []

    class Recording(experiments.MLP):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            built.append([(d.W.copy(), d.b.copy()) for d in self.dense])

    monkeypatch.setattr(experiments, "MLP", Recording)
    for seed in SEEDS:
        built.clear()
        for name in ("linear", "tanh", "relu"):
            experiments.fit_wave.__wrapped__(name, seed, epochs=1)
        for name in ("linear", "relu"):
            experiments.ring_run.__wrapped__(name, 16, seed, epochs=1)
        wave_starts, ring_starts = built[:3], built[3:]
        for starts in (wave_starts, ring_starts):
            for other in starts[1:]:
                for (W0, b0), (W, b) in zip(starts[0], other):
                    np.testing.assert_array_equal(W, W0)
                    np.testing.assert_array_equal(b, b0)
    # and the start is Xavier's: Var(W) = 2 / (fan_in + fan_out)
    W = np.concatenate([experiments.MLP([64, 64], rng=np.random.default_rng(s),
                                        init="xavier").dense[0].W.ravel() for s in SEEDS])
    assert W.var() == pytest.approx(2 / 128, rel=0.05)


def test_claim_tanh_and_relu_fit_the_wave_in_every_run():
    """"The same architecture with a non-linear activation bends to follow the curve, in all five
    runs with either function: the tanh networks end at 0.0090–0.0107, the ReLU networks at
    0.0060–0.0087, every run at least 46 times below the best straight line." """
    line = experiments.best_line_loss(*experiments.wave())
    tanh, relu = experiments.wave_losses("tanh"), experiments.wave_losses("relu")
    assert 0.0085 < tanh.min and tanh.max < 0.011
    assert 0.0055 < relu.min and relu.max < 0.009
    assert np.all(np.r_[tanh.values, relu.values] * 46 < line)


def test_claim_linear_network_is_the_line_of_least_cross_entropy():
    """"In every run its loss is the least cross-entropy any straight line reaches on those points,
    and its accuracy is that line's ... its loss, 0.6742–0.6926, is at most 0.019 below ln 2." """
    for seed in SEEDS:
        run = experiments.ring_run("linear", 16, seed)
        line = experiments.cross_entropy_line(*experiments.rings(seed))
        assert run["history"][-1] == pytest.approx(line["loss"], abs=1e-9)
        assert run["accuracy"] == line["accuracy"]
        assert 0 < np.log(2) - line["loss"] < 0.02


def test_claim_linear_widths_2_and_16_reach_the_same_line():
    """ex-predict-explorer (a): "the same accuracy at both widths ... every seed, to the last digit
    ... training takes both to the same one, the line of least cross-entropy." """
    for seed in SEEDS:
        line = experiments.cross_entropy_line(*experiments.rings(seed))
        for width in (2, 16):
            run = experiments.ring_run("linear", width, seed)
            assert run["accuracy"] == line["accuracy"]
            assert run["history"][-1] == pytest.approx(line["loss"], abs=1e-6)


def test_claim_cross_entropy_ranks_the_most_accurate_line_lower():
    """"The most accurate line, at its best steepness, has a higher cross-entropy than the trained
    network in every seed (the last column against the fourth)." """
    for seed in SEEDS:
        X, y = experiments.rings(seed)
        line = experiments.best_accuracy_line(X, y)
        trained = experiments.ring_run("linear", 16, seed)
        assert line["accuracy"] > trained["accuracy"]
        assert experiments.line_cross_entropy(X, y, line["coef"]) > trained["history"][-1]


def test_claim_linear_boundary_falls_short_of_the_best_line():
    """"In every run it gets 51.0–59.0 % of the training points right ... the line with the most
    points right gets 67.5–71.0 %, 12.0–18.0 points more than the trained network in each seed." """
    linear = experiments.ring_accuracies("linear", 16)
    best = experiments.best_line_accuracies()
    assert 0.5 <= linear.min and linear.max < 0.6
    assert 0.67 <= best.min and best.max <= 0.72
    gap = best.values - linear.values
    assert 0.1 < gap.min() and gap.max() < 0.2


def test_claim_the_result_does_not_depend_on_the_initialization():
    """"From He initialization the linear networks end at the same accuracies, 51.0–59.0 %, and the
    ReLU networks again at 100 % in every run." """
    np.testing.assert_array_equal(experiments.ring_accuracies("linear", 16, init="he").values,
                                  experiments.ring_accuracies("linear", 16).values)
    assert experiments.ring_accuracies("relu", 16, init="he").min == 1.0


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


@pytest.mark.parametrize("name, runs", [("tanh", 5), ("sigmoid", 3), ("relu", 3)])
def test_claim_three_units_enclose_the_ring_in_k_of_5(name, runs):
    """"... a region that gets 95 % or more in 5 of 5 runs with tanh, 3 of 5 with sigmoid and 3 of 5
    with ReLU (its other runs stop at 69.5–70.0 %)" (and quiz ch1-relu-universal: "training found
    such a region in only 3 of 5 runs")."""
    acc = experiments.ring_accuracies(name, 3, lr=1.0)
    assert acc.count(acc.values >= 0.95) == runs
    if name == "relu":
        short = acc.values[acc.values < 0.95]
        assert 0.65 < short.min() and short.max() < 0.75


def test_claim_sigmoid_encloses_the_ring_with_four_times_the_learning_rate():
    """"... and so it does in 800 steps with a learning rate four times larger, in 5 of 5 runs." """
    acc = experiments.ring_accuracies("sigmoid", 3, lr=4.0, epochs=800)
    assert acc.count(acc.values >= 0.95) == 5


def test_claim_sigmoid_encloses_the_ring_when_trained_twice_as_long():
    """"The sigmoid is slower at this step size, not unable: trained twice as long, 1600 steps, it
    reaches 95 % or more in 5 of 5 runs (98.0–99.5 %)", where 800 steps reach it in 3 of 5."""
    short = experiments.ring_accuracies("sigmoid", 3, lr=1.0, epochs=800)
    long = experiments.ring_accuracies("sigmoid", 3, lr=1.0, epochs=1600)
    assert short.count(short.values >= 0.95) == 3
    assert long.count(long.values >= 0.95) == 5
    assert (round(100 * long.min, 1), round(100 * long.max, 1)) == (98.0, 99.5)


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


def test_claim_relu_with_a_negative_threshold_and_a_cap_keeps_the_band():
    """"With a negative threshold and a cap ... lib gives -1 (the last line below)": lib passes the
    inputs between theta and 0 with a cap too, where Keras clips them to 0."""
    np.testing.assert_array_equal(act.relu([-3.0, -1.0, 2.0, 5.0], threshold=-2.0, max_value=3.0),
                                  [0.0, -1.0, 2.0, 3.0])
    x = np.linspace(-5, 10, 1501)
    y = act.relu(x, threshold=-2.0, max_value=3.0)
    assert y.min() > -2.0 and y.max() == 3.0  # the range (theta, m]


def test_claim_relu_jumps_at_a_threshold_and_is_monotone_only_for_theta_at_least_0():
    """"For theta != 0 there is no kink at 0 but a jump at theta, by |theta|: up for theta > 0, down
    for theta < 0, so the function is monotone for theta >= 0 only." """
    h = 1e-9
    for theta in (-2.0, 1.5):
        left, right = act.relu([theta, theta + h], threshold=theta)
        assert right - left == pytest.approx(theta, abs=1e-8)
        x = np.linspace(-5, 5, 10001)
        assert bool(np.all(np.diff(act.relu(x, threshold=theta)) >= 0)) == (theta >= 0)
        # no kink at 0: the slopes on both sides of 0 agree
        d = act.relu.derivative([-1e-3, 1e-3], threshold=theta)
        assert d[0] == d[1]


def test_claim_leaky_relu_mean_is_1_minus_a_times_relus():
    """"For 0 < a < 1 ... the mean output for symmetric inputs is still positive, just smaller:
    (1 - a) times ReLU's ... a = 1 is the identity (mean 0, no kink), and a > 1 turns the mean
    negative." """
    relu_mean = experiments.mean_output("relu")
    for a in (0.01, 0.3, 1.0, 1.5):
        mean = experiments.mean_output("leaky_relu", negative_slope=a)
        assert mean == pytest.approx((1 - a) * relu_mean, abs=1e-12)
    np.testing.assert_array_equal(act.leaky_relu.derivative([-1e-3, 1e-3], negative_slope=1.0), [1, 1])


def test_claim_only_odd_functions_are_zero_centred_at_every_spread():
    """ex-zero-centred: "It is not odd, so that holds for this one distribution only: with a smaller
    or larger spread of inputs its mean moves away from 0." (printed: -0.0548 and +0.2548)"""
    for std in (0.5, 2.0):
        assert abs(experiments.mean_output("linear", std=std)) < 1e-12
        assert abs(experiments.mean_output("tanh", std=std)) < 1e-12
    assert experiments.mean_output("selu", std=0.5) == pytest.approx(-0.0548, abs=1e-4)
    assert experiments.mean_output("selu", std=2.0) == pytest.approx(0.2548, abs=1e-4)
    assert abs(experiments.mean_output("selu")) < 1e-8


def test_claim_open_range_ends_are_reached_in_float64():
    """"Near such an end the exact value is closer to the end than to any other float64, and rounds
    to it: 1 - tanh(20) is about 8.5e-18, far less than the gap of 1.1e-16 ... and e^(-10^6) is so
    small that it rounds to 0." """
    assert np.tanh(20.0) == 1.0 and np.tanh(-20.0) == -1.0
    assert 2 * np.exp(-40) < (1 - np.nextafter(1.0, 0.0)) / 2
    assert act.sigmoid(40.0) == 1.0 and act.sigmoid(-1e6) == 0.0
    assert act.softplus(-1e6) == 0.0 and act.elu(-1e6) == -1.0


def test_claim_the_step_reaches_only_two_values():
    """The properties table: "values reached" for the step is the set {0, 1}, not an interval."""
    wide = np.concatenate([-np.geomspace(1e6, 1e-6, 400), np.linspace(-8, 8, 16001),
                           np.geomspace(1e-6, 1e6, 400)])
    assert np.unique(act.step(wide)).tolist() == [0.0, 1.0]
    for name in set(act.ACTIVATIONS) - {"step"}:
        assert np.unique(act.ACTIVATIONS[name](wide)).size > 2


def test_claim_tanhshrink_does_not_set_small_inputs_to_zero():
    """Every activation: "Softshrink and hardshrink set small inputs to exactly 0 (tanhshrink,
    x - tanh x, only makes them small)"."""
    small = np.array([-0.4, -0.01, 0.01, 0.1, 0.4])
    assert np.all(act.softshrink(small) == 0) and np.all(act.hardshrink(small) == 0)
    shrunk = act.tanhshrink(small)
    assert np.all(shrunk != 0) and np.all(np.abs(shrunk) < np.abs(small) / 10)
    near = np.abs(small) <= 0.1
    np.testing.assert_allclose(shrunk[near], small[near] ** 3 / 3, rtol=0.01)
