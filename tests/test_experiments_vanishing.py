"""Experiments of the Vanishing gradients chapter: measurements against lib.network, bounded caches."""

import gc
import tracemalloc
from functools import partial

import numpy as np
import pytest

from lib.activations import ACTIVATIONS
from lib.experiments import vanishing as experiments
from lib.explorer import Choice, Explorer, Slider
from lib.network import MLP, mse_loss
from lib.views.vanishing import TrainingView


def fresh(depth, activation, init, **kw):
    """The network gradient_profile measures, built here independently."""
    options = {"scale": 0.1 * kw.pop("gain", 1.0)} if init == "normal" else {"gain": kw.pop("gain", 1.0)}
    return MLP([2] + [32] * depth + [1], rng=np.random.default_rng(1), activation=activation, init=init,
               **options, **kw)


def test_toy_task_is_deterministic_and_in_range():
    X1, y1 = experiments.toy_task()
    X2, y2 = experiments.toy_task()
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_allclose(y1[:, 0], np.sin(2 * X1[:, 0]) * np.cos(X1[:, 1]), rtol=0, atol=0)
    assert experiments.mean_predictor_loss() == pytest.approx(np.var(y1))


@pytest.mark.parametrize("activation, init, gain, bn", [
    ("sigmoid", "xavier", 1.0, False), ("tanh", "normal", 2.0, False), ("relu", "he", 1.5, False),
    ("gelu", "he", 1.0, True),
])
def test_gradient_profile_matches_network(activation, init, gain, bn):
    p = experiments.gradient_profile(7, activation, init, gain, bn)
    net = fresh(7, activation, init, gain=gain, batchnorm=bn)
    X, y = experiments.toy_task()
    _, d = mse_loss(net.forward(X), y)
    net.backward(d)
    np.testing.assert_allclose(p.grad_z, net.grad_norms("z"), rtol=1e-12)
    np.testing.assert_allclose(p.grad_W, net.grad_norms("W"), rtol=1e-12)
    f = ACTIVATIONS[activation]
    means = [f.derivative(z).mean() for z in net.pre_activations[:-1]]
    np.testing.assert_allclose(p.factor_mean, means, rtol=1e-12)
    np.testing.assert_allclose(p.dead, net.dead_fraction(X, training=True))
    rel = p.relative("z")
    assert rel[0] == 1.0 and rel[-1] == pytest.approx(p.grad_z[0] / p.grad_z[-1])
    assert p.ratio == rel[-1] and p.depth == 7


def test_sigmoid_factors_respect_the_bound():
    p = experiments.gradient_profile(20, "sigmoid", "xavier")
    assert np.all(p.factor_max <= 0.25)
    assert np.all(np.cumprod(p.factor_mean) <= experiments.sigmoid_bound(np.arange(1, 21)))


def test_build_net_gain_scales_every_scheme():
    for init, std in [("normal", 0.2), ("xavier", 2 * np.sqrt(2 / 64)), ("he", 2 * np.sqrt(2 / 32))]:
        net = experiments.build_net(3, "tanh", init, gain=2.0)
        assert net.dense[1].W.std() == pytest.approx(std, rel=0.1)
    assert experiments.build_net(2, "tanh", "matched").init == "xavier"
    assert experiments.build_net(2, "elu", "matched").init == "he"


def test_train_curve_follows_the_explicit_loop():
    run = experiments.train_curve("tanh", 0.05, depth=3, steps=20)
    net = experiments.build_net(3, "tanh", "xavier")
    X, y = experiments.toy_task()
    losses = []
    for _ in range(20):
        loss, d = mse_loss(net.forward(X), y)
        losses.append(loss)
        net.backward(d)
        net.sgd_step(0.05)
    np.testing.assert_allclose(run.losses, losses, rtol=1e-12)
    assert run.diverged_at is None and run.final == losses[-1]
    assert run.dead_after == pytest.approx(net.dead_fraction(X).mean())


def test_train_curve_marks_divergence_without_warnings():
    run = experiments.train_curve("relu", 5.0, depth=10, steps=50)   # RuntimeWarning is an error in the tests
    assert run.diverged_at is not None and run.diverged_at < 50
    assert np.all(np.isnan(run.losses[run.diverged_at:]))
    assert np.all(np.isfinite(run.losses[:run.diverged_at]))


def test_a_run_trained_in_pieces_equals_the_whole_run():
    whole = experiments.train_curve("sigmoid", 0.3, depth=4, steps=40)
    net = experiments.build_net(4, "sigmoid", "xavier")
    start = [layer.W.copy() for layer in net.dense]
    losses = np.concatenate([experiments.train_more(net, 0.3, n) for n in (1, 7, 12)])
    part = experiments.train_result(losses, 40, whole.dead_before)
    assert np.all(np.isnan(part.losses[20:])) and np.isnan(part.dead_after) and part.diverged_at is None
    losses = np.concatenate([losses, experiments.train_more(net, 0.3, 1, deadline=0.0)])
    assert len(losses) == 21   # one step at least, however short the time
    losses = np.concatenate([losses, experiments.train_more(net, 0.3, 19)])
    done = experiments.train_result(losses, 40, whole.dead_before, net, start)
    np.testing.assert_array_equal(done.losses, whole.losses)
    np.testing.assert_array_equal(done.moved, whole.moved)
    assert done.dead_after == whole.dead_after


def test_a_diverging_run_in_pieces_stops_where_the_whole_run_does():
    whole = experiments.train_curve("relu", 5.0, depth=10, steps=50)
    net = experiments.build_net(10, "relu", "he")
    losses = np.empty(0)
    while not (len(losses) and experiments.overflowed(losses[-1])):
        losses = np.concatenate([losses, experiments.train_more(net, 5.0, 3)])
    run = experiments.train_result(losses, 50, whole.dead_before, net)
    assert run.diverged_at == whole.diverged_at == len(losses) - 1
    np.testing.assert_array_equal(run.losses, whole.losses)
    assert np.isnan(run.dead_after) and np.isnan(whole.dead_after)


def test_sigmoid_bound_and_mean_predictor_loss():
    np.testing.assert_array_equal(experiments.sigmoid_bound([0, 1, 2, 20]), 0.25 ** np.array([0, 1, 2, 20]))
    _, y = experiments.toy_task()
    assert experiments.mean_predictor_loss() == np.mean((y - y.mean()) ** 2)


def test_gradient_profile_cache_is_bounded():
    assert experiments.gradient_profile.cache_info().maxsize == 1024


def test_gradient_profile_has_one_cache_entry_however_it_is_called():
    first = experiments.gradient_profile(7, "elu", "xavier", seed=4)
    assert experiments.gradient_profile(7, "elu", "xavier", 1.0, seed=4) is first
    assert experiments.gradient_profile(depth=7, activation="elu", init="xavier", gain=1, batchnorm=False,
                                        seed=4, residual=False) is first





def training_explorer(steps):
    controls = {
        "activation": Choice(list(experiments.ACTIVATION_NAMES) + ["prelu"], value="relu"),
        "lr": Slider(-3, 0, 0.5, value=0.1, log=True),
        "depth": Slider(2, 30, 7, value=10),
        "init": Choice(["matched", "normal", "xavier", "he"], value="matched"),
    }
    return Explorer(partial(TrainingView, steps=steps), controls, alt="training loss", width=4, height=3)


def sweep(explorer):
    """Every control of the explorer through its range, as the benchmark steps it."""
    start = dict(explorer.values)
    for name, control in explorer.controls.items():
        for value in control.sweep(7):
            explorer.frame_html(explorer.update(**{name: value}))
        explorer.update(**{name: start[name]})


def test_sweeping_the_training_explorer_keeps_memory_bounded():
    explorer = training_explorer(steps=20)
    sweep(explorer)
    assert explorer.view.net is None     # a finished run holds no network
    gc.collect()
    tracemalloc.start()
    try:
        sweep(explorer)                  # the same settings again: each is trained again
        gc.collect()
        first, _ = tracemalloc.get_traced_memory()
        sweep(explorer)
        gc.collect()
        second, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert second - first < 2_000_000, f"memory grew by {(second - first) / 1e6:.1f} MB over one sweep"


def test_profile_forward_signal_is_each_layers_input_rms():
    p = experiments.gradient_profile(6, "tanh", "xavier")
    net = experiments.build_net(6, "tanh", "xavier")
    X, _ = experiments.toy_task()
    h, expected = X, []
    for dense, act in zip(net.dense, net.acts):
        expected.append(np.sqrt(np.mean(h**2)))
        h = act.forward(dense.forward(h))
    np.testing.assert_allclose(p.forward, expected, rtol=1e-12)
    assert p.forward[0] == pytest.approx(np.sqrt(np.mean(X**2)))
    assert p.output_std == pytest.approx(float(np.std(h)), rel=1e-12)
    np.testing.assert_allclose(p.relative("h"), np.array(expected)[::-1] / expected[-1], rtol=1e-12)


def test_small_weights_starve_every_layer_alike_sigmoid_starves_its_first():
    relu = experiments.gradient_profile(50, "relu", "normal")
    assert relu.ratio < 1e-15                      # the backward signal vanishes...
    assert 0.1 < relu.weight_ratio < 100           # ...but the weight gradients stay level,
    assert relu.forward_ratio < 1e-15              # because the forward signal vanished with it
    assert relu.output_std < 1e-15                 # and the network answers every input alike
    sigmoid = experiments.gradient_profile(50, "sigmoid", "xavier")
    assert sigmoid.weight_ratio < 1e-25            # only here does the first layer starve
    assert 0.2 < sigmoid.forward_ratio < 2         # sigmoid outputs stay near 0.5: no collapse
    he = experiments.gradient_profile(50, "relu", "he")
    assert 0.1 < he.weight_ratio < 100 and he.output_std > 1e-3


# ---- the forward signal, initialization and symmetry ----------------------------------------------


def test_saturated_fraction_uses_the_chapter_definitions():
    assert experiments.saturated_fraction("tanh", [0.99, -0.99, 0.991, -0.995]) == 0.5
    assert experiments.saturated_fraction("sigmoid", [0.01, 0.99, 0.009, 0.9901]) == 0.5
    assert experiments.saturated_fraction("relu", [0.0, 0.0, 3.0]) == 0.0


@pytest.mark.parametrize("activation, init, gain", [
    ("tanh", "normal", 10.0), ("sigmoid", "xavier", 1.0), ("relu", "he", 1.0)])
def test_profile_forward_statistics_match_network(activation, init, gain):
    p = experiments.gradient_profile(6, activation, init, gain)
    net = fresh(6, activation, init, gain=gain)
    X, _ = experiments.toy_task()
    net.forward(X)
    z = net.pre_activations[:-1]
    h = [ACTIVATIONS[activation](zk) for zk in z]
    np.testing.assert_allclose(p.z_var, [np.mean((zk - zk.mean()) ** 2) for zk in z], rtol=1e-12)
    np.testing.assert_allclose(p.h_mean, [hk.mean() for hk in h], rtol=1e-12, atol=1e-15)
    # how much each unit's output varies across the examples, averaged over the units
    np.testing.assert_allclose(p.h_std, [np.mean([hk[:, j].std() for j in range(hk.shape[1])])
                                         for hk in h], rtol=1e-12)
    np.testing.assert_allclose(p.input_share, p.h_std / [np.sqrt(np.mean(hk**2)) for hk in h],
                               rtol=1e-12)
    bounds = {"tanh": (-0.99, 0.99), "sigmoid": (0.01, 0.99)}.get(activation, (-np.inf, np.inf))
    np.testing.assert_array_equal(p.saturated, [np.mean((hk < bounds[0]) | (hk > bounds[1]))
                                                for hk in h])
    np.testing.assert_array_equal(p.off, [np.mean(zk <= 0) if activation == "relu" else 0.0
                                          for zk in z])


def test_forward_statistics_show_saturation_and_shift():
    tanh_big = experiments.gradient_profile(20, "tanh", "normal", 10.0)
    assert tanh_big.saturated[-1] > 0.5 and tanh_big.saturated[0] < 0.2  # saturates on the way
    assert experiments.gradient_profile(20, "tanh", "xavier").saturated.max() == 0.0
    sig = experiments.gradient_profile(20, "sigmoid", "xavier")
    assert np.all(np.abs(sig.h_mean - 0.5) < 0.05)   # sigmoid outputs are not zero-centred
    tanh = experiments.gradient_profile(20, "tanh", "xavier")
    assert np.all(np.abs(tanh.h_mean) < 0.05)
    relu = experiments.gradient_profile(20, "relu", "he")
    assert np.all(relu.h_mean > 0) and 0.4 < relu.off[0] < 0.6


def test_variance_profile_matches_an_independent_pass():
    v = experiments.variance_profile("tanh", "xavier", depth=5, width=16, n=64, seed=3)
    rng = np.random.default_rng(3)
    X, up = rng.normal(size=(64, 16)), rng.normal(size=(64, 1))
    net = MLP([16] * 6 + [1], rng=rng, activation="tanh", init="xavier")
    net.forward(X)
    net.backward(up)
    np.testing.assert_allclose(v.z_var, [np.var(z) for z in net.pre_activations[:-1]], rtol=1e-12)
    dz = np.array([np.var(a.dz) for a in net.acts[:-1]])
    np.testing.assert_allclose(v.dz_var, dz / dz[-1], rtol=1e-12)
    np.testing.assert_allclose(v.weight_var, [np.var(d.W) for d in net.dense[:-1]], rtol=1e-12)


def test_variance_profile_is_level_only_for_the_matched_pairs():
    n = 128
    he, xavier = experiments.variance_profile("relu", "he"), experiments.variance_profile("relu", "xavier")
    np.testing.assert_allclose(he.weight_var * n, 2.0, rtol=0.05)       # Var(W) = 2 / n_in
    np.testing.assert_allclose(xavier.weight_var * n, 1.0, rtol=0.05)   # 2 / (n_in + n_out) = 1 / n
    assert np.all((he.z_var > 0.5 * he.z_var[0]) & (he.z_var < 2 * he.z_var[0]))
    assert 0.4 < np.median(xavier.z_var[1:] / xavier.z_var[:-1]) < 0.6  # ReLU halves E[z^2]
    assert np.all((he.dz_var > 0.5) & (he.dz_var < 2))                   # and the backward signal
    assert xavier.dz_var[0] < 1e-4
    # tanh: Xavier keeps Var(z_1) = Var(x) = 1, then declines slowly (tanh(z)^2 < z^2), not like
    # the exponential fall of ReLU with Xavier
    tanh = experiments.variance_profile("tanh", "xavier")
    assert 0.9 < tanh.z_var[0] < 1.1 and 0.01 < tanh.z_var[-1] < 0.1
    assert tanh.z_var[-1] > 1e3 * xavier.z_var[-1]


def test_symmetry_runs_keep_identical_units_identical():
    zero, equal, rand = (experiments.symmetry_run(s) for s in experiments.SYMMETRY_INITS)
    for run in (zero, equal):
        assert np.all(run.spread_before == 0) and np.all(run.spread == 0)
        np.testing.assert_array_equal(run.first_weights, run.first_weights[:, :1].repeat(8, axis=1))
    assert not np.allclose(equal.first_weights, 0.5)      # the weights did move, all together
    np.testing.assert_array_equal(zero.first_weights, 0.0)  # no gradient ever reached them
    assert zero.final == pytest.approx(experiments.mean_predictor_loss(), abs=1e-9)
    assert equal.final > 0.75 * experiments.mean_predictor_loss()
    assert rand.final < 0.25 * equal.final and np.all(rand.spread > 0.1)
    assert zero.losses.shape == (300,) and np.all(np.diff(zero.losses) <= 1e-15)


def test_symmetry_run_rejects_an_unknown_start():
    with pytest.raises(ValueError, match="start"):
        experiments.symmetry_run("ones")


def test_unit_spread_sees_one_different_unit():
    from lib.network import Dense
    W = np.ones((3, 4))
    assert experiments.unit_spread(Dense(W, np.zeros(4))) == 0.0
    W[2, 3] = 1.25
    assert experiments.unit_spread(Dense(W, np.zeros(4))) == 0.25
    assert experiments.unit_spread(Dense(np.ones((3, 4)), [0, 0, 0, -1.0])) == 1.0


# ---- the gain, dead units over training, skip connections ----------------------------------------


def test_chi_is_width_times_weight_variance_times_mean_square_slope():
    p = experiments.gradient_profile(8, "tanh", "normal", 3.0, seed=4)
    net = fresh(8, "tanh", "normal", gain=3.0)
    net = MLP([2] + [32] * 8 + [1], rng=np.random.default_rng(4), activation="tanh", init="normal",
              scale=0.3)
    X, y = experiments.toy_task()
    _, d = mse_loss(net.forward(X), y)
    net.backward(d)
    slopes = [ACTIVATIONS["tanh"].derivative(z) for z in net.pre_activations[:-1]]
    expected = [32 * np.var(net.dense[k + 1].W) * np.mean(s**2) for k, s in enumerate(slopes)]
    np.testing.assert_allclose(p.chi, expected, rtol=1e-12)
    np.testing.assert_allclose(p.predicted(), np.concatenate([[1], np.cumprod(np.sqrt(expected[::-1]))]))
    assert p.predicted_ratio == pytest.approx(np.prod(np.sqrt(expected)))
    assert p.per_layer == pytest.approx(p.ratio ** (1 / 8)) and p.depth == 8


def test_batch_norm_scale_is_one_over_the_batch_std():
    p = experiments.gradient_profile(4, "sigmoid", "xavier", batchnorm=True, seed=2)
    net = experiments.build_net(4, "sigmoid", "xavier", batchnorm=True, seed=2)
    X, _ = experiments.toy_task()
    net.forward(X)
    np.testing.assert_allclose(p.bn_scale, [np.mean(1 / np.sqrt(bn.batch_var + 1e-5)) for bn in net.norms])
    wide = experiments.gradient_profile(4, "sigmoid", "xavier", batchnorm=True, seed=2, bn_eps=1.0)
    assert np.all(np.abs(wide.bn_scale - 1) < 0.07)   # centring only (the first layer: Var ~ 0.16)
    assert experiments.gradient_profile(4, "sigmoid", "xavier").bn_scale is None
    # going back from layer k + 1 to layer k the gradient passes layer k + 1's batch norm
    plain_chi = 32 * p.weight_var[1:] * p.slope_ms
    np.testing.assert_allclose(p.chi, plain_chi * np.append(p.bn_scale[1:], 1.0) ** 2, rtol=1e-12)


def test_residual_profile_measures_the_network_with_skips():
    p = experiments.gradient_profile(6, "tanh", "normal", residual=True, seed=3)
    net = experiments.build_net(6, "tanh", "normal", residual=True, seed=3)
    assert sum(type(layer).__name__ == "Residual" for layer in net.layers) == 5
    X, y = experiments.toy_task()
    _, d = mse_loss(net.forward(X), y)
    net.backward(d)
    np.testing.assert_allclose(p.grad_z, net.grad_norms("z"), rtol=1e-12)
    # the gain of the skips: the first layer's slopes, a factor (1 + chi) per block, the output layer
    blocks = [32 * np.var(net.dense[k].W) * np.mean(net.acts[k].slope ** 2) for k in range(1, 6)]
    expected = np.sqrt(np.mean(net.acts[0].slope ** 2) * np.prod(1 + np.array(blocks))
                       * 32 * np.var(net.dense[-1].W))
    assert p.predicted_ratio == pytest.approx(expected, rel=1e-12)


def test_mean_field_variance_for_relu_is_exact_and_for_tanh_falls_like_one_over_2k():
    q = experiments.mean_field_variance("relu", 1.5 / 64, 64, depth=6, q1=2.0)
    np.testing.assert_allclose(q, 2.0 * 0.75 ** np.arange(6), rtol=1e-6)   # n Var(W) / 2 = 0.75
    q = experiments.mean_field_variance("tanh", 1 / 100, 100, depth=200, q1=1.0)
    assert 0.8 < q[-1] * 2 * 200 < 1.1 and np.all(np.diff(q) < 0)


def test_train_curve_keeps_how_far_each_layer_moved():
    run = experiments.train_curve("relu", 0.02, depth=3, steps=15, seed=4)
    net = experiments.build_net(3, "relu", "he", seed=4)
    start = [layer.W.copy() for layer in net.dense]
    X, y = experiments.toy_task()
    net.train(X, y, lr=0.02, epochs=15)
    np.testing.assert_allclose(run.moved, [np.linalg.norm(l.W - w) / np.linalg.norm(w)
                                           for l, w in zip(net.dense, start)], rtol=1e-12)
    unfinished = experiments.train_result(run.losses[:5], 15, run.dead_before, start=start)
    assert np.all(np.isnan(unfinished.moved)) and np.isnan(unfinished.dead_after)


def test_train_curve_with_skips_follows_the_residual_network():
    run = experiments.train_curve("tanh", 0.005, depth=4, init="normal", steps=10, seed=2, residual=True)
    net = experiments.build_net(4, "tanh", "normal", seed=2, residual=True)
    X, y = experiments.toy_task()
    np.testing.assert_allclose(run.losses, net.train(X, y, lr=0.005, epochs=10), rtol=1e-12)


def test_dead_run_follows_mlp_train_and_counts_revived_units():
    run = experiments.dead_run("relu", 0.1, epochs=30, seed=2)
    net = MLP([2, 32, 32, 32, 1], rng=np.random.default_rng(2), activation="relu", init="he")
    X, y = experiments.toy_task()
    start = net.dead_units(X)
    curve = []
    losses = net.train(X, y, lr=0.1, epochs=30,
                       callback=lambda n, e, l: curve.append(np.mean(np.concatenate(n.dead_units(X)))))
    end = net.dead_units(X)
    np.testing.assert_allclose(run.losses, losses, rtol=1e-12)
    np.testing.assert_allclose(run.dead_curve, curve)
    np.testing.assert_array_equal(run.dead_before, [d.mean() for d in start])
    np.testing.assert_array_equal(run.dead_after, [d.mean() for d in end])
    np.testing.assert_array_equal(run.revived, [np.sum(a & ~b) for a, b in zip(start, end)])
    assert not run.diverged and run.slopes == ()
    assert len(experiments.dead_run("prelu", 0.05, depth=2, epochs=3).slopes) == 2


def test_dead_run_without_watching_trains_the_same_run():
    watched = experiments.dead_run("leaky_relu", 0.05, depth=2, bias_init=-1.0, epochs=25,
                                   negative_slope=0.0)
    plain = experiments.dead_run("leaky_relu", 0.05, depth=2, bias_init=-1.0, epochs=25,
                                 negative_slope=0.0, watch=False)
    np.testing.assert_array_equal(plain.losses, watched.losses)
    np.testing.assert_array_equal(plain.dead_after, watched.dead_after)
    np.testing.assert_array_equal(plain.revived, watched.revived)
    assert plain.dead_curve.size == 0 and watched.dead_curve.size == 25 and not plain.diverged


def test_dead_run_marks_a_divergence_and_keeps_the_last_finite_epoch():
    run = experiments.dead_run("relu", 0.1, seed=3)   # this seed diverges
    assert run.diverged and np.isnan(run.dead_curve[-1]) and np.isnan(run.losses[-1])
    last = int(np.flatnonzero(np.isfinite(run.dead_curve))[-1])
    assert np.all(np.isfinite(run.losses[:last + 1]))
    assert np.all((0 <= run.dead_after) & (run.dead_after <= 1))


def test_final_losses_and_profile_spread_run_the_seeds():
    s = experiments.final_losses("tanh", 0.05, depth=3, steps=5)
    assert s.seeds == experiments.SEEDS
    np.testing.assert_array_equal(s.values, [experiments.train_curve("tanh", 0.05, depth=3, steps=5,
                                                                     seed=k).final for k in s.seeds])
    r = experiments.profile_spread("weight_ratio", 5, "relu", "he", batchnorm=True)
    np.testing.assert_array_equal(r.values, [experiments.gradient_profile(
        5, "relu", "he", batchnorm=True, seed=k).weight_ratio for k in r.seeds])


# ---- claims the chapter makes ---------------------------------------------------------------------
# Each test asserts one sentence of chapter 3 over the seeds the chapter uses (experiments.SEEDS).

SETTINGS = [(a, i) for a in experiments.ACTIVATION_NAMES for i in ("normal", "xavier", "he")]


def over(what, depth, name, init, gain=1.0, **options):
    return experiments.over_seeds(
        lambda seed: what(experiments.gradient_profile(depth, name, init, gain, seed=seed, **options)))


def test_claim_the_gain_predicts_each_layers_factor():
    """'Over the five seeds the gain predicts each layer's factor to within 18 %; over 20 layers ...
    to a factor of up to 26' (depth 20), and the depth-50 table's two last columns agree except for
    GELU with He."""
    for init, gain in (("xavier", 1.0), ("normal", 10.0)):
        for seed in experiments.SEEDS:
            p = experiments.gradient_profile(20, "sigmoid", init, gain, seed=seed)
            assert abs(p.predicted_per_layer / p.per_layer - 1) < 0.18
            assert 1 / 27 < p.predicted_ratio / p.ratio < 27
    for name, init in SETTINGS:
        measured = experiments.profile_spread("per_layer", 50, name, init).geomean
        predicted = experiments.profile_spread("predicted_per_layer", 50, name, init).geomean
        if (name, init) != ("gelu", "he"):
            assert abs(predicted / measured - 1) < 0.04, (name, init)


def test_claim_the_gain_comes_closer_in_wider_layers():
    """'The gain is exact only for infinitely wide layers: with 128 units and weights of standard
    deviation 0.5, the same m sigma_w^2 = 32, the error falls to at most 3.9 % per layer and a factor
    of 2.2 over 20 layers' (against 18 % and 26 at width 32)."""
    def errors(width, gain):
        profiles = [experiments.gradient_profile(20, "sigmoid", "normal", gain, width=width, seed=s)
                    for s in experiments.SEEDS]
        return (max(abs(p.predicted_per_layer / p.per_layer - 1) for p in profiles),
                max(max(p.predicted_ratio / p.ratio, p.ratio / p.predicted_ratio) for p in profiles))
    narrow, wide = errors(32, 10.0), errors(128, 5.0)
    assert wide[0] < 0.05 and wide[1] < 3
    assert wide[0] < narrow[0] / 2 and wide[1] < narrow[1] / 4


def test_claim_the_mean_slope_in_place_of_the_rms_is_far_off():
    """'The mean slope in place of the RMS would be off by a factor of 36' (std 1.0, depth 20)."""
    p = experiments.gradient_profile(20, "sigmoid", "normal", 10.0)
    with_mean = np.prod(np.sqrt(32 * p.weight_var[1:]) * p.factor_mean)
    assert p.ratio / with_mean > 10 and abs(np.log(p.predicted_ratio / p.ratio)) < np.log(6)


def test_claim_sigmoid_and_small_weight_networks_lose_at_least_12_orders():
    """'In every sigmoid network ... and in every network with the plain normal initialization,
    delta_1 ends at least 12 orders of magnitude below delta_K' (depth 50, every seed)."""
    for name, init in SETTINGS:
        if name == "sigmoid" or init == "normal":
            assert over(lambda p: p.ratio, 50, name, init).max < 1e-12, (name, init)


def test_claim_small_weights_keep_the_weight_gradients_level():
    """'ReLU with the plain normal initialization has a backward ratio of 8e-22–4e-20 but a
    weight-gradient ratio of 0.19–14'; tanh/normal and GELU/Xavier alike."""
    for name, init in [("relu", "normal"), ("tanh", "normal"), ("gelu", "xavier")]:
        assert over(lambda p: p.ratio, 50, name, init).max < 1e-12
        weights = over(lambda p: p.weight_ratio, 50, name, init)
        assert 0.1 < weights.min and weights.max < 20, (name, init)
        assert over(lambda p: p.output_std, 50, name, init).max < 1e-12   # silent as a whole


def test_claim_only_sigmoid_networks_starve_their_first_layer():
    """'Only the sigmoid networks starve their first layer': weight-gradient ratio below 1e-25
    for every sigmoid network, above 1e-2 for every other one, in every seed."""
    for name, init in SETTINGS:
        weights = over(lambda p: p.weight_ratio, 50, name, init)
        if name == "sigmoid":
            assert weights.max < 1e-25, init
        else:
            assert weights.min > 1e-2, (name, init)


def test_claim_sigmoid_keeps_its_size_but_not_its_input_share():
    """'The size of the forward signal does not shrink (0.44–0.47 times the data's) ... the last
    hidden layer's input share is about 3e-15'."""
    for init in ("normal", "xavier", "he"):
        size = over(lambda p: p.forward_ratio, 50, "sigmoid", init)
        assert 0.4 < size.min and size.max < 0.5
        assert over(lambda p: p.input_share[-1], 50, "sigmoid", init).max < 1e-13


def test_claim_sigmoid_loses_about_4_per_layer_with_xavier_and_3_with_he():
    """'The backward signal shrinks by a factor of about 4 per layer with Xavier (0.23) and about 3
    with He (0.31): the bound 1/4 caps the slopes, not the whole factor.'"""
    xavier = experiments.profile_spread("per_layer", 50, "sigmoid", "xavier")
    he = experiments.profile_spread("per_layer", 50, "sigmoid", "he")
    assert 0.2 < xavier.min and xavier.max < 0.25 < 0.28 < he.min and he.max < 0.35


def test_claim_only_the_wide_network_is_level():
    """'tanh with Xavier ... the forward signal's RMS falls to 0.03–0.08 of the data's; ReLU with He
    keeps the backward signal at 0.07–4 of its size, depending on the seed' (width 32), while in
    the width-128 network ReLU with He keeps Var(z) level."""
    assert over(lambda p: p.forward_ratio, 50, "tanh", "xavier").max < 0.1
    relu = over(lambda p: p.ratio, 50, "relu", "he")
    assert relu.max / relu.min > 10
    wide = experiments.variance_profile("relu", "he")
    assert 0.7 < wide.z_var.min() / wide.z_var[0] and wide.z_var.max() / wide.z_var[0] < 1.3


def test_claim_the_matched_pairs_lose_far_less_of_the_forward_signal():
    """'tanh with Xavier and ReLU with He lose far less: their input-dependent spread falls by a
    factor of 4–10 and 1.7–95 over 50 layers, against 2e+12–5e+12 for tanh with the plain normal,
    and no tanh unit saturates ... (width 32)'."""
    falls = {pair: over(lambda p: p.h_std[0] / p.h_std[-1], 50, *pair)
             for pair in [("tanh", "xavier"), ("relu", "he"), ("tanh", "normal")]}
    assert max(falls["tanh", "xavier"].max, falls["relu", "he"].max) < 200
    assert falls["tanh", "normal"].min > 1e11
    assert over(lambda p: p.saturated.max(), 50, "tanh", "xavier").max == 0


def test_claim_he_makes_tanh_and_elu_grow_towards_the_input():
    """'The mismatch the other way, tanh or ELU with He, makes the backward signal grow towards the
    input, by 4–10 (tanh) and 6–40 (ELU)'."""
    for name in ("tanh", "elu"):
        assert over(lambda p: p.ratio, 50, name, "he").min > 2


def test_claim_the_gain_misses_gelu_with_he_and_a_gain_per_example_does_not():
    """'In 3 of the seeds the forward signal fades ... in the other 2 the forward signal stays large
    ... Over 50 layers the gain is off by a factor of up to 4.7e+04 ... Give each example its own gain
    ... and the prediction comes within a factor of 3.6 in every seed.'"""
    profiles = [experiments.gradient_profile(50, "gelu", "he", seed=s) for s in experiments.SEEDS]
    kept = [p for p in profiles if p.forward_ratio > 1e-3]
    assert len(kept) == 2
    assert all(p.ratio / p.predicted_ratio > 1000 for p in kept)
    for seed, p in zip(experiments.SEEDS, profiles):
        by_example = experiments.example_gain_ratio(50, "gelu", "he", seed=seed)
        assert 1 / 4 < by_example / p.ratio < 4


def test_claim_saturated_tanh_still_explodes():
    """'60–63 % of the last layer's outputs are beyond ±0.99 ... sqrt(chi) ≈ 1.84 per layer,
    measured 1.71–1.78. The gain overestimates a saturated network (over the 50 layers its ratio is
    3.6–24 times the measured one ...), but both say that this network's backward signal explodes'."""
    assert over(lambda p: p.saturated[-1], 50, "tanh", "normal", 10.0).min > 0.55
    gain = over(lambda p: np.sqrt(p.chi).mean(), 50, "tanh", "normal", 10.0)
    measured = over(lambda p: p.per_layer, 50, "tanh", "normal", 10.0)
    assert gain.min > 1.5 and 1.5 < measured.min and np.all(measured.values < gain.values)
    overshoot = over(lambda p: p.predicted_ratio / p.ratio, 50, "tanh", "normal", 10.0)
    assert 2 < overshoot.min and overshoot.max < 40
    assert experiments.profile_spread("ratio", 30, "tanh", "normal", 10.0).min > 1e6


def test_claim_the_collapsed_tanh_still_varies_with_its_input():
    """'the last layers' outputs are tiny for every input, yet, for their size, they still vary
    with it (input share 0.76–0.87 at layer 50 ...), unlike the sigmoid's'."""
    assert over(lambda p: p.h_std[-1], 50, "tanh", "normal").max < 1e-12
    assert over(lambda p: p.input_share[-1], 50, "tanh", "normal").min > 0.5
    assert over(lambda p: p.input_share[-1], 50, "sigmoid", "xavier").max < 1e-10


def test_claim_positive_inputs_give_a_units_weight_gradients_one_sign():
    """'Zero-centred inputs (tanh's outputs ...) have both signs and do not tie a unit's weights
    together this way': with the sigmoid every unit's weight gradients share one sign, for one
    example and for the whole batch, in each of the five seeds; with tanh none do."""
    X, y = experiments.toy_task()
    for seed in experiments.SEEDS:
        for name, want in (("sigmoid", 1.0), ("tanh", 0.0)):
            net = MLP([2, 32, 32, 1], rng=np.random.default_rng(seed), activation=name,
                      init="xavier")
            for rows in (slice(0, 1), slice(None)):
                _, d = mse_loss(net.forward(X[rows]), y[rows])
                net.backward(d)
                dW = net.dense[1].dW
                assert np.mean(np.all(dW > 0, axis=0) | np.all(dW < 0, axis=0)) == want


def test_claim_the_sigmoid_input_part_shrinks_by_the_gain_until_rounding():
    """'with Xavier by 0.25 per layer over the first ten layers in seed 1, where sqrt(chi) is 0.24,
    until, from layer 23 on in every seed, it stays at about 1.5e-15 (the median of layers 30 to
    50), about 13 times the spacing of floating-point numbers near 0.5'."""
    for seed in experiments.SEEDS:
        p = experiments.gradient_profile(50, "sigmoid", "xavier", seed=seed)
        shrink = (p.h_std[9] / p.h_std[0]) ** (1 / 9)
        assert abs(shrink / np.sqrt(p.chi[:9]).mean() - 1) < 0.1
    reached = set()
    for seed in experiments.SEEDS:
        h = experiments.gradient_profile(50, "sigmoid", "xavier", seed=seed).h_std
        rounding = np.median(h[29:])
        assert 5 * 2.0**-53 < rounding < 30 * 2.0**-53        # rounding level, not zero
        first = int(np.argmax(h < 2 * rounding))
        assert np.all(h[first:] < 2 * rounding) and h[first - 1] > 2 * rounding
        reached.add(first + 1)
    assert len(reached) == 1 and 15 < reached.pop() < 30      # the same layer in every seed
    # the ablation: 'computed in float16, float32 and float64 the same layers keep 6.2e-03, 7.8e-07
    # and 1.5e-15, between 12.4 and 13.8 spacings of the numbers near 0.5 in its own precision over the 15 runs'
    for dtype in (np.float16, np.float32, np.float64):
        spacing = float(np.spacing(dtype(0.5)))
        for seed in experiments.SEEDS:
            floor = np.median(experiments.spread_in_precision(dtype, seed=seed)[29:])
            assert 10 * spacing < floor < 16 * spacing, (dtype, seed)


def test_spread_in_precision_is_the_profiles_spread_in_float64_and_keeps_its_precision():
    for seed in (1, 4):
        np.testing.assert_array_equal(
            experiments.spread_in_precision(np.float64, depth=20, seed=seed),
            experiments.gradient_profile(20, "sigmoid", "xavier", seed=seed).h_std)
    low = experiments.spread_in_precision(np.float32, depth=20)
    high = experiments.spread_in_precision(np.float64, depth=20)
    assert abs(low[0] / high[0] - 1) < 1e-5          # the first layer: the signal itself
    assert low[-1] > 1e6 * high[-1]                   # the last: float32's rounding noise


def test_claim_relus_dead_units_do_not_depend_on_the_weight_scale():
    """'The ReLU networks have the same fraction of dead units, layer by layer, under all three
    initializations, in every seed; they are in fact the same units.'"""
    X, _ = experiments.toy_task()
    for seed in experiments.SEEDS:
        masks = [experiments.build_net(50, "relu", init, seed=seed).dead_units(X)
                 for init in ("normal", "xavier", "he")]
        for other in masks[1:]:
            assert all(np.array_equal(a, b) for a, b in zip(masks[0], other))
        assert np.any(np.concatenate(masks[0]))   # there are dead units to compare


def test_claim_the_mean_field_recursion_predicts_the_wide_variances():
    """'theory' printed under each measured Var(z_k) of the width-128 networks of seed 1; over the
    five seeds ReLU with He ends at 0.86–2.3 (theory 1.9–2), 'level on average, with a seed-to-seed
    spread that 128 units do not remove', ReLU with Xavier halves Var(z) per layer as the recursion
    says, tanh with Xavier ends at 0.022–0.033 (recursion 0.027–0.028) and tanh with He settles
    near 0.59–0.68."""
    def theory(v, name):
        return experiments.mean_field_variance(name, v.weight_var.mean(), 128, q1=v.z_var[0])
    for name in ("tanh", "relu"):
        for init in ("normal", "xavier", "he"):
            v = experiments.variance_profile(name, init)
            np.testing.assert_allclose(v.z_var, theory(v, name), rtol=0.3, err_msg=f"{name} {init}")
    last = {(name, init): [(v.z_var[-1], theory(v, name)[-1]) for v in
                           (experiments.variance_profile(name, init, seed=s) for s in experiments.SEEDS)]
            for name in ("tanh", "relu") for init in ("xavier", "he")}
    relu_he = np.array(last["relu", "he"])
    assert np.all(np.abs(relu_he[:, 1] - 2) < 0.2)                        # theory about 2
    assert 0.5 < relu_he[:, 0].min() and relu_he[:, 0].max() < 3          # measured around it
    assert relu_he[:, 0].max() / relu_he[:, 0].min() > 2                  # a real spread
    assert 0.7 < np.exp(np.mean(np.log(relu_he[:, 0] / relu_he[:, 1]))) < 1.3   # level on average
    for measured, predicted in last["relu", "xavier"]:
        assert 1 / 3 < measured / predicted < 3 and predicted < 1e-5      # halved 19 times
    for measured, predicted in last["tanh", "xavier"]:
        assert abs(measured / predicted - 1) < 0.3
    assert all(0.5 < measured < 0.8 for measured, _ in last["tanh", "he"])


def test_claim_the_random_start_beats_the_symmetric_ones_in_every_seed():
    """'The random start ... reaches 0.025–0.045 over the five seeds', below the equal start's
    0.142, whose units stay exact copies."""
    equal = experiments.symmetry_run("equal")
    assert equal.spread.max() == 0 and experiments.symmetry_run("zero").spread.max() == 0
    randoms = experiments.over_seeds(lambda seed: experiments.symmetry_run("random", seed=seed).final)
    assert randoms.max < 0.5 * equal.final


def test_claim_with_xavier_only_the_slopes_keep_the_sigmoid_gradient_below_the_bound():
    """ex-smaller-than-bound: 'the weights multiply the whole gradient by 0.70–2.29 of its activation
    part over the five seeds, above 1 in 4 of them ... the slopes ... alone puts it at 0.3 of the
    bound.'"""
    weights = experiments.over_seeds(lambda seed: (lambda p: p.ratio / np.prod(p.factor_mean))(
        experiments.gradient_profile(20, "sigmoid", "xavier", seed=seed)))
    assert 0.5 < weights.min and weights.max < 3 and weights.count(weights.values > 1) == 4
    slopes = experiments.profile_spread("factor_mean", 20, "sigmoid", "xavier").values
    assert 0.2 < (slopes.mean() / 0.25) ** 20 < 0.5
    assert all(experiments.gradient_profile(20, "sigmoid", "xavier", seed=s).ratio
               < experiments.sigmoid_bound(20) for s in experiments.SEEDS)


def test_claim_the_sigmoid_network_stalls_at_the_mean_and_relu_learns():
    """'In all five runs the sigmoid network stalls at 0.1687 ... first layer's weights changed by
    at most 1.7e-07 of their size, against at least 3.4e-03 for the ReLU network' (lr 0.01)."""
    sigmoid = experiments.final_losses("sigmoid", 0.01)
    relu = experiments.final_losses("relu", 0.01)
    assert np.all(np.abs(sigmoid.values - experiments.mean_predictor_loss()) < 1e-4)
    assert relu.max < 0.15
    moved = lambda name: experiments.over_seeds(
        lambda seed: experiments.train_curve(name, 0.01, seed=seed).moved[0])
    assert moved("sigmoid").max < 1e-6 < 1e-3 < moved("relu").min


def test_claim_a_backward_signal_as_large_as_relus_does_not_move_the_sigmoid_network():
    """'The sigmoid network at gain 8 has a backward ratio of 0.07–1 against ReLU's 0.03–0.07 (seed
    by seed, the sigmoid's is 11–24 times the ReLU network's in 4 of 5 seeds and equal, 0.99, in the
    other), and at learning rate 0.05 it still stalls at the mean in all five runs'."""
    sigmoid = experiments.profile_spread("ratio", 10, "sigmoid", "xavier", 8.0)
    relu = experiments.profile_spread("ratio", 10, "relu", "xavier")
    times = sigmoid.values / relu.values
    assert np.sum((times > 10) & (times < 25)) == 4
    assert np.all(times > 0.95)   # 'as strongly ... and in most seeds far more strongly'
    # 'in the same runs, the sigmoid's ratio falls to 0.04–0.17 of the ReLU network's by step 10 and
    # to 0.004–0.05 by step 199, in every seed'
    during = [experiments.ratio_while_training("sigmoid", 0.05, (0, 10, 199), gain=8.0, seed=s)
              / experiments.ratio_while_training("relu", 0.05, (0, 10, 199), init="xavier", seed=s)
              for s in experiments.SEEDS]
    assert np.allclose([d[0] for d in during], times)   # step 0 is the profile's ratio
    assert all(d[1] < 0.2 and d[2] < 0.06 for d in during)
    stall = experiments.final_losses("sigmoid", 0.05, gain=8.0)
    assert np.all(np.abs(stall.values - experiments.mean_predictor_loss()) < 0.003)
    assert experiments.final_losses("relu", 0.05, init="xavier").max < 0.14
    share = lambda name, gain: over(lambda p: p.input_share[-1], 10, name, "xavier", gain)
    assert share("sigmoid", 8.0).max < 0.1 < 0.3 < share("relu", 1.0).min
    update = lambda name, gain: over(lambda p: p.weight_ratio, 10, name, "xavier", gain)
    assert update("sigmoid", 8.0).max < 0.2 < 0.8 < update("relu", 1.0).min


def test_claim_one_seed_can_mislead_about_the_learning_rate():
    """'Over the five seeds above, 0.1 already diverges in 4 of 5 runs and 0.3 in 5' while seed 1
    learns at 0.1; the sigmoid network stays on the mean at 0.3."""
    diverged = lambda lr: [experiments.train_curve("relu", lr, seed=s).diverged_at is not None
                           for s in experiments.SEEDS]
    assert sum(diverged(0.1)) == 4 and not diverged(0.1)[0] and all(diverged(0.3))
    sigmoid = experiments.final_losses("sigmoid", 0.3)
    assert np.all(np.abs(sigmoid.values - experiments.mean_predictor_loss()) < 1e-4)


def test_claim_a_larger_gain_multiplies_the_relu_gradient_by_about_gain_to_the_30():
    """'gain 1.5 multiplies the first layer's gradient by 1.9e+05–2.8e+05 and gain 2 by
    1.1e+09–1.6e+09: the same order as 1.5^30 and 2^30'."""
    for gain in (1.5, 2.0):
        growth = experiments.over_seeds(lambda seed: (
            experiments.gradient_profile(30, "relu", "he", gain, seed=seed).ratio
            / experiments.gradient_profile(30, "relu", "he", 1.0, seed=seed).ratio))
        assert gain**30 / 2 < growth.min and growth.max < 2 * gain**30


def test_claim_the_gain_overestimates_the_saturated_tanh_explosion():
    """'For tanh with standard deviation 1.0 the gain overestimates the growth by a factor of 2.3–5
    in every seed.'"""
    over_tanh = experiments.over_seeds(lambda seed: (lambda p: p.predicted_ratio / p.ratio)(
        experiments.gradient_profile(30, "tanh", "normal", 10.0, seed=seed)))
    assert 1.5 < over_tanh.min and over_tanh.max < 8


def test_claim_every_layer_moves_enormously_and_shares_one_inner_product():
    """'The weights of every layer jump by 5.9e+05 to 2.0e+07 times their own size in seed 1, and
    the loss overflows ... over the five seeds the largest is 11–70 times the smallest, with the
    last layer moving furthest in 5 of 5 ... the network's initial output is 7e+04–4e+06 times too
    large', and <W_k, dL/dW_k> is the same for all 31 weight matrices, in every seed."""
    steps = [experiments.exploding_step(seed=s) for s in experiments.SEEDS]
    assert steps[0].change.min() > 1e5 and not np.isfinite(steps[0].loss_after)
    for step in steps:
        assert len(step.change) == 31 and step.change.min() > 1e4
        assert 5 < step.change.max() / step.change.min() < 100
        assert int(np.argmax(step.change)) == 30
        assert step.output_rms / step.target_rms > 1e4
        np.testing.assert_allclose(step.inner, step.euler, rtol=1e-9)


def test_exploding_step_measures_one_sgd_step():
    step = experiments.exploding_step(depth=4, gain=1.0, lr=0.001, seed=3)
    net = experiments.build_net(4, "relu", "he", 1.0, seed=3)
    X, y = experiments.toy_task()
    out = net.forward(X)
    loss, d = mse_loss(out, y)
    net.backward(d)
    assert step.loss_before == pytest.approx(loss, rel=1e-12)
    np.testing.assert_allclose(step.inner, [np.sum(layer.W * layer.dW) for layer in net.dense],
                               rtol=1e-12)
    np.testing.assert_allclose(step.change, [0.001 * np.linalg.norm(layer.dW) / np.linalg.norm(layer.W)
                                             for layer in net.dense], rtol=1e-12)
    assert step.output_rms == pytest.approx(np.sqrt(np.mean(out**2)))
    assert step.target_rms == pytest.approx(np.sqrt(np.mean(y**2)))
    net.sgd_step(0.001)
    assert step.loss_after == pytest.approx(mse_loss(net.forward(X), y)[0], rel=1e-12)
    assert step.loss_after < step.loss_before     # a small step downhill


def test_claim_dead_first_layer_units_never_come_back_and_deeper_ones_can():
    """'Units also come back: ... all of them in the second and third hidden layers, and 0 in the
    first, where nothing can revive them.'"""
    runs = [experiments.dead_run("relu", lr, seed=s) for lr in (0.01, 0.1) for s in experiments.SEEDS]
    runs += [experiments.dead_run(name, 0.05, depth=4, bias_init=-1.0, seed=s, negative_slope=slope,
                                  watch=False)
             for name, slope in [("relu", None), ("leaky_relu", 0.01)] for s in experiments.SEEDS]
    assert all(run.revived[0] == 0 for run in runs)
    finished = [run for run in runs[:10] if not run.diverged]   # 'the 9 runs that did not diverge'
    assert len(finished) == 9 and sum(int(run.revived[1:].sum()) for run in finished) > 5
    assert all(run.dead_before[0] > 0 for run in runs[10:15])   # first-layer units do start dead


def test_claim_a_high_learning_rate_kills_more_units():
    """'in the 4 runs that did not diverge, 12 % to 60 % of the hidden units end dead, against 1 %
    to 8 % with the small rate; 1 run of 5 diverged outright'."""
    fast = [experiments.dead_run("relu", 0.1, seed=s) for s in experiments.SEEDS]
    slow = [experiments.dead_run("relu", 0.01, seed=s) for s in experiments.SEEDS]
    assert sum(r.diverged for r in fast) == 1 and not any(r.diverged for r in slow)
    assert min(r.dead_curve[-1] for r in fast if not r.diverged) > max(r.dead_curve[-1] for r in slow)
    # 'one of them (60 % dead) lost more than half of its units, yet ends at a loss of 0.079,
    # below every run at the small rate'
    most_dead = max((r for r in fast if not r.diverged), key=lambda r: r.dead_curve[-1])
    assert most_dead.dead_curve[-1] > 0.5 and most_dead.final < min(r.final for r in slow)


CURES = [("relu", "relu", None), ("leaky 0.01", "leaky_relu", 0.01),
         ("leaky 0.25", "leaky_relu", 0.25), ("leaky 0.3", "leaky_relu", 0.3),
         ("leaky 0.37", "leaky_relu", float(np.exp(-1))), ("prelu", "prelu", None),
         ("elu", "elu", None)]


def cure_runs(bias, epochs=200):
    return {label: [experiments.dead_run(name, 0.05, depth=4, bias_init=bias, seed=s,
                                         negative_slope=slope, epochs=epochs, watch=False)
                    for s in experiments.SEEDS]
            for label, name, slope in CURES}


def test_claim_a_negative_side_slope_large_enough_cures_the_negative_bias():
    """'ReLU learns in 0 of 5 runs ... these end at 0.95–1.00 of it. ... started at 0, the same ReLU
    networks learn in 5 of 5 runs (0.33–0.72 ...) ... [leaky 0.01] learned in 0 of 5. With slope 0.3
    it learns in 5 of 5 ... from biases at 0 the slopes 0.25 and 0.3 diverge ... in 3 and 4 of 5
    runs, PReLU in 3 and ELU in 5, where ReLU and leaky 0.01 learn in every run ... ELU learns best
    in every run ..., by a factor of 2.4–6.0 over leaky 0.3', each run's end being the median of its
    last 20 epochs and 'learned' at least 10 % below the mean predictor's loss."""
    mean = experiments.mean_predictor_loss()
    biased, control = cure_runs(-1.0), cure_runs(0.0)
    learns = lambda runs: sum(run.has_learned for run in runs)
    diverged = lambda runs: sum(run.diverged for run in runs)
    assert not any(run.diverged for runs in biased.values() for run in runs)
    for label in ("relu", "leaky 0.01"):
        assert learns(biased[label]) == 0 and learns(control[label]) == 5
        assert all(run.settled > 0.94 * mean for run in biased[label])
    assert learns(biased["leaky 0.3"]) == 5 and learns(biased["elu"]) == 5
    for label in ("leaky 0.25", "leaky 0.3", "prelu", "elu"):   # the control's price
        assert diverged(control[label]) >= 3
    end = {label: np.array([run.settled for run in runs]) for label, runs in biased.items()}
    others = np.array([end[k] for k in end if k != "elu"])
    assert np.all(end["elu"] < others.min(axis=0))
    lead = end["leaky 0.37"] / end["elu"]   # 'over leaky ReLU with ELU's slope at z = -1'
    assert lead.min() > 1.3 and learns(biased["leaky 0.37"]) == 5
    first = [control["relu"][s - 1].dead_before[0] for s in experiments.SEEDS]
    assert max(first) == 0 and all(run.dead_before[0] > 0 for run in biased["relu"])
    assert learns(biased["prelu"]) == 3
    assert all(run.settled > 0.95 * mean for run in biased["prelu"] if not run.has_learned)
    # 'In seed 2 the first update threw the last layer's slope from 0.25 to -0.014 ... and the
    # slope stayed near 0 (-0.002 at the end): the run ends at 0.168 ... leaky ReLU with slope 0.25
    # learns in seed 2 ... Seed 5 stalls another way: its slopes stay between 0.16 and 0.26'
    prelu = biased["prelu"]
    sunk = min(experiments.SEEDS, key=lambda s: abs(prelu[s - 1].slopes[-1]))
    first = cure_runs(-1.0, epochs=1)["prelu"][sunk - 1]
    assert abs(first.slopes[-1]) < 0.05 and abs(prelu[sunk - 1].slopes[-1]) < 0.01
    assert abs(prelu[sunk - 1].settled - mean) < 0.002
    assert biased["leaky 0.25"][sunk - 1].has_learned
    other = [s for s in experiments.SEEDS if s != sunk and not prelu[s - 1].has_learned]
    assert len(other) == 1 and min(prelu[other[0] - 1].slopes) > 0.1
    assert not biased["leaky 0.25"][other[0] - 1].has_learned
    # 'in seed 3 PReLU's loss had come down to 0.089 by epoch 196, then jumped to 0.396 in the last
    # four epochs, and the last epoch alone would call that run worse than predicting the mean'
    spike = prelu[3 - 1].losses
    assert spike[-5] < 0.6 * mean < 2 * mean < spike[-1] and spike[-1] > 3 * prelu[3 - 1].settled
    # 'Leaky ReLU with slope 0.37 does the same in seed 5: in its last 12 epochs its loss rises
    # from 0.032 to 0.492, while by its median it counts as learned ...; it is the run where ELU's
    # lead below is smallest'
    leaky = biased["leaky 0.37"]
    jumps = [run.losses[-1] / run.settled for run in leaky]
    leaky_seed = int(np.argmax(jumps)) + 1
    assert leaky_seed == 5 and leaky[4].losses[-12] < 0.3 * mean < 2 * mean < leaky[4].losses[-1]
    assert leaky[4].has_learned and int(np.argmin(lead)) == leaky_seed - 1
    # 'both are still falling at epoch 200 (PReLU from ... at epoch 100 to ..., the fixed slope
    # from ... to ...)'
    for label in ("prelu", "leaky 0.25"):
        losses = biased[label][other[0] - 1].losses
        assert losses[199] < losses[99]


def test_claim_an_entirely_dead_layer_stops_every_weight_below_it():
    """'In seeds 2 and 4 the last hidden layer starts entirely dead, so it passes no gradient back:
    no weight or bias below the output layer moves at all ..., and not one unit of any layer can
    come back. In the other three seeds the weights below do move'."""
    relu = cure_runs(-1.0)["relu"]
    blocked = [s for s in experiments.SEEDS if relu[s - 1].dead_before[-1] == 1]
    assert blocked == [2, 4]
    for s in experiments.SEEDS:
        run = relu[s - 1]
        assert run.moved[-1] > 0   # the output layer's bias always learns the mean
        if s in blocked:
            assert np.all(run.moved[:-1] == 0) and run.revived.sum() == 0
        else:
            assert np.all(run.moved[:-1] > 0)
    # '... 1 in seed 1 and 6 in seed 3 (the revived counts), none in seed 5'
    assert [int(relu[s - 1].revived.sum()) for s in (1, 3, 5)] == [1, 6, 0]


def test_a_diverging_run_stops_and_keeps_its_length():
    run = experiments.dead_run("prelu", 0.05, depth=4, seed=1, watch=False)   # biases at 0
    assert run.diverged and run.losses.shape == (200,) and np.isnan(run.losses[-1])
    watched = experiments.dead_run("relu", 0.1, seed=3)
    assert watched.diverged and watched.dead_curve.shape == (200,)
    stop = int(np.argmax(np.isnan(watched.dead_curve)))
    assert np.all(np.isnan(watched.dead_curve[stop:])) and np.all(np.isnan(watched.losses[stop + 1:]))
    assert np.all(np.isfinite(watched.losses[: stop + 1]))


def test_claim_batch_norm_rescues_the_gradient_by_its_division_not_by_the_slopes():
    """'the mean slope falls, from 0.235–0.237 to 0.204 ... the first layer's backward signal ends
    at 17–150 times the output layer's ... [with eps = 1] the slopes are then as large as they get
    (0.250), and the gradient vanishes again (4e-19–7e-19)'."""
    plain = over(lambda p: p.factor_mean.mean(), 30, "sigmoid", "xavier")
    normed = over(lambda p: p.factor_mean.mean(), 30, "sigmoid", "xavier", batchnorm=True)
    centred = over(lambda p: p.factor_mean.mean(), 30, "sigmoid", "xavier", batchnorm=True, bn_eps=1.0)
    assert normed.max < plain.min and centred.min > plain.max
    assert experiments.profile_spread("ratio", 30, "sigmoid", "xavier", batchnorm=True).min > 1
    assert experiments.profile_spread("ratio", 30, "sigmoid", "xavier", batchnorm=True,
                                      bn_eps=1.0).max < 1e-15
    scale = over(lambda p: p.bn_scale.mean(), 30, "sigmoid", "xavier", batchnorm=True)
    assert 5 < scale.min and scale.max < 7
    # 'The gain can count the division ... 37–97 against the measured 17–150, within a factor of 2.7
    # in every seed'
    measured = experiments.profile_spread("ratio", 30, "sigmoid", "xavier", batchnorm=True).values
    predicted = experiments.profile_spread("predicted_ratio", 30, "sigmoid", "xavier",
                                           batchnorm=True).values
    assert np.all(np.abs(np.log(predicted / measured)) < np.log(3))
    # 'the layer it shrinks most is layer 30, the one below the single output unit, in every seed
    # (to 0.41–0.92), and over the 29 layers the projection multiplies the ratio by 0.33–0.73.
    # Counting it ... within a factor of 2.6 in every seed, but below the measurement in 4 of 5.
    # So the projection does not account for the miss'
    profiles = [experiments.gradient_profile(30, "sigmoid", "xavier", batchnorm=True, seed=s)
                for s in experiments.SEEDS]
    projection = [p.bn_projection for p in profiles]
    assert all(np.all(share <= 1 + 1e-12) for share in projection)
    assert min(share.min() for share in projection) < 0.5
    assert all(int(np.argmin(share)) == 29 for share in projection)
    product = np.array([np.prod(share[1:]) for share in projection])
    assert 0.25 < product.min() and product.max() < 0.8
    counted = predicted * product
    assert np.all(np.abs(np.log(counted / measured)) < np.log(3)) and np.sum(counted < measured) == 4
    # 'counted unit by unit ... predicts 167–651, and 67–473 with the projection: above the
    # measurement in every seed, by a factor of 2.3–4.0'
    units = np.array([p.units_predicted_ratio for p in profiles]) * product
    assert np.all(units / measured > 2) and np.all(units / measured < 5)
    assert np.all(np.array([p.units_predicted_ratio for p in profiles]) > 2 * predicted)
    # 'the two effects together (the projection lowers it, counting unit by unit raises it more)
    # would raise it by a factor of 1.5–4.9 per seed'
    together = units / predicted
    assert np.all(together > 1.2) and np.all(product < 1) and together.max() < 6
    # 'In the sigmoid networks without batch norm the gain misses by a factor of 1.0–2.1 per seed,
    # and with eps = 1 by 1.6–2.7'
    for options in ({}, {"batchnorm": True, "bn_eps": 1.0}):
        miss = np.abs(np.log(
            experiments.profile_spread("predicted_ratio", 30, "sigmoid", "xavier", **options).values
            / experiments.profile_spread("ratio", 30, "sigmoid", "xavier", **options).values))
        assert np.all(miss < np.log(3))
    for seed in experiments.SEEDS:   # 'with eps = 1, larger than every batch variance in this
        # network and far above them from layer 2 on (at most 0.046 there; the first layer's units
        # reach 0.57–0.86'
        variances = experiments.gradient_profile(30, "sigmoid", "xavier", batchnorm=True,
                                                 bn_eps=1.0, seed=seed).bn_var
        assert 0.5 < variances[0].max() < 1.0 and variances[1:].max() < 0.05


def test_chi_units_counts_each_unit_with_its_own_batch_variance():
    X, y = experiments.toy_task()
    net = experiments.build_net(12, "sigmoid", "xavier", batchnorm=True, seed=3)
    _, dy_hat = mse_loss(net.forward(X), y)
    net.backward(dy_hat)
    p = experiments.gradient_profile(12, "sigmoid", "xavier", batchnorm=True, seed=3)
    for k in (0, 5, 11):
        slope_ms = np.mean(net.acts[k].slope ** 2)
        W = net.dense[k + 1].W                       # (inputs, units)
        sigma2 = (net.norms[k + 1].batch_var + net.norms[k + 1].eps if k < 11
                  else np.ones(W.shape[1]))          # the output layer has no batch norm
        by_unit = [np.sum(W[:, j] ** 2) / sigma2[j] for j in range(W.shape[1])]
        assert p.chi_units[k] == pytest.approx(slope_ms * np.mean(by_unit), rel=1e-12)
        np.testing.assert_array_equal(p.bn_var[k], net.norms[k].batch_var)
    plain = experiments.gradient_profile(12, "sigmoid", "xavier", seed=3)
    assert plain.chi_units is None and plain.bn_var is None and np.isnan(plain.units_predicted_ratio)


def test_bn_projection_is_what_batch_norms_backward_keeps_of_the_scaled_gradient():
    X, y = experiments.toy_task()
    net = experiments.build_net(30, "sigmoid", "xavier", batchnorm=True, seed=2)
    _, dy_hat = mse_loss(net.forward(X), y)
    net.backward(dy_hat)
    p = experiments.gradient_profile(30, "sigmoid", "xavier", batchnorm=True, seed=2)
    for k in (0, 7, 28):
        bn, g = net.norms[k], net.acts[k].dz
        sigma = np.sqrt(bn.batch_var + bn.eps)
        kept = np.linalg.norm(bn.backward(g)) / np.linalg.norm(g / sigma)
        assert p.bn_projection[k] == pytest.approx(kept, rel=1e-12)
    assert experiments.gradient_profile(30, "sigmoid", "xavier").bn_projection is None


def test_claim_skip_connections_keep_the_gradient_and_the_network_learns():
    """'Without skips the backward ratio is 5e-06–2e-05 and the network stalls at the mean in all
    five runs; with them it is 3.9–7.5 (the gain predicts 4.5–6.5), and the loss falls to
    0.020–0.040 in all five ... the residual network starts with a larger loss.'"""
    mean = experiments.mean_predictor_loss()
    plain = experiments.profile_spread("ratio", 20, "tanh", "normal")
    skips = experiments.profile_spread("ratio", 20, "tanh", "normal", residual=True)
    predicted = experiments.profile_spread("predicted_ratio", 20, "tanh", "normal", residual=True)
    assert plain.max < 1e-4 and skips.min > 1
    assert np.all(np.abs(np.log(predicted.values / skips.values)) < np.log(3))
    runs = {res: [experiments.train_curve("tanh", 0.005, depth=20, init="normal", steps=120, seed=s,
                                          residual=res) for s in experiments.SEEDS]
            for res in (False, True)}
    assert all(abs(r.final - mean) < 1e-3 for r in runs[False])
    assert all(r.final < 0.05 for r in runs[True])
    assert all(s.losses[0] > p.losses[0] for p, s in zip(runs[False], runs[True]))
    # both signals: the forward one too is kept by the skips
    assert experiments.profile_spread("forward_ratio", 20, "tanh", "normal").max < 1e-5
    forward = experiments.profile_spread("forward_ratio", 20, "tanh", "normal", residual=True)
    assert 0.5 < forward.min and forward.max < 2


def test_example_gain_ratio_weights_each_example_by_its_output_gradient():
    net = experiments.build_net(5, "gelu", "he", seed=2)
    X, y = experiments.toy_task()
    _, d = mse_loss(net.forward(X), y)
    net.backward(d)
    chi = np.array([[32 * np.var(net.dense[k + 1].W) * np.mean(net.acts[k].slope[n] ** 2)
                     for n in range(len(X))] for k in range(5)])
    w = net.acts[-1].dz[:, 0] ** 2
    expected = np.sqrt(np.sum(w * np.prod(chi, axis=0)) / np.sum(w))
    assert experiments.example_gain_ratio(5, "gelu", "he", seed=2) == pytest.approx(expected, rel=1e-12)
