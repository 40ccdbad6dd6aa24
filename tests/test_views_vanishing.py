"""Views of the Vanishing gradients chapter: measurements against lib.network, explorers update artists."""

import numpy as np
import pytest

from lib.activations import ACTIVATIONS
from lib.explorer import Choice, Explorer, Slider, Toggle
from lib.network import MLP, mse_loss
from lib.plotting import figure
from lib.views import vanishing as v


def fresh(depth, activation, init, **kw):
    """The network gradient_profile measures, built here independently."""
    options = {"scale": 0.1 * kw.pop("gain", 1.0)} if init == "normal" else {"gain": kw.pop("gain", 1.0)}
    return MLP([2] + [32] * depth + [1], rng=np.random.default_rng(1), activation=activation, init=init,
               **options, **kw)


def test_toy_task_is_deterministic_and_in_range():
    X1, y1 = v.toy_task()
    X2, y2 = v.toy_task()
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_allclose(y1[:, 0], np.sin(2 * X1[:, 0]) * np.cos(X1[:, 1]), rtol=0, atol=0)
    assert v.mean_predictor_loss() == pytest.approx(np.var(y1))


@pytest.mark.parametrize("activation, init, gain, bn", [
    ("sigmoid", "xavier", 1.0, False), ("tanh", "normal", 2.0, False), ("relu", "he", 1.5, False),
    ("gelu", "he", 1.0, True),
])
def test_gradient_profile_matches_network(activation, init, gain, bn):
    p = v.gradient_profile(7, activation, init, gain, bn)
    net = fresh(7, activation, init, gain=gain, batchnorm=bn)
    X, y = v.toy_task()
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
    p = v.gradient_profile(20, "sigmoid", "xavier")
    assert np.all(p.factor_max <= 0.25)
    assert np.all(np.cumprod(p.factor_mean) <= v.sigmoid_bound(np.arange(1, 21)))


def test_build_net_gain_scales_every_scheme():
    for init, std in [("normal", 0.2), ("xavier", 2 * np.sqrt(2 / 64)), ("he", 2 * np.sqrt(2 / 32))]:
        net = v.build_net(3, "tanh", init, gain=2.0)
        assert net.dense[1].W.std() == pytest.approx(std, rel=0.1)
    assert v.build_net(2, "tanh", "matched").init == "xavier"
    assert v.build_net(2, "elu", "matched").init == "he"


def test_train_curve_follows_the_explicit_loop():
    run = v.train_curve("tanh", 0.05, depth=3, steps=20)
    net = v.build_net(3, "tanh", "xavier")
    X, y = v.toy_task()
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
    run = v.train_curve("relu", 5.0, depth=10, steps=50)   # RuntimeWarning is an error in the tests
    assert run.diverged_at is not None and run.diverged_at < 50
    assert np.all(np.isnan(run.losses[run.diverged_at:]))
    assert np.all(np.isfinite(run.losses[:run.diverged_at]))


def test_a_run_trained_in_pieces_equals_the_whole_run():
    whole = v.train_curve("sigmoid", 0.3, depth=4, steps=40)
    run = v.TrainingRun("sigmoid", 0.3, depth=4, steps=40)
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
    whole = v.train_curve("relu", 5.0, depth=10, steps=50)
    run = v.TrainingRun("relu", 5.0, depth=10, steps=50)
    while not run.done:
        run.advance(3)
    assert run.diverged_at == whole.diverged_at
    np.testing.assert_array_equal(run.result().losses, whole.losses)


def test_threads_advancing_one_run_take_turns():
    import threading

    whole = v.TrainingRun("tanh", 0.1, depth=6, steps=120)
    whole.advance()
    shared = v.TrainingRun("tanh", 0.1, depth=6, steps=120)

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
    run = v.training_run("elu", 0.02, 3, "he", 30)
    run.advance(5)
    assert v.training_run("elu", 0.02, 3, "he", 30) is run and run.t == 5
    result = v.train_curve("elu", 0.02, 3, "he", 30)   # finishes the same run
    assert run.done and np.array_equal(result.losses, run.losses)


def test_training_view_draws_a_new_run_as_it_trains(monkeypatch):
    monkeypatch.setattr(v.TrainingView, "FIRST_SECONDS", 0.0)  # one step per piece
    monkeypatch.setattr(v.TrainingView, "CHUNK_SECONDS", 0.0)
    e = Explorer(v.TrainingView, {"activation": Choice(["relu", "tanh"]),
                                  "lr": Slider(-3, 0, 0.5, value=0.1, log=True)}, alt="loss curve",
                 width=4, height=3)
    readout = e.respond(activation="tanh", lr=0.0123)
    assert e.view.run.t == 1 and readout.startswith("training: step 1 of 200, loss")
    assert np.count_nonzero(np.isfinite(e.view.line.get_ydata())) == 1
    pieces = []
    while (more := e.advance()) is not None:
        pieces.append(more)
    assert len(pieces) == 199 and pieces[100].startswith("training: step 102 of 200")
    whole = v.train_curve("tanh", 0.0123, 10, "matched", 200)
    np.testing.assert_array_equal(e.view.line.get_ydata(), whole.losses)
    assert pieces[-1] == e.update() and pieces[-1].startswith(f"loss {whole.losses[0]:.3g} → {whole.final:.3g}")
    assert e.advance() is None


def test_plot_functions_draw_the_measurements():
    fig, ax = figure()
    p = v.gradient_profile(5, "relu", "he")
    line = v.plot_gradient_profile(ax, p, of="W")
    np.testing.assert_allclose(line.get_ydata(), p.grad_W[::-1] / p.grad_W[-1])
    bound = v.plot_bound(ax, 5)
    np.testing.assert_allclose(bound.get_ydata(), 4.0 ** -np.arange(6))
    run = v.train_curve("relu", 0.05, depth=4, steps=30)
    curve = v.plot_loss_curve(ax, run)
    np.testing.assert_allclose(curve.get_ydata(), run.losses)
    assert ax.get_yscale() == "log"


def stethoscope(**values):
    controls = {
        "depth": Slider(2, 50, 1, value=values.get("depth", 10)),
        "activation": Choice(list(v.ACTIVATION_NAMES), value=values.get("activation", "sigmoid")),
        "init": Choice(["normal", "xavier", "he"], value=values.get("init", "xavier")),
        "gain": Slider(0.5, 2.0, 0.1, value=1.0),
        "batchnorm": Toggle(False),
    }
    return Explorer(v.GradientView, controls, alt="gradient norms per layer")


def test_gradient_view_updates_existing_artists():
    e = stethoscope()
    view, fig = e.view, e.fig
    lines = (view.z_line, view.w_line, view.bound_line)
    readout = e.update(depth=30, activation="relu", init="he", gain=1.5)
    assert (view.z_line, view.w_line, view.bound_line) == lines and e.fig is fig and len(fig.axes) == 1
    p = v.gradient_profile(30, "relu", "he", 1.5, False)
    np.testing.assert_allclose(view.z_line.get_ydata(), p.relative("z"))
    np.testing.assert_allclose(view.w_line.get_ydata(), p.relative("W"))
    np.testing.assert_allclose(view.bound_line.get_ydata(), 4.0 ** -np.arange(31))
    np.testing.assert_array_equal(view.z_line.get_xdata(), np.arange(31))
    assert view.ax.get_xlim() == (0, v.axis_length(30)) and view.ax.get_ylim() == pytest.approx(v.PROFILE_YLIM)
    assert f"{p.ratio:.1e}" in readout and f"{100 * p.dead.mean():.0f} %" in readout
    assert "4^-30 = 8.7e-19" in readout


def test_gradient_view_warms_every_axis_length():
    e = Explorer(v.GradientView, {"depth": Slider(2, 50, 1, value=10, static=[10]),
                                  "activation": Choice(["relu"]), "init": Choice(["he"])},
                 alt="gradient norms per layer", warm=True)
    assert [s["depth"] for s in e.view.warm_settings] == [5, 10, 20, 30, 40, 50]
    e.live()
    lengths = {state[0][1] for state in e.renderer.frames}  # the x limits of each kept frame
    assert lengths == {(0.0, float(n)) for n in (5, 10, 20, 30, 40, 50)}


def test_gradient_view_batchnorm_and_readout_for_sigmoid():
    e = stethoscope()
    readout = e.update(depth=10, activation="sigmoid", init="xavier", batchnorm=True)
    p = v.gradient_profile(10, "sigmoid", "xavier", 1.0, True)
    np.testing.assert_allclose(e.view.z_line.get_ydata(), p.relative("z"))
    assert "batch norm" in e.view.title.get_text()
    assert readout.startswith(f"first hidden layer's gradient = {p.ratio:.1e}")


def test_training_view_updates_existing_artists():
    e = Explorer(v.TrainingView, {"activation": Choice(["relu", "sigmoid"]),
                                  "lr": Slider(-3, 0, 0.5, value=0.1, log=True)}, alt="loss curve")
    line, fig = e.view.line, e.fig
    readout = e.update(activation="sigmoid", lr=0.1)
    run = v.train_curve("sigmoid", 0.1, 10, "matched", 200)
    assert e.view.line is line and e.fig is fig and len(fig.axes) == 1
    np.testing.assert_allclose(line.get_ydata(), run.losses)
    assert f"{run.final:.3g}" in readout and "0.169" in readout
    assert len(e.view.marker.get_xdata()) == 0
    readout = e.update(activation="relu", lr=1.0)
    run = v.train_curve("relu", 1.0, 10, "matched", 200)
    assert run.diverged_at is not None and readout == f"diverged at step {run.diverged_at}: the loss overflowed"
    assert list(e.view.marker.get_xdata()) == [run.diverged_at]
    assert e.view.ax.get_ylim() == pytest.approx(v.LOSS_YLIM)


def test_training_view_colours_the_line_by_activation():
    e = Explorer(v.TrainingView, {"activation": Choice(["relu", "tanh"]),
                                  "lr": Slider(-3, 0, 0.5, value=0.01, log=True)}, alt="loss curve")
    e.update(activation="tanh")
    assert e.view.line.get_color() == v.COLORS["tanh"]
    assert e.view.legend in e.view.fixed_artists   # so the legend does not show the curve's colour
    assert [t.get_text() for t in e.view.legend.get_texts()] == ["always predicting the mean", "diverged"]
