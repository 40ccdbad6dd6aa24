"""Experiments of the Normalization chapter: scaling, the batch-statistics stream, which axes, references."""

import numpy as np
import pytest

from lib.experiments import SEEDS
from lib.experiments import normalization as experiments
from lib.network import MLP
from lib.normalization import BatchNorm, layer_norm, min_max_scale, rms_norm, standardize


def test_scaled_with_outlier_uses_lib():
    raw, z, mm = experiments.scaled_with_outlier(300.0)
    np.testing.assert_array_equal(raw, np.append(experiments.SCORES, 300.0))
    np.testing.assert_allclose(z, standardize(raw), rtol=1e-15)
    np.testing.assert_allclose(mm, min_max_scale(raw), rtol=1e-15)


@pytest.mark.parametrize("momentum", [0.3, None])
def test_batch_statistics_follow_batchnorm(momentum):
    stream = experiments.batch_stream()[:20]
    means, running, variances, running_var = experiments.batch_statistics(stream, 8, momentum)
    bn = BatchNorm(1, momentum=momentum)
    for t, row in enumerate(stream):
        bn.forward(row[:8, None])
        assert means[t] == pytest.approx(row[:8].mean(), rel=1e-14)
        assert variances[t] == pytest.approx(row[:8].var(), rel=1e-12)
        assert running[t] == pytest.approx(bn.running_mean[0], rel=1e-14)
        assert running_var[t] == pytest.approx(bn.running_var[0], rel=1e-14)


def test_small_batches_give_noisier_batch_means():
    stream = experiments.batch_stream()
    spread = [experiments.batch_statistics(stream, b, 0.1)[0].std() for b in (2, 8, 32, 128)]
    assert all(a > b for a, b in zip(spread, spread[1:]))


def test_normalize_dispatches_to_lib():
    x = experiments.example_tensor()
    np.testing.assert_allclose(experiments.normalize(x, "batch"), BatchNorm(x.shape[1]).forward(x))
    np.testing.assert_allclose(experiments.normalize(x, "layer"), layer_norm(x))
    np.testing.assert_allclose(experiments.normalize(x, "rms"), rms_norm(x))
    with pytest.raises(ValueError, match="method"):
        experiments.normalize(x, "group")


def test_loss_grid_evaluates_the_loss_at_every_pair():
    loss = lambda w: 3 * w[..., 0] ** 2 + w[..., 1]  # noqa: E731
    w1, w2 = np.linspace(-1, 2, 7), np.linspace(-1, 1, 5)
    Z = experiments.loss_grid(loss, w1, w2)
    assert Z.shape == (5, 7)
    np.testing.assert_allclose(Z, 3 * w1[None, :] ** 2 + w2[:, None], rtol=1e-15)


def test_stream_statistics_are_the_cached_statistics_of_the_stream():
    means, running, variances, running_var = experiments.stream_statistics(16, 0.2)
    want = experiments.batch_statistics(experiments.batch_stream(), 16, 0.2)
    for got, expected in zip((means, running, variances, running_var), want):
        np.testing.assert_array_equal(got, expected)
    assert experiments.stream_statistics(16, 0.2)[0] is means
    assert experiments.stream_statistics.cache_info().maxsize == 256


def test_first_sample_effect_separates_batch_norm_from_per_sample_norms():
    x = experiments.example_tensor()
    for method in experiments.NORMALIZATIONS:
        scaled, y, moved = experiments.first_sample_effect(x, method, 10.0)
        np.testing.assert_array_equal(scaled[1:], x[1:])
        np.testing.assert_allclose(scaled[0], 10 * x[0], rtol=1e-15)
        np.testing.assert_allclose(y, experiments.normalize(scaled, method), rtol=1e-15)
        assert moved == np.abs(y[1:] - experiments.normalize(x, method)[1:]).max()
        assert (moved > 0.1) == (method == "batch")
    assert experiments.first_sample_effect(x, "batch", 1.0)[2] == 0.0
    assert x[0, 0] == experiments.example_tensor()[0, 0]  # the input is left alone


def test_example_tensor_has_features_of_different_scales():
    x = experiments.example_tensor()
    assert x.shape == (4, 5) and x.std(axis=0)[-1] > 2 * x.std(axis=0)[0]
    np.testing.assert_array_equal(x, experiments.example_tensor())
    assert experiments.example_tensor(n=3, c=2).shape == (3, 2)


def test_batchnorm_forward_reference_scales_and_shifts_the_normalized_batch():
    rng = np.random.default_rng(4)
    x = rng.normal(2.0, 3.0, size=(6, 3))
    gamma, beta = rng.normal(size=3), rng.normal(size=3)
    x_hat = (x - x.mean(0)) / np.sqrt(x.var(0) + 0.5)
    np.testing.assert_allclose(experiments.batchnorm_forward_reference(x, gamma, beta, 0.5),
                               gamma * x_hat + beta, rtol=1e-13)


def test_eval_reference_follows_the_running_statistics_by_hand():
    batch, x = experiments.EVAL_BATCH, experiments.EVAL_X
    m, n = 0.1, len(batch)
    mean, var = batch.mean(), batch.var()
    running_mean, running_var = 0.0, 1.0
    for _ in range(experiments.EVAL_STEPS):
        running_mean = (1 - m) * running_mean + m * mean
        running_var = (1 - m) * running_var + m * var * n / (n - 1)
    want = (x - running_mean) / np.sqrt(running_var + 1e-5)
    assert experiments.eval_prediction_reference() == pytest.approx(want, rel=1e-12)
    assert experiments.eval_prediction_reference(momentum=1.0) == pytest.approx(
        (x - mean) / np.sqrt(var * n / (n - 1) + 1e-5), rel=1e-12)


# ---- images: batch, layer, instance and group normalization --------------------------------------

@pytest.mark.parametrize("method", experiments.IMAGE_NORMALIZATIONS)
@pytest.mark.parametrize("index", [(0, 0, 0, 0), (2, 3, 1, 2), (3, 5, 2, 0)])
def test_shared_values_are_the_outputs_that_move_when_one_input_moves(method, index):
    x = experiments.image_tensor()
    before = experiments.normalize_images(x, method, num_groups=3)
    moved = x.copy()
    moved[index] += 5.0
    after = experiments.normalize_images(moved, method, num_groups=3)
    changed = np.abs(after - before) > 1e-9
    np.testing.assert_array_equal(changed, experiments.shared_values(method, x.shape, index, 3))


@pytest.mark.parametrize("method", experiments.IMAGE_NORMALIZATIONS)
@pytest.mark.parametrize("shape, groups", [((4, 6, 3, 3), 2), ((2, 4, 2, 3), 4), ((3, 6, 1, 2), 3)])
def test_statistics_count_is_the_number_of_distinct_sets(method, shape, groups):
    sets = {experiments.shared_values(method, shape, index, groups).tobytes()
            for index in np.ndindex(*shape)}
    assert experiments.statistics_count(method, shape, groups) == len(sets)


def test_statistics_count_of_the_quiz_batch():
    counts = [experiments.statistics_count(m, (32, 16, 8, 8), 4)
              for m in experiments.IMAGE_NORMALIZATIONS]
    assert counts == [16, 32, 512, 128]


def test_normalize_images_uses_each_methods_own_axes():
    x = experiments.image_tensor()
    for method, axes in (("batch", (0, 2, 3)), ("layer", (1, 2, 3)), ("instance", (2, 3))):
        y = experiments.normalize_images(x, method)
        np.testing.assert_allclose(y.mean(axis=axes), 0, atol=1e-12)
        var = x.var(axis=axes, keepdims=True)
        np.testing.assert_allclose(y, (x - x.mean(axis=axes, keepdims=True)) / np.sqrt(var + 1e-5),
                                   rtol=1e-10, atol=1e-12)
    g = x.reshape(4, 2, 3, 3, 3)
    want = (g - g.mean(axis=(2, 3, 4), keepdims=True)) / np.sqrt(g.var(axis=(2, 3, 4), keepdims=True) + 1e-5)
    np.testing.assert_allclose(experiments.normalize_images(x, "group", 2), want.reshape(x.shape),
                               rtol=1e-10, atol=1e-12)
    with pytest.raises(ValueError, match="method"):
        experiments.normalize_images(x, "rms")


# ---- momentum=None ---------------------------------------------------------------------------------

def test_cumulative_running_mean_is_the_average_of_the_batch_means():
    means = [2.0, 4.0, 9.0, -1.0]
    assert experiments.cumulative_running_mean(means) == pytest.approx(np.mean(means), abs=1e-14)
    ema = 0.0
    for m in means:
        ema = 0.9 * ema + 0.1 * m
    assert experiments.cumulative_running_mean(means, momentum=0.1) == pytest.approx(ema, abs=1e-14)
    assert experiments.cumulative_running_mean(means, momentum=1.0) == pytest.approx(-1.0)


# ---- a deep network on the digits --------------------------------------------------------------------

def test_digits_network_places_batch_norm_before_or_after_the_activation():
    from lib.network import ActivationLayer, Dense
    from lib.normalization import BatchNorm
    nets = {p: experiments.digits_network(p, sizes=(4, 3, 3, 2)) for p in experiments.PLACEMENTS}
    kinds = {p: [type(layer) for layer in net.layers] for p, net in nets.items()}
    assert kinds["none"] == [Dense, ActivationLayer] * 3
    assert kinds["before"] == [Dense, BatchNorm, ActivationLayer] * 2 + [Dense, ActivationLayer]
    assert kinds["after"] == [Dense, ActivationLayer, BatchNorm] * 2 + [Dense, ActivationLayer]
    assert [d.b is None for d in nets["before"].dense] == [True, True, False]   # cancelled by BN
    assert [d.b is None for d in nets["after"].dense] == [False, False, False]  # the sigmoid between
    assert [d.b is None for d in nets["none"].dense] == [False, False, False]
    first = [experiments.digits_network(p).dense[0].W for p in experiments.PLACEMENTS]
    np.testing.assert_array_equal(first[0], first[1])
    np.testing.assert_array_equal(first[0], first[2])
    with pytest.raises(ValueError, match="placement"):
        experiments.digits_network("between")


@pytest.mark.parametrize("placement", experiments.PLACEMENTS)
def test_digits_network_backward_matches_central_differences(placement):
    from lib.derivatives import numerical_gradient
    net = experiments.digits_network(placement, sizes=(5, 4, 4, 3))
    rng = np.random.default_rng(8)
    X, dout = rng.normal(size=(6, 5)), rng.normal(size=(6, 3))     # random upstream gradient
    net.forward(X)
    dX = net.backward(dout)
    analytic = [dX] + [getattr(layer, "d" + name).copy() for layer, name in net.parameters()]

    def loss_of(layer, name):
        def loss(value):
            saved = getattr(layer, name)
            setattr(layer, name, value)
            out = np.sum(dout * net.forward(X))
            setattr(layer, name, saved)
            return out
        return loss

    numeric = [numerical_gradient(lambda v: np.sum(dout * net.forward(v)), X)]
    numeric += [numerical_gradient(loss_of(layer, name), getattr(layer, name))
                for layer, name in net.parameters()]
    for a, n in zip(analytic, numeric):       # a bias just before a batch norm has gradient 0
        np.testing.assert_allclose(a, n, rtol=1e-6, atol=1e-9)
    assert max(np.abs(n).max() for n in numeric) > 1e-2


def test_seed_generators_are_independent_and_reproducible():
    a = [g.normal(size=3) for g in experiments.seed_generators(4)]
    b = [g.normal(size=3) for g in experiments.seed_generators(4)]
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert not np.allclose(a[0], a[1]) and not np.allclose(a[1], a[2])
    assert not np.allclose(a[0], experiments.seed_generators(5)[0].normal(size=3))


def test_activation_spread_is_the_std_over_inputs_averaged_over_units():
    net = MLP([3, 4, 5, 1], rng=np.random.default_rng(2), activation="tanh", init="xavier")
    X = np.random.default_rng(3).normal(size=(40, 3))
    spread, slope = experiments.activation_spread(net, X)
    h1 = np.tanh(X @ net.dense[0].W + net.dense[0].b)
    h2 = np.tanh(h1 @ net.dense[1].W + net.dense[1].b)
    np.testing.assert_allclose(spread, [h1.std(axis=0).mean(), h2.std(axis=0).mean()], rtol=1e-12)
    np.testing.assert_allclose(slope, [(1 - h1 ** 2).mean(), (1 - h2 ** 2).mean()], rtol=1e-12)


def test_deep_regression_keeps_numbers_and_is_cached():
    run = experiments.deep_regression(True, seed=2, epochs=3)
    assert run.losses.shape == (3,) and run.final_loss == run.losses[-1]
    assert run.spread.shape == (12,)
    assert run.shrink == pytest.approx((run.spread[-1] / run.spread[0]) ** (1 / 11), rel=1e-12)
    assert experiments.deep_regression(True, seed=2, epochs=3) is run
    with pytest.raises(ValueError):
        run.losses[0] = 1.0


def test_spread_of_turns_runs_into_spreads_per_field():
    runs = [experiments.deep_regression(False, seed=s, epochs=2) for s in (1, 2, 3)]
    s = experiments.spread_of(runs, seeds=(1, 2, 3))
    np.testing.assert_array_equal(s.mean_slope.values, [r.mean_slope for r in runs])
    assert s.losses.values.shape == (3, 2) and s.mean_slope.seeds == (1, 2, 3)


def test_digits_split_holds_out_validation_images_from_the_training_set():
    from lib.datasets import digits
    data, full = experiments.digits_split(3), digits()
    assert len(data.y_train) + len(data.y_val) == len(full.y_train)
    together = sorted(row.tobytes() for row in np.vstack([data.X_train, data.X_val]))
    assert together == sorted(row.tobytes() for row in full.X_train)     # a split, nothing lost
    np.testing.assert_array_equal(data.X_test, full.X_test)
    assert len(data.y_train) == 17 * 64 + 4
    assert not np.array_equal(experiments.digits_split(4).y_val, data.y_val)
    with pytest.raises(ValueError):
        data.X_train[0, 0] = 1.0


def test_recalibrate_averages_equal_batches_and_leaves_weights_alone():
    net = MLP([2, 3, 3, 1], rng=np.random.default_rng(0), batchnorm=True)
    X = np.random.default_rng(1).normal(2.0, 1.0, size=(10, 2))
    W = [d.W.copy() for d in net.dense]
    experiments.recalibrate(net, X, batch_size=4)            # batches 0-3 and 4-7; 8-9 left out
    u = [X[:4] @ net.dense[0].W, X[4:8] @ net.dense[0].W]
    np.testing.assert_allclose(net.norms[0].running_mean, (u[0].mean(0) + u[1].mean(0)) / 2)
    np.testing.assert_allclose(net.norms[0].running_var,
                               (u[0].var(0, ddof=1) + u[1].var(0, ddof=1)) / 2)
    assert all(np.array_equal(d.W, w) for d, w in zip(net.dense, W))
    assert [bn.momentum for bn in net.norms] == [0.1, 0.1]


@pytest.mark.parametrize("drop_last", [True, False])
def test_train_digits_steps_the_last_epoch_as_mlp_train_would(drop_last):
    """The last epoch, stepped batch by batch, gives what MLP.train gives for all the epochs."""
    run = experiments.train_digits("after", seed=2, drop_last=drop_last, epochs=2)
    data = experiments.digits_split(2)
    net = experiments.digits_network("after", seed=2)
    losses = net.train(data.X_train, data.y_train, loss="cross_entropy", lr=0.1, epochs=2,
                       batch_size=64, rng=experiments.seed_generators(2)[2], drop_last=drop_last)
    np.testing.assert_allclose(run.losses, losses, rtol=1e-12)
    accuracy = float(np.mean(net.predict(data.X_val).argmax(1) == data.y_val))
    assert run.val_accuracy == accuracy
    assert run.last_batch == (64 if drop_last else 4)
    experiments.recalibrate(net, data.X_train)
    assert run.recalibrated_val_accuracy == float(np.mean(net.predict(data.X_val).argmax(1) == data.y_val))


def test_label_entropy_is_the_loss_of_the_class_frequencies():
    y = np.array([0, 0, 1, 2])
    p = np.array([0.5, 0.25, 0.25])
    assert experiments.label_entropy(y, classes=3) == pytest.approx(-np.sum(p * np.log(p)))
    assert experiments.label_entropy(np.arange(10)) == pytest.approx(np.log(10))


def test_final_running_means_are_the_last_running_mean_of_each_stream():
    finals = experiments.final_running_means(((8, 0.2), (2, 0.5)), streams=3)
    for k in range(3):
        stream = experiments.batch_stream(k)
        assert finals[0, k] == experiments.batch_statistics(stream, 8, 0.2)[1][-1]
        assert finals[1, k] == experiments.batch_statistics(stream, 2, 0.5)[1][-1]


def test_running_mean_prediction_follows_the_moving_average_by_hand():
    m, steps, n = 0.3, 7, 4
    weights = [m * (1 - m) ** (steps - 1 - t) for t in range(steps)]
    mean, std = experiments.running_mean_prediction(n, m, steps=steps, mean=2.0, std=3.0)
    assert mean == pytest.approx(2.0 * sum(weights))
    assert std == pytest.approx(np.sqrt(sum(w ** 2 for w in weights) * 9.0 / n))


def test_cumulative_statistics_is_batchnorm_with_momentum_none():
    batches = [[1.0, 3.0], [2.0, 4.0, 9.0]]
    mean, var = experiments.cumulative_statistics(batches)
    assert mean == pytest.approx((2.0 + 5.0) / 2)
    assert var == pytest.approx((np.var([1, 3], ddof=1) + np.var([2, 4, 9], ddof=1)) / 2)


def test_batchnorm_dx_is_the_layers_backward_and_each_variant_drops_its_term():
    rng = np.random.default_rng(6)
    x, dy, gamma = rng.normal(1.0, 2.0, (6, 3)), rng.normal(size=(6, 3)), rng.normal(1.0, 0.3, 3)
    bn = BatchNorm(3)
    bn.gamma = gamma
    bn.forward(x)
    np.testing.assert_allclose(experiments.batchnorm_dx(x, dy, gamma), bn.backward(dy),
                               rtol=1e-10, atol=1e-12)
    s = np.sqrt(x.var(0) + 1e-5)
    g, x_hat = gamma * dy, (x - x.mean(0)) / s
    np.testing.assert_allclose(experiments.batchnorm_dx(x, dy, gamma, without="mean"),
                               (6 * g - x_hat * (g * x_hat).sum(0)) / (6 * s), rtol=1e-10)
    np.testing.assert_allclose(experiments.batchnorm_dx(x, dy, gamma, without="variance"),
                               (6 * g - g.sum(0)) / (6 * s), rtol=1e-10)
    with pytest.raises(ValueError, match="without"):
        experiments.batchnorm_dx(x, dy, gamma, without="both")


def test_scales_problem_and_descend():
    X, y = experiments.scales_problem(2)
    np.testing.assert_allclose(X.mean(0), 0, atol=1e-12)
    np.testing.assert_allclose(X.std(0), [1, 10], rtol=0.15)
    run = experiments.descend(X, y, np.zeros(2))
    np.testing.assert_allclose(run.path[-1], run.w_star, atol=1e-2)
    assert run.steps == len(run.path) - 1 <= run.bound
    lam = np.linalg.eigvalsh(2 * X.T @ X / len(X))
    assert run.condition == pytest.approx(lam[-1] / lam[0])
    Xb, yb = experiments.scales_problem(2, means=(3.0, 30.0))
    np.testing.assert_array_equal(Xb[:, 2], 1.0)
    np.testing.assert_allclose(Xb[:, :2].mean(0), [3, 30], rtol=0.1)


def test_feature_scaling_describes_the_same_model_in_each_form():
    runs = experiments.feature_scaling(3)
    X, y = experiments.scales_problem(3)
    # the standardized minimum is the raw one, rescaled
    np.testing.assert_allclose(runs["standardized"].w_star, runs["raw"].w_star * X.std(0), rtol=1e-10)
    spread = experiments.descent_spread(seeds=(3,))
    assert spread["raw"].steps.values[0] == runs["raw"].steps


def test_pixel_scaling_counts_the_pixels():
    from lib.datasets import digits
    X = digits().X_train
    p = experiments.pixel_scaling()
    assert np.count_nonzero(X[:, p.pixel]) == p.inked
    assert p.largest_z == pytest.approx(np.abs(standardize(X)).max())
    assert p.blank_pixels == int(np.sum(X.max(0) == 0))


def test_bias_effect_refuses_an_unknown_placement():
    with pytest.raises(ValueError, match="placement"):
        experiments.bias_effect("none")


# --------------------------------------------------------------------------------------------------
# Claims the chapter makes

def test_claim_no_z_score_passes_sqrt_n_minus_1_and_a_far_outlier_reaches_it():
    """"no |z| exceeds sqrt(n - 1) ... an outlier moved far enough away approaches it"."""
    bound = np.sqrt(len(experiments.SCORES))                     # n = 13 with the outlier
    zs = [experiments.scaled_with_outlier(o)[1][-1] for o in (120.0, 400.0, 1e6)]
    assert all(z < bound for z in zs) and zs == sorted(zs)
    assert zs[-1] == pytest.approx(bound, rel=1e-5)
    assert (len(experiments.SCORES)) / np.sqrt(13) < zs[1]       # the ddof=1 bound is not it


def test_claim_standardized_uniform_data_stay_within_about_sqrt_3():
    """"standardized uniform data stay within about +-sqrt(3) = +-1.73"."""
    z = standardize(np.random.default_rng(5).uniform(size=10_000))
    assert 1.70 < np.abs(z).max() < 1.74


def test_claim_a_pixel_inked_once_reaches_the_largest_z_score():
    """"A single faint trace of ink in one image becomes a z-score of 36.70, the largest ..."."""
    p = experiments.pixel_scaling()
    assert p.inked == 1 and p.largest_z == pytest.approx(p.bound, rel=1e-12)
    assert p.bound == pytest.approx(np.sqrt(1347))


def test_claim_standardizing_cuts_the_steps_from_hundreds_to_a_handful():
    """"gradient descent needs 507-680 steps on the raw features and 2-5 on the standardized"."""
    runs = experiments.descent_spread()
    assert runs["raw"].steps.min >= 400 and runs["standardized"].steps.max <= 6
    for d in runs.values():                                        # each within its bound
        assert np.all(d.steps.values <= d.bound.values)


def test_claim_centring_is_needed_when_the_model_has_a_bias():
    """"Divided by their standard deviations only ... condition numbers of 364-606 ...; centred as
    well, the condition number falls to 1.0-1.4"."""
    runs = experiments.descent_spread(centred=False)
    assert runs["scaled only"].condition.min > 100 and runs["scaled only"].steps.min > 50
    assert runs["standardized"].condition.max < 1.5 and runs["standardized"].steps.max <= 6
    for d in runs.values():
        assert np.all(d.steps.values <= d.bound.values)


def test_claim_a_constant_dy_cannot_detect_a_missing_variance_term():
    """"it cannot detect a missing variance term ... A missing mean term it does catch"."""
    rng = np.random.default_rng(3)
    x, gamma = rng.normal(2.0, 3.0, (5, 3)), rng.normal(1.0, 0.5, 3)
    ones, dy = np.ones((5, 3)), rng.normal(size=(5, 3))
    right = experiments.batchnorm_dx(x, dy, gamma)
    assert np.abs(experiments.batchnorm_dx(x, ones, gamma, without="variance")).max() < 1e-12
    assert np.abs(experiments.batchnorm_dx(x, ones, gamma, without="mean")).max() > 0.1
    for without in ("variance", "mean"):          # a random dy catches both
        wrong = experiments.batchnorm_dx(x, dy, gamma, without=without)
        assert np.abs(wrong - right).max() > 0.1 * np.abs(right).max()


def test_claim_momentum_none_averages_the_batches_statistics_not_the_datas():
    """"close to the variance of all the values together but not equal to it, and every batch
    counts the same whatever its size"."""
    batches = experiments.batch_stream()[:, :32]
    mean, var = experiments.cumulative_statistics(batches)
    assert mean == pytest.approx(batches.mean(), rel=1e-12)       # equal batches: the same mean
    assert 1e-3 < abs(var - batches.var(ddof=1)) < 0.05
    unequal = [[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [20.0, 22.0]]
    assert experiments.cumulative_statistics(unequal)[0] == pytest.approx(12.75)
    assert np.mean(np.concatenate(unequal)) == pytest.approx(7.8)


def test_claim_the_running_means_over_500_streams_agree_with_the_prediction():
    """"printed beside the measurement": means within 3 standard errors, spreads within 3 of a
    spread's standard errors (the measured 0.757 is a low draw, about two below 0.816)."""
    settings = ((128, 0.01), (2, 0.5), (32, 0.1))
    finals = experiments.final_running_means(settings)
    for (size, m), final in zip(settings, finals):
        mean, std = experiments.running_mean_prediction(size, m)
        assert abs(final.mean() - mean) < 3 * std / np.sqrt(final.size)
        assert abs(final.std() / std - 1) < 3 / np.sqrt(2 * (final.size - 1))


def test_claim_which_running_mean_ends_closer_is_one_streams_luck():
    """"(a) is closer on only 61 % of the streams ... (a) ends near 2.60 every time"."""
    finals = experiments.final_running_means(((128, 0.01), (2, 0.5), (32, 0.1)))
    closer = np.mean(np.abs(finals[0] - 3) < np.abs(finals[1] - 3))
    assert 0.5 < closer < 0.7
    assert finals[0].std() < 0.02 < 0.5 < finals[1].std()
    assert finals[2].std() < 0.1 and abs(finals[2].mean() - 3) < 0.02


def test_claim_without_batch_norm_the_deep_regression_predicts_the_mean():
    """"Without normalization the network ends, in every seed, at the loss of predicting the mean"."""
    s = experiments.regression_spread(False)
    assert np.all(np.abs(s.inference_loss.values / s.mean_loss.values - 1) < 0.01)


def test_claim_with_batch_norm_the_deep_regression_learns():
    """"the loss falls to 0.011-0.054 in inference mode", far below predicting the mean."""
    s, plain = experiments.regression_spread(True), experiments.regression_spread(False)
    assert np.all(s.inference_loss.values < 0.35 * s.mean_loss.values)
    assert s.inference_loss.max < plain.inference_loss.min


def test_claim_the_spread_shrinks_by_the_mean_slope_per_layer_without_batch_norm():
    """"each layer multiplies the spread by 0.227-0.248, close to its mean slope ... as the Xavier
    argument predicts"; with batch norm "every layer's spread stays near 0.22"."""
    plain, normed = experiments.regression_spread(False), experiments.regression_spread(True)
    np.testing.assert_allclose(plain.shrink.values, plain.mean_slope.values, rtol=0.1)
    assert plain.spread.values[:, -1].max() < 1e-7
    assert np.all((normed.spread.values > 0.19) & (normed.spread.values < 0.24))


def test_claim_batch_norm_lowers_the_mean_slope():
    """"batch norm *lowers* the mean slope, to 0.203 from 0.236"."""
    plain, normed = experiments.regression_spread(False), experiments.regression_spread(True)
    assert np.all(normed.mean_slope.values < plain.mean_slope.values - 0.02)


def test_claim_the_gradient_reaches_the_first_layer_only_with_batch_norm():
    """"The gradient reaching the first layer is 6.0e-10-3.0e-08 times the last layer's" without;
    "0.3-5.0 times" with."""
    plain, normed = experiments.regression_spread(False), experiments.regression_spread(True)
    assert plain.gradient_ratio.max < 1e-6
    assert 0.1 < normed.gradient_ratio.min and normed.gradient_ratio.max < 10


def test_claim_the_inference_loss_is_of_the_size_of_the_training_loss_with_batch_norm():
    """"The inference-mode loss ... is of the same size as the last training loss"."""
    s = experiments.regression_spread(True)
    assert np.all((s.inference_loss.values > s.final_loss.values / 3)
                  & (s.inference_loss.values < 3 * s.final_loss.values))


def test_claim_the_digits_without_batch_norm_stay_at_chance():
    """"the training loss stays at 2.308-2.313, next to ln 10 ... validation accuracy ... chance
    level, in every seed"."""
    s = experiments.digits_spread("none")
    assert np.all(np.abs(s.final_loss.values - np.log(10)) < 0.015)
    assert s.val_accuracy.max < 0.15
    entropy = experiments.label_entropy(experiments.digits_split(1).y_train)
    assert entropy <= s.final_loss.min < np.log(10) + 0.015


def test_claim_the_digits_signal_fades_by_the_mean_slope_per_layer():
    """"each sigmoid layer multiplies the spread of its outputs by about its mean slope, a factor
    near 1/4"; with batch norm "every layer's spread stays near 0.21"."""
    for seed in SEEDS:
        spread, slope = experiments.digits_signal("none", seed)
        np.testing.assert_allclose(spread[1:] / spread[:-1], slope[1:], rtol=0.1)
        assert spread[-1] < 1e-4
        before, _ = experiments.digits_signal("before", seed)
        assert np.all((before > 0.19) & (before < 0.23))


def test_claim_the_digits_with_batch_norm_reach_95_percent_in_every_seed():
    """"the validation accuracy is 94.9-96.9 % in every seed" (and 96.1-98.0 % after)."""
    for placement in ("before", "after"):
        assert experiments.digits_spread(placement).val_accuracy.min > 0.94


def test_claim_a_bias_before_batch_norm_has_no_gradient_and_no_effect():
    """"Before the sigmoid the bias's gradient is 2.1e-16, rounding error ... After the sigmoid the
    bias is a real parameter"."""
    before, after = experiments.bias_effect("before"), experiments.bias_effect("after")
    assert before.largest_db < 1e-14 < 1e-3 < before.largest_dW
    assert before.output_change < 1e-12
    assert after.largest_db > 1e-3 and after.output_change > 0.1


def test_claim_with_equal_batches_the_placements_tie():
    """"Seed by seed the validation accuracy after the sigmoid minus the one before it runs from
    -0.4 to +1.6 points ... every difference within about the binomial standard error"."""
    gap = (experiments.digits_spread("after").val_accuracy.values
           - experiments.digits_spread("before").val_accuracy.values)
    standard_error = np.sqrt(0.96 * 0.04 / experiments.DIGITS_VALIDATION)
    assert np.all(np.abs(gap) <= 1.5 * standard_error)
    assert not np.all(gap > 0) and not np.all(gap < 0)


def test_claim_after_the_sigmoid_the_training_loss_is_lower_in_every_seed():
    """"The training loss after the sigmoid is lower in every seed"."""
    after, before = experiments.digits_spread("after"), experiments.digits_spread("before")
    assert after.final_loss.max < before.final_loss.min


def test_claim_just_before_the_last_step_the_kept_batch_has_done_no_lasting_harm():
    """"Just before the last step both networks are about as accurate as with equal batches"."""
    for placement in ("before", "after"):
        kept = experiments.digits_spread(placement, drop_last=False)
        dropped = experiments.digits_spread(placement)
        assert kept.val_before_last_step.min >= dropped.val_accuracy.min - 0.01


def test_claim_one_step_on_the_4_images_drops_the_accuracy_in_every_seed():
    """"One step on 4 images later the accuracy has fallen in every seed"."""
    for placement in ("before", "after"):
        kept = experiments.digits_spread(placement, drop_last=False)
        assert np.all(kept.val_accuracy.values < kept.val_before_last_step.values)
        assert np.all(kept.last_batch.values == 4)
    assert experiments.digits_spread("after", drop_last=False).val_accuracy.min < 0.5


def test_claim_the_step_on_4_images_moves_the_weights_far_more():
    """"That one step moves the weights far more than a step on 64 images does"."""
    for placement in ("before", "after"):
        kept = experiments.digits_spread(placement, drop_last=False)
        assert np.all(kept.last_step_change.values > 3 * kept.typical_step_change.values)


def test_claim_the_4_images_cost_more_with_their_own_statistics():
    """"with their own statistics the 4 images cost up to 2.20, with the running statistics the same
    images and weights cost at most 0.10"."""
    kept = experiments.digits_spread("after", drop_last=False)
    assert kept.last_batch_loss.max > 10 * kept.last_batch_inference_loss.max


def test_claim_dropping_the_last_batch_removes_the_fall():
    """"Dropping the batch removes it: with batches of 64 nothing falls at the last step"."""
    for placement in ("before", "after"):
        dropped = experiments.digits_spread(placement)
        assert np.all(dropped.last_batch.values == 64)
        assert np.all(np.abs(dropped.val_accuracy.values - dropped.val_before_last_step.values) <= 0.01)


def test_claim_recalibrating_the_running_statistics_repairs_only_part():
    """"raises the accuracy in 7 of the 10 runs, but in none does it bring back the accuracy from
    before the step"."""
    helped = 0
    for placement in ("before", "after"):
        kept = experiments.digits_spread(placement, drop_last=False)
        assert np.all(kept.recalibrated_val_accuracy.values < kept.val_before_last_step.values)
        helped += kept.val_accuracy.count(kept.recalibrated_val_accuracy.values
                                          > kept.val_accuracy.values)
    assert 0 < helped < 10


def test_claim_with_the_tiny_batch_kept_after_falls_further_in_every_seed():
    """"With the tiny batch kept, batch norm after the sigmoid falls further than before it in every
    seed"."""
    after = experiments.digits_spread("after", drop_last=False)
    before = experiments.digits_spread("before", drop_last=False)
    fall = {name: s.val_before_last_step.values - s.val_accuracy.values
            for name, s in (("after", after), ("before", before))}
    assert np.all(fall["after"] > fall["before"])
    assert np.all(after.val_accuracy.values < before.val_accuracy.values)


def test_claim_the_training_loss_hides_the_damage_of_the_tiny_batch():
    """"The training loss the epochs report hides all of it: it is 0.114-0.255 after the sigmoid,
    well below the 0.413-0.459 before it"."""
    after = experiments.digits_spread("after", drop_last=False)
    before = experiments.digits_spread("before", drop_last=False)
    assert after.final_loss.max < before.final_loss.min


def test_claim_a_normalized_value_is_bounded_only_by_the_count():
    """"with C features no layer-norm output exceeds sqrt(C - 1) ...; RMS norm's bound is sqrt(C),
    and batch norm's sqrt(N - 1)"."""
    spike = np.array([[100.0, 0.0, 0.0, 0.0, 0.0]])
    assert layer_norm(spike)[0, 0] == pytest.approx(2.0, rel=1e-6)
    assert rms_norm(spike)[0, 0] == pytest.approx(np.sqrt(5), rel=1e-6)
    assert experiments.normalize(spike.T, "batch")[0, 0] == pytest.approx(2.0, rel=1e-6)
    x = np.random.default_rng(0).standard_cauchy(size=(2000, 5))   # heavy tails
    assert np.abs(layer_norm(x)).max() <= 2.0 and np.abs(rms_norm(x)).max() <= np.sqrt(5)
    assert np.abs(experiments.normalize(x[:5], "batch")).max() <= 2.0
