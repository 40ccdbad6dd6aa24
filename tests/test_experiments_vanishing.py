"""Experiments of the Vanishing gradients chapter: measurements against lib.network, bounded caches."""

import gc
import tracemalloc
from functools import partial

import numpy as np
import pytest

from lib.activations import ACTIVATIONS
from lib.experiments import BoundedCache
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
    run = experiments.TrainingRun("sigmoid", 0.3, depth=4, steps=40)
    for t in (1, 8, 20):
        run.advance(t - run.t)
        assert run.t == t and not run.done and np.isnan(run.result().dead_after)
        assert np.all(np.isnan(run.result().losses[t:]))
    run.advance(seconds=0.0)  # one step at least, however short the time
    assert run.t == 21
    run.advance()
    assert run.done and run.t == 40
    np.testing.assert_array_equal(run.result().losses, whole.losses)
    assert (run.dead_before, run.dead_after) == (whole.dead_before, whole.dead_after)
    run.advance()  # a finished run stays as it is
    assert run.t == 40


def test_a_diverging_run_in_pieces_stops_where_the_whole_run_does():
    whole = experiments.train_curve("relu", 5.0, depth=10, steps=50)
    run = experiments.TrainingRun("relu", 5.0, depth=10, steps=50)
    while not run.done:
        run.advance(3)
    assert run.diverged_at == whole.diverged_at
    np.testing.assert_array_equal(run.result().losses, whole.losses)


def test_threads_advancing_one_run_take_turns():
    import threading

    whole = experiments.TrainingRun("tanh", 0.1, depth=6, steps=120)
    whole.advance()
    shared = experiments.TrainingRun("tanh", 0.1, depth=6, steps=120)

    def step_by_step():
        while not shared.done:
            shared.advance(1)

    threads = [threading.Thread(target=step_by_step) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert shared.t == 120
    np.testing.assert_array_equal(shared.result().losses, whole.losses)


def test_training_runs_are_shared_and_resumed():
    run = experiments.training_run("elu", 0.02, 3, "he", 30)
    run.advance(5)
    assert experiments.training_run("elu", 0.02, 3, "he", 30) is run and run.t == 5
    result = experiments.train_curve("elu", 0.02, 3, "he", 30)   # finishes the same run
    assert run.done and np.array_equal(result.losses, run.losses)


def test_sigmoid_bound_and_mean_predictor_loss():
    np.testing.assert_array_equal(experiments.sigmoid_bound([0, 1, 2, 20]), 0.25 ** np.array([0, 1, 2, 20]))
    _, y = experiments.toy_task()
    assert experiments.mean_predictor_loss() == np.mean((y - y.mean()) ** 2)


def test_a_finished_run_lets_its_network_go():
    run = experiments.TrainingRun("relu", 0.05, depth=3, steps=10)
    run.advance(4)
    assert run.net is not None
    run.advance()
    assert run.done and run.net is None and np.isfinite(run.dead_after)
    run.advance()  # nothing left to do, and no network needed for it
    assert run.t == 10


def test_dead_fraction_reference_agrees_with_the_network():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(50, 3))
    for bias, activation in ((-5.0, "relu"), (-0.3, "relu"), (-0.3, "leaky_relu"), (0.0, "elu")):
        net = MLP([3, 6, 6, 1], rng=rng, bias_init=bias, activation=activation)
        np.testing.assert_array_equal(experiments.dead_fraction_reference(net, X), net.dead_fraction(X))
    net = MLP([3, 6, 6, 1], rng=rng, bias_init=-5.0)
    np.testing.assert_array_equal(experiments.dead_fraction_reference(net, X), [1.0, 1.0])


# ---- bounded caches ------------------------------------------------------------------------------

def test_gradient_profile_cache_is_bounded():
    assert experiments.gradient_profile.cache_info().maxsize == 512


@pytest.fixture
def small_runs(monkeypatch):
    """A fresh, small run cache, so the test sees only its own runs."""
    cache = BoundedCache(6)
    monkeypatch.setattr(experiments, "RUNS", cache)
    return cache


def test_the_run_cache_keeps_at_most_its_bound_and_few_unfinished_runs(small_runs):
    finished = [experiments.train_curve("relu", lr, depth=2, steps=5) for lr in (0.1, 0.2, 0.3)]
    unfinished = [experiments.training_run("tanh", lr, depth=2, steps=50) for lr in (0.1, 0.2, 0.3, 0.4, 0.5)]
    assert len(small_runs) <= small_runs.maxsize
    waiting = [run for run in small_runs.values() if not run.done]
    keep = experiments.KEEP_UNFINISHED
    assert len(waiting) == keep and waiting == unfinished[-keep:]
    assert all(run.done and run.net is None for run in small_runs.values() if run not in waiting)
    for lr in (1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6):
        experiments.train_curve("relu", lr, depth=2, steps=3)
    assert len(small_runs) == small_runs.maxsize
    assert finished[0].losses.shape == (5,)  # results handed out stay valid after their run is forgotten


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


def test_sweeping_the_training_explorer_keeps_memory_bounded(monkeypatch):
    cache = BoundedCache(8)
    monkeypatch.setattr(experiments, "RUNS", cache)
    explorer = training_explorer(steps=20)
    sweep(explorer)                      # more settings than the cache holds
    assert len(cache) == cache.maxsize
    assert all(run.net is None for run in cache.values())   # finished runs hold no network
    gc.collect()
    tracemalloc.start()
    try:
        sweep(explorer)                  # the same settings again: the cache forgets and retrains
        gc.collect()
        first, _ = tracemalloc.get_traced_memory()
        sweep(explorer)
        gc.collect()
        second, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(cache) == cache.maxsize
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
    np.testing.assert_allclose(p.h_std, [hk.std() for hk in h], rtol=1e-12)
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
