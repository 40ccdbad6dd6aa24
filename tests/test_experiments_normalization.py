"""Experiments of the Normalization chapter: scaling, the batch-statistics stream, which axes, references."""

import numpy as np
import pytest

from lib.experiments import normalization as experiments
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
    kinds = {p: [type(layer) for layer in experiments.digits_network(p, sizes=(4, 3, 3, 2)).layers]
             for p in experiments.PLACEMENTS}
    assert kinds["none"] == [Dense, ActivationLayer] * 3
    assert kinds["before"] == [Dense, BatchNorm, ActivationLayer] * 2 + [Dense, ActivationLayer]
    assert kinds["after"] == [Dense, ActivationLayer, BatchNorm] * 2 + [Dense, ActivationLayer]
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


def test_train_digits_batch_norm_rescues_the_deep_sigmoid_network():
    plain, before = experiments.train_digits("none"), experiments.train_digits("before")
    assert plain.losses.shape == before.losses.shape == (10,)
    assert plain.losses[-1] > 2.0 and plain.test_accuracy < 0.3        # stuck near chance (10 %)
    assert before.losses[-1] < 0.6 and before.test_accuracy > 0.85
    assert experiments.train_digits("none") is plain                    # cached
    with pytest.raises(ValueError):
        plain.losses[0] = 0.0
