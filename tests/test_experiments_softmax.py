"""Experiments of the Softmax chapter: the naive formulas, the worked example, temperature, regions."""

import warnings

import numpy as np
import pytest

from lib.activations import log_softmax, softmax
from lib.experiments import SEEDS
from lib.experiments import softmax as experiments


def test_naive_formulas():
    np.testing.assert_allclose(experiments.naive_normalize([5, 3, 2, 5]), [1 / 3, 0.2, 2 / 15, 1 / 3])
    assert np.isnan(experiments.naive_normalize([2.33, -2.89, 0.56])).all()
    np.testing.assert_allclose(experiments.naive_normalize([[1.0, 3.0], [2.0, 2.0]]),
                               [[0.25, 0.75], [0.5, 0.5]])
    np.testing.assert_allclose(experiments.naive_softmax([2.33, -1.46, 0.56]), softmax([2.33, -1.46, 0.56]),
                               rtol=1e-14)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = experiments.naive_softmax([1000.0, 0.0, -1000.0])
        assert np.isnan(out[0]) and out[1] == 0 and out[2] == 0
        assert np.isnan(experiments.naive_softmax([20.0, 0.0], np.float16)[0])
        assert experiments.naive_softmax([20.0, 0.0], np.float16).dtype == np.float16


@pytest.mark.parametrize("dtype, value", [(np.float16, 11.09), (np.float32, 88.72), (np.float64, 709.78)])
def test_overflow_threshold(dtype, value):
    t = experiments.overflow_threshold(dtype)
    assert round(t, 2) == value
    with np.errstate(over="ignore"):
        assert np.isfinite(np.exp(dtype(t * 0.999))) and np.isinf(np.exp(dtype(t * 1.01)))


def test_softmax_steps_exact_and_rounded():
    s = experiments.softmax_steps(experiments.WORKED_LOGITS)
    np.testing.assert_allclose(s["exp"], np.exp(experiments.WORKED_LOGITS))
    np.testing.assert_allclose(s["p"], softmax(experiments.WORKED_LOGITS), rtol=1e-14)
    r = experiments.softmax_steps(experiments.WORKED_LOGITS, exp=[10.278, 0.232, 1.75], total=12.26)
    np.testing.assert_allclose(r["p"], np.array([10.278, 0.232, 1.75]) / 12.26)
    assert round(100 * r["p"][2], 2) == 14.27 and round(100 * s["p"][2], 2) == 14.28


def test_temperature_sweep_is_softmax_of_the_scaled_logits():
    t, p = experiments.temperature_sweep()
    assert t.shape == (200,) and p.shape == (200, 3)
    assert t[0] == pytest.approx(10 ** -1.3) and t[-1] == pytest.approx(100.0)
    np.testing.assert_allclose(p[57], softmax(np.array(experiments.WORKED_LOGITS) / t[57]), rtol=1e-14)
    t, p = experiments.temperature_sweep([3.0, 1.0], [0.5, 2.0])
    np.testing.assert_allclose(p, [softmax([6.0, 2.0]), softmax([1.5, 0.5])], rtol=1e-14)


def test_class_grid_picks_the_argmax_on_a_grid_around_the_points():
    X = np.array([[-1.0, 0.0], [1.0, 0.0], [0.0, 2.0]])
    scores = lambda P: np.column_stack([-P[:, 0], P[:, 0], P[:, 1] - 1.5])  # noqa: E731
    gx, gy, classes = experiments.class_grid(scores, X, resolution=20, margin=0.5)
    assert gx.shape == gy.shape == classes.shape == (20, 20)
    assert (gx.min(), gx.max(), gy.min(), gy.max()) == (-1.5, 1.5, -0.5, 2.5)
    picked = np.argmax(scores(np.c_[gx.ravel(), gy.ravel()]), axis=1).reshape(20, 20)
    np.testing.assert_array_equal(classes, picked)
    assert classes[0, 0] == 0 and classes[0, -1] == 1 and classes[-1, 10] == 2


# -- multinomial logistic regression on the digits ------------------------------------------------

from lib.datasets import digits  # noqa: E402
from lib.derivatives import numerical_gradient  # noqa: E402
from lib.network import MLP, softmax_cross_entropy  # noqa: E402


@pytest.fixture(scope="module")
def data():
    return experiments.digits_split(1)


@pytest.fixture(scope="module")
def model():
    return experiments.digits_model(1, 3.0, 450)


def small_problem(seed=0, n=7, d=4, k=3):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(d, k)), rng.normal(size=k), rng.normal(size=(n, d)), rng.integers(0, k, n)


def test_gradient_matches_central_differences():
    W, b, X, y = small_problem()
    loss, dW, db = experiments.softmax_regression_gradient(W, b, X, y)
    assert loss == pytest.approx(softmax_cross_entropy(X @ W + b, y)[0], rel=1e-15)
    num_W = numerical_gradient(lambda V: experiments.softmax_regression_gradient(V, b, X, y)[0], W, h=1e-6)
    num_b = numerical_gradient(lambda c: experiments.softmax_regression_gradient(W, c, X, y)[0], b, h=1e-6)
    np.testing.assert_allclose(dW, num_W, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(db, num_b, rtol=1e-7, atol=1e-9)
    # the written formula: X^T (P - Y) / N, and the column sums of (P - Y) / N
    G = (softmax(X @ W + b) - np.eye(3)[y]) / len(y)
    np.testing.assert_allclose(dW, X.T @ G, rtol=1e-13)
    np.testing.assert_allclose(db, G.sum(axis=0), rtol=1e-13, atol=1e-16)


def test_gradient_on_the_digits_matches_central_differences(data):
    rng = np.random.default_rng(1)
    X, y = data.X_train[:200], data.y_train[:200]
    W, b = rng.normal(scale=0.3, size=(64, 10)), rng.normal(size=10)
    _, dW, _ = experiments.softmax_regression_gradient(W, b, X, y)
    pixels = [19, 27, 36, 44]          # near the centre of the 8x8 image, where the strokes are

    def loss_of(block):
        V = W.copy()
        V[pixels] = block
        return experiments.softmax_regression_gradient(V, b, X, y)[0]

    num = numerical_gradient(loss_of, W[pixels], h=1e-6)
    np.testing.assert_allclose(dW[pixels], num, rtol=1e-6, atol=1e-10)
    assert np.abs(dW[pixels]).min() > 1e-4    # every checked entry is far from 0: the check can fail
    assert np.all(dW[0] == 0)                 # the corner pixel is 0 in every image: no gradient


def test_training_is_plain_gradient_descent_with_that_gradient():
    W0, _, X, y = small_problem(seed=3, n=20)
    model = experiments.train_softmax_regression(X, y, rng=np.random.default_rng(5), classes=4,
                                                 lr=0.3, steps=25, scale=0.2)
    W, b = np.random.default_rng(5).normal(0.0, 0.2, size=(4, 4)), np.zeros(4)
    losses = []
    for _ in range(25):
        loss, dW, db = experiments.softmax_regression_gradient(W, b, X, y)
        losses.append(loss)
        W, b = W - 0.3 * dW, b - 0.3 * db
    np.testing.assert_allclose(model.W, W, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(model.b, b, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(model.losses, losses, rtol=1e-13)
    assert model.W.shape == (4, 4) and model.n_parameters == 20   # classes=4, one class unseen


def test_trained_model_on_the_digits(data, model):
    assert model.W.shape == (64, 10) and model.b.shape == (10,) and model.n_parameters == 650
    assert model.losses.shape == (450,)
    assert np.all(np.diff(model.losses[30:]) < 0) and model.losses[-1] < 0.1   # down from step 31 on
    train = np.mean(model.predict(data.X_train) == data.y_train)
    test = np.mean(model.predict(data.X_test) == data.y_test)
    assert experiments.accuracy(model, data.X_test, data.y_test) == test
    assert 0.97 < train < 1.0 and 0.93 < test < 0.99
    P = model.probabilities(data.X_test)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-14)
    np.testing.assert_array_equal(P.argmax(axis=1), model.predict(data.X_test))
    np.testing.assert_allclose(model.logits(data.X_test), data.X_test @ model.W + model.b)


def test_the_weights_are_those_of_the_chapters_network(data, model):
    net = MLP([64, 10], rng=np.random.default_rng([1, 2]), init="normal", scale=0.01)
    net.train(data.X_train, data.y_train, loss="cross_entropy", lr=3.0, epochs=450)
    np.testing.assert_array_equal(model.W, net.dense[0].W)
    np.testing.assert_array_equal(model.logits(data.X_test), net.predict(data.X_test))


def test_the_path_keeps_the_models_of_shorter_runs():
    W0, _, X, y = small_problem(seed=4, n=30)
    path = experiments.softmax_regression_path(X, y, rng=np.random.default_rng(2), lr=0.5, steps=(0, 7, 20))
    for model, t in zip(path, (0, 7, 20)):
        alone = experiments.train_softmax_regression(X, y, rng=np.random.default_rng(2), lr=0.5, steps=t)
        np.testing.assert_array_equal(model.W, alone.W)
        np.testing.assert_array_equal(model.b, alone.b)
        np.testing.assert_array_equal(model.losses, alone.losses)
    assert path[0].losses.size == 0 and np.all(path[0].b == 0)
    for bad in [(), (-1,), (2.5,)]:
        with pytest.raises(ValueError, match="steps"):
            experiments.softmax_regression_path(X, y, rng=np.random.default_rng(2), steps=bad)


def test_digits_split_three_ways(data):
    assert (len(data.y_train), len(data.y_val), len(data.y_test)) == (1011, 337, 449)
    whole = digits(seed=1)
    np.testing.assert_array_equal(data.X_test, whole.X_test)        # the test set is digits(seed=1)'s
    rows = lambda X: {r.tobytes() for r in X}  # noqa: E731
    train, val = rows(data.X_train), rows(data.X_val)
    assert train | val == rows(whole.X_train) and not train & val   # the rest, split in two
    assert not data.X_train.flags.writeable and not data.y_val.flags.writeable
    other = experiments.digits_split(2)
    assert not np.array_equal(other.y_test, data.y_test)            # another seed, another split
    assert data.images(data.X_val[:3]).shape == (3, 8, 8)


def test_binomial_standard_error():
    assert experiments.binomial_standard_error(0.5, 100) == pytest.approx(0.05, rel=1e-15)
    assert experiments.binomial_standard_error(1.0, 10) == 0.0
    rng = np.random.default_rng(0)                                  # a simulated accuracy on n images
    shares = rng.binomial(449, 0.96, size=20000) / 449
    assert shares.std() == pytest.approx(experiments.binomial_standard_error(0.96, 449), rel=0.02)


def test_hypergeometric_standard_error_and_the_finite_population_correction():
    rng = np.random.default_rng(0)
    # test sets of 449 drawn without replacement from 1797 images, 96 % of which are read right
    right = rng.hypergeometric(int(0.96 * 1797), 1797 - int(0.96 * 1797), 449, size=20000) / 449
    q = int(0.96 * 1797) / 1797
    assert right.std() == pytest.approx(experiments.hypergeometric_standard_error(q, 449, 1797), rel=0.02)
    assert experiments.hypergeometric_standard_error(q, 449, 1797) == pytest.approx(
        experiments.binomial_standard_error(q, 449) * np.sqrt(1348 / 1796), rel=1e-14)
    assert experiments.finite_population_correction(449, 1797) == pytest.approx(np.sqrt(1348 / 1796), rel=1e-15)
    assert experiments.finite_population_correction(1, 10**9) == pytest.approx(1.0, abs=1e-9)
    with pytest.raises(ValueError, match="population"):
        experiments.hypergeometric_standard_error(0.9, 449, 100)
    with pytest.raises(ValueError, match="population"):
        experiments.finite_population_correction(1, 1)


def test_normal_coverage_quantile_and_interval():
    rng = np.random.default_rng(0)
    draws = rng.normal(size=200000)
    for k in (0.5, 1.0, 2.0):
        assert experiments.normal_coverage(k) == pytest.approx(np.mean(np.abs(draws) < k), abs=0.005)
    for level in (0.5, 0.9, 0.95):
        z = experiments.normal_quantile(level)
        assert experiments.normal_coverage(z) == pytest.approx(level, abs=1e-12)
    assert experiments.normal_quantile(0.95) == pytest.approx(1.959963984540054, rel=1e-12)
    low, high = experiments.normal_interval(0.5, 0.1, level=0.9)
    assert (low + high) / 2 == pytest.approx(0.5) and high - low == pytest.approx(2 * 1.6448536 * 0.1, rel=1e-7)
    for bad in (0.0, 1.0, 1.5):
        with pytest.raises(ValueError, match="level"):
            experiments.normal_quantile(bad)


def test_reliability_groups_every_answer_once_and_its_calibrated_spread_is_right():
    check = experiments.reliability(3.0, 450, edges=(0.0, 0.5, 0.9, 1.0))
    below, middle, above = check.groups
    assert (below.low, middle.low, above.low, above.high) == (0.0, 0.5, 0.9, 1.0)
    np.testing.assert_array_equal(below.count.values + middle.count.values + above.count.values, 449)
    s, m = experiments.digits_split(2), experiments.digits_model(2, 3.0, 450)
    P = m.probabilities(s.X_test)
    c, right = P.max(axis=1), P.argmax(axis=1) == s.y_test
    inside = (c >= 0.5) & (c < 0.9)
    assert middle.count.values[1] == inside.sum()
    assert middle.confidence.values[1] == pytest.approx(c[inside].mean(), rel=1e-15)
    assert middle.accuracy.values[1] == right[inside].mean()
    # a calibrated model: each answer right with its own probability; its share right has that spread
    rng = np.random.default_rng(0)
    shares = (rng.random((20000, inside.sum())) < c[inside]).mean(axis=1)
    assert shares.mean() == pytest.approx(c[inside].mean(), abs=1e-3)
    assert shares.std() == pytest.approx(middle.calibrated_error.values[1], rel=0.02)
    np.testing.assert_allclose(middle.gap_in_errors.values,
                               (middle.accuracy.values - middle.confidence.values) / middle.calibrated_error.values)
    assert check.largest_gap_in_errors == max(np.abs(g.gap_in_errors.values).max() for g in check.groups)
    # the whole set: one group, whose averages are digits_accuracy's
    (whole,) = experiments.reliability(3.0, 450, edges=(0.0, 1.0)).groups
    result = experiments.digits_accuracy(3.0, 450)
    np.testing.assert_allclose(whole.confidence.values, result.confidence.values, rtol=1e-14)
    np.testing.assert_array_equal(whole.accuracy.values, result.test.values)
    with pytest.raises(ValueError, match="edges"):
        experiments.reliability(3.0, 450, edges=(0.0, 0.05, 1.0))      # no answer is that unsure
    with pytest.raises(ValueError, match="edges"):
        experiments.reliability(3.0, 450, edges=(0.5, 0.5))


def test_selection_and_accuracy_objects():
    sel = experiments.choose_on_validation()
    assert sel.learning_rates == experiments.DIGITS_LEARNING_RATES and sel.steps == experiments.DIGITS_STEPS
    assert sel.means.shape == (3, 4) and len(sel.ranking) == 12 and sel.ranking[0] == sel.best
    ranked = [float(sel.spread(*setting).mean) for setting in sel.ranking]
    assert ranked == sorted(ranked, reverse=True)
    s = experiments.digits_split(3)
    assert sel.spread(1.0, 150).values[2] == experiments.accuracy(experiments.digits_model(3, 1.0, 150),
                                                                  s.X_val, s.y_val)
    result = experiments.digits_accuracy(3.0, 450)
    assert result.test.seeds == SEEDS and result.n_test == 449 and result.n_images == 1797
    np.testing.assert_array_equal(result.gap.values, result.train.values - result.test.values)
    np.testing.assert_array_equal(result.validation.values, sel.spread(3.0, 450).values)
    assert result.test_std == pytest.approx(np.std(result.test.values, ddof=1))
    assert result.split_standard_error == pytest.approx(result.standard_error * np.sqrt(1348 / 1796), rel=1e-14)
    m, s4 = experiments.digits_model(4, 3.0, 450), experiments.digits_split(4)
    assert result.largest_logit.values[3] == m.logits(s4.X_test).max()
    assert result.confidence.values[3] == m.probabilities(s4.X_test).max(axis=1).mean()
    # a step count outside the grid gets a run of its own, the same as the grid's would be
    np.testing.assert_array_equal(experiments.digits_model(1, 3.0, 37).W,
                                  experiments.digits_run(1, 3.0, (37, 450))[0].W)


def test_ranking_takes_fewer_steps_among_equal_means():
    from lib.experiments import Spread
    sp = lambda *v: Spread(np.array(v), (1, 2))  # noqa: E731
    # equal means that differ in the last bit (0.1 + 0.2 against 0.3) still count as equal
    sel = experiments.DigitsSelection((1.0, 3.0), (10, 30), ((sp(0.1, 0.2), sp(0.2, 0.1 + 0.2 + 0.1)),
                                                             (sp(0.3, 0.3), sp(0.1, 0.1))))
    assert sel.best == (3.0, 10) and sel.tied_with_best() == [(1.0, 30)]
    assert sel.ranking == [(3.0, 10), (1.0, 30), (1.0, 10), (3.0, 30)]


def test_weight_distance_is_the_relative_distance_of_all_parameters():
    d = experiments.weight_distance((1.0, 150), (3.0, 50), seeds=(2,))
    a, b = experiments.digits_model(2, 1.0, 150), experiments.digits_model(2, 3.0, 50)
    va, vb = np.r_[a.W.ravel(), a.b], np.r_[b.W.ravel(), b.b]
    assert d.values[0] == pytest.approx(np.linalg.norm(va - vb) / np.linalg.norm(vb), rel=1e-14)
    assert experiments.weight_distance((3.0, 450), (3.0, 450), seeds=(1,)).values[0] == 0.0


def test_confusion_matrix_of_the_test_set(data, model):
    counts = experiments.confusion_matrix(data.y_test, model.predict(data.X_test), classes=10)
    assert counts.shape == (10, 10) and counts.dtype.kind == "i"
    np.testing.assert_array_equal(counts.sum(axis=1), np.bincount(data.y_test, minlength=10))
    np.testing.assert_array_equal(counts.sum(axis=0), np.bincount(model.predict(data.X_test), minlength=10))
    assert np.trace(counts) == np.sum(model.predict(data.X_test) == data.y_test)
    metrics = pytest.importorskip("sklearn.metrics")
    np.testing.assert_array_equal(counts, metrics.confusion_matrix(data.y_test, model.predict(data.X_test),
                                                                   labels=range(10)))


def test_confusion_matrix_small_and_refusals():
    counts = experiments.confusion_matrix([2, 2, 0, 1], [2, 0, 0, 2], classes=4)
    assert counts.tolist() == [[1, 0, 0, 0], [0, 0, 1, 0], [1, 0, 1, 0], [0, 0, 0, 0]]
    with pytest.raises(ValueError, match="y_pred"):
        experiments.confusion_matrix([0, 1], [0], classes=2)
    with pytest.raises(ValueError, match="y_true"):
        experiments.confusion_matrix([0, 2], [0, 1], classes=2)
    with pytest.raises(ValueError, match="y_pred"):
        experiments.confusion_matrix([0, 1], [0.0, 1.0], classes=2)


def test_misclassified_are_the_wrong_rows_most_confident_first(data, model):
    P = model.probabilities(data.X_test)
    wrong = experiments.misclassified(P, data.y_test)
    predicted = P.argmax(axis=1)
    assert set(wrong.tolist()) == set(np.flatnonzero(predicted != data.y_test).tolist())
    confidence = P[wrong, predicted[wrong]]
    assert np.all(np.diff(confidence) <= 0) and len(wrong) > 3
    np.testing.assert_array_equal(experiments.misclassified(P, data.y_test, count=3), wrong[:3])
    assert experiments.misclassified([[0.9, 0.1]], [0]).size == 0


# Claims the chapter makes ---------------------------------------------------------------------------
# Each test backs one sentence of chapters/04_softmax.ipynb, over the calls the chapter makes.

def test_claim_probability_ratio_is_exp_of_the_logit_difference():
    """"The ratio of two probabilities is p_1 / p_3 = e^(z_1 - z_3): it depends only on the difference"."""
    z = np.array(experiments.WORKED_LOGITS)
    p = softmax(z)
    assert p[0] / p[2] == pytest.approx(np.exp(z[0] - z[2]), rel=1e-14)
    q = softmax(z + np.array([5.0, 0.0, 5.0]))                      # the same difference, other logits
    assert q[0] / q[2] == pytest.approx(p[0] / p[2], rel=1e-14)


def test_claim_naive_division_reverses_the_order_when_the_sum_is_negative():
    """"A negative sum reverses the order: (-1, -3) gives (0.25, 0.75) ... Softmax keeps the order"."""
    np.testing.assert_allclose(experiments.naive_normalize([-1.0, -3.0]), [0.25, 0.75], rtol=1e-15)
    z = np.random.default_rng(0).normal(size=(500, 4)) - 1.0
    z = z[z.sum(axis=1) < 0]
    naive = experiments.naive_normalize(z)
    assert len(z) > 300
    np.testing.assert_array_equal(np.argsort(naive, axis=1), np.argsort(z, axis=1)[:, ::-1])
    np.testing.assert_array_equal(np.argsort(softmax(z), axis=1), np.argsort(z, axis=1))


def test_claim_scores_of_both_signs_give_a_negative_naive_share_and_one_above_1():
    """"the worked example has one below zero, and its naive share is negative while another is above 1"."""
    naive = experiments.naive_normalize(experiments.WORKED_LOGITS)
    assert naive[1] < 0 < 1 < naive[0]


def test_claim_in_floating_point_softmax_can_give_exactly_0_and_1():
    """"a probability far below the largest one rounds to exactly 0, the largest then to exactly 1"."""
    out = softmax(np.array([1000.0, 0.0, -1000.0]))
    assert out.tolist() == [1.0, 0.0, 0.0]
    assert softmax(np.array([0.0, -800.0, -900.0]))[1:].tolist() == [0.0, 0.0]   # a tie at 0


def test_claim_a_negative_scale_turns_the_order_around():
    """"For a > 0, multiplying the logits by a is ... a temperature T = 1/a; a negative a turns the order around"."""
    z = np.array(experiments.WORKED_LOGITS)
    np.testing.assert_allclose(softmax(2.0 * z), softmax(z, temperature=0.5), rtol=1e-14)
    np.testing.assert_array_equal(np.argsort(softmax(-2.0 * z)), np.argsort(z)[::-1])


def test_claim_logits_tied_for_the_largest_share_it_as_t_goes_to_0():
    """"As T -> 0 ... logits tied for the largest share it equally"."""
    np.testing.assert_allclose(softmax(np.array([1.0, 1.0, 0.0]), temperature=1e-3), [0.5, 0.5, 0.0],
                               atol=1e-300)


def test_claim_log_softmax_is_exact_where_log_of_softmax_is_minus_infinity():
    """"log_softmax gives -1000 and -2000, the exact answers, where the log of the softmax gives -inf twice"."""
    big = np.array([1000.0, 0.0, -1000.0])
    assert log_softmax(big).tolist() == [0.0, -1000.0, -2000.0]
    assert softmax(big)[1:].tolist() == [0.0, 0.0]               # e^-1000 and e^-2000 both underflow
    with np.errstate(divide="ignore"):
        assert np.log(softmax(big)).tolist() == [0.0, -np.inf, -np.inf]


def test_claim_shifted_exponentials_lie_in_0_1_and_can_underflow_to_0():
    """"every exponential lies between 0 and 1 ... a shifted logit far below 0 underflows to exactly 0 ...
    The denominator is at least 1"."""
    big = np.array([1000.0, 0.0, -1000.0])
    e = np.exp(big - big.max())
    assert e.tolist() == [1.0, 0.0, 0.0] and e.sum() >= 1
    Z = np.random.default_rng(1).normal(scale=300.0, size=(200, 6))
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    assert np.all((E >= 0) & (E <= 1)) and np.all(E.sum(axis=1) >= 1) and np.any(E == 0)


def test_claim_a_single_logit_gets_probability_exactly_1():
    """"with a single class, K = 1, the one output is exactly 1" (the (0, 1) claim needs K >= 2)."""
    for z in (3.0, -500.0, 1e300):
        assert softmax(np.array([z])).tolist() == [1.0]
    P = softmax(np.random.default_rng(2).normal(scale=3.0, size=(1000, 2)))
    assert np.all((P > 0) & (P < 1))


def test_claim_raising_one_logit_lowers_every_other_probability():
    """"raising z_j raises p_j and lowers every other probability (the signs of the Jacobian below)";
    the order within the vector is kept."""
    z = np.array(experiments.WORKED_LOGITS)
    for j in range(3):
        up = z.copy()
        up[j] += 0.5
        change = softmax(up) - softmax(z)
        assert change[j] > 0 and np.all(np.delete(change, j) < 0)
        np.testing.assert_array_equal(np.sign(softmax.jacobian(z)[:, j]), np.where(np.arange(3) == j, 1, -1))


def test_claim_naive_division_sums_to_1_whenever_the_sum_is_not_zero():
    """Quiz ch4-naive-division: "The first half holds whenever the sum is not zero" (the order does not)."""
    z = np.random.default_rng(3).normal(size=(500, 4))
    z = z[np.abs(z.sum(axis=1)) > 0.1]
    np.testing.assert_allclose(experiments.naive_normalize(z).sum(axis=1), 1.0, rtol=1e-10)


def test_claim_rounded_percentages_miss_100_by_at_most_k_times_0_005_and_cutting_gives_99_98():
    """"the exact values, rounded, add up to 100.00 %, the rounded intermediates to 99.99 % ... Cutting off ...
    99.98 %"; K percentages rounded to two decimals miss 100 % by at most K x 0.005."""
    p = softmax(np.array(experiments.WORKED_LOGITS))
    rounded = experiments.softmax_steps(experiments.WORKED_LOGITS, exp=[10.278, 0.232, 1.75], total=12.26)["p"]
    assert f"{100 * np.round(p, 4).sum():.2f}" == "100.00"
    assert f"{100 * np.round(rounded, 4).sum():.2f}" == "99.99"
    assert f"{100 * (np.floor(p * 1e4) / 1e4).sum():.2f}" == "99.98"
    P = softmax(np.random.default_rng(4).normal(scale=2.0, size=(20000, 3)))
    miss = np.abs(np.round(100 * P, 2).sum(axis=1) - 100)
    assert miss.max() <= 3 * 0.005 + 1e-9 and miss.max() > 0.009    # the bound holds and is nearly reached


def test_claim_the_training_set_is_more_than_twice_the_test_set(data):
    """Quiz ch4-report-test-accuracy: the training accuracy "is measured on more than twice as many images
    (1011 against 449)", not three times."""
    assert (len(data.y_train), len(data.y_test)) == (1011, 449)
    assert 2 < len(data.y_train) / len(data.y_test) < 3


@pytest.fixture(scope="module")
def selection():
    return experiments.choose_on_validation()


@pytest.fixture(scope="module")
def result(selection):
    return experiments.digits_accuracy(*selection.best)


@pytest.fixture(scope="module")
def longer():
    return experiments.digits_accuracy(9.0, 1350)


def test_claim_every_row_rises_from_50_to_150_steps_in_at_least_4_of_5_runs(selection):
    """"Every row first rises: from 50 to 150 steps the accuracy goes up in at least 4 of 5 runs at every
    learning rate"."""
    assert selection.learning_rates == (1.0, 3.0, 9.0) and selection.steps == (50, 150, 450, 1350)
    changes = {lr: selection.changes(lr) for lr in selection.learning_rates}
    assert min(c[0][0] for c in changes.values()) == 4
    assert all(sum(c[0]) == 5 for c in changes.values())


def test_claim_lr_1_still_rises_from_450_to_1350_steps_up_in_4_runs_the_same_in_1(selection):
    """"lr = 1 is still rising at the last column: from 450 to 1350 steps it goes up in 4 runs and stays the
    same in 1"; "lr = 1's row need not be run longer" (it is up in at least 4 runs at every column)."""
    assert selection.changes(1.0)[2] == (4, 0, 1)
    assert all(up >= 4 for up, _, _ in selection.changes(1.0))


def test_claim_lr_3_goes_up_in_4_runs_twice_then_is_flat_1_up_1_down_3_same(selection):
    """"lr = 3 goes up in 4 runs at each of its first two columns and is then flat: from 450 to 1350 steps 1 run
    goes up, 1 goes down and 3 stay the same, and the mean is 0.06 points lower"; the summary's "more than
    450 steps no longer help at lr = 3"."""
    first, second, last = selection.changes(3.0)
    assert first[0] == second[0] == 4
    assert last == (1, 1, 3)
    drop = selection.spread(3.0, 450).mean - selection.spread(3.0, 1350).mean
    assert 0 < drop < 0.001


def test_claim_lr_9_is_flat_from_150_to_450_and_falls_from_450_to_1350_in_3_of_5_runs(selection):
    """"lr = 9 is flat already from 150 to 450 steps (2 up, 2 down, 1 the same) and falls from 450 to 1350 in 3 of
    5 runs (1 goes up), its mean by 0.36 points"."""
    _, middle, last = selection.changes(9.0)
    assert middle == (2, 2, 1)
    assert last == (1, 3, 1)
    drop = selection.spread(9.0, 450).mean - selection.spread(9.0, 1350).mean
    assert 0.003 < drop < 0.004


def test_claim_lr_1_after_3n_steps_ends_where_lr_3_ends_after_n_and_lr_9_strays():
    """"lr = 1 after 1350 steps ends 0.6 % from lr = 3's weights after 450 ... better the longer the runs go.
    lr = 9 strays from the path: after 450 steps it is still 10 % from lr = 3's weights after 1350"."""
    slow = [experiments.weight_distance((1.0, 3 * n), (3.0, n)) for n in (50, 150, 450)]
    fast = [experiments.weight_distance((3.0, 3 * n), (9.0, n)) for n in (50, 150, 450)]
    for a, b in zip(slow, slow[1:]):                                    # closer in every run
        assert np.all(b.values < a.values)
    assert slow[-1].max < 0.01                                          # under 1 % in every run
    assert min(f.min for f in fast) > 5 * slow[-1].max                  # lr = 9 is far off the path
    assert fast[-1].min > 0.09


def test_claim_lr_3_with_450_steps_and_lr_1_with_1350_share_the_best_mean(selection):
    """"the best mean ... is shared by lr = 3 with 450 steps and lr = 1 with 1350 steps", tied in 5 of 5 runs;
    the chapter takes the cheaper, lr = 3 with 450 steps."""
    assert selection.best == (3.0, 450) and selection.tied_with_best() == [(1.0, 1350)]
    assert selection.head_to_head((3.0, 450), (1.0, 1350)) == (0, 0, 5)


def test_claim_the_next_setting_is_less_than_one_validation_image_behind(selection, data):
    """"the next one, lr = 3 with 1350 steps, is ... less than one of the 337 validation images" behind,
    "behind in 1 run, ahead in 1 and tied in 3"."""
    assert selection.ranking[2] == (3.0, 1350)
    behind = selection.spread(*selection.best).mean - selection.spread(*selection.ranking[2]).mean
    assert 0 < behind < 1 / len(data.y_val)
    assert selection.head_to_head(selection.best, selection.ranking[2]) == (1, 1, 3)


def test_claim_the_loss_starts_close_to_log_10(model):
    """"The loss starts at 2.307, close to log 10 ... every digit gets probability about 1/10"."""
    assert model.losses[0] == pytest.approx(np.log(10), abs=0.01)


def test_claim_test_accuracy_spread_agrees_with_the_hypergeometric_prediction(result):
    """"Its standard deviation over the runs ... lies close to the ... points of the hypergeometric prediction for
    one fixed classifier (the binomial ... times the correction 0.866), a little above it ... measurement and
    prediction agree" (within the third by which a standard deviation of five values is uncertain)."""
    assert round(result.finite_population_factor, 3) == 0.866
    assert result.split_standard_error == pytest.approx(
        experiments.binomial_standard_error(result.test.mean, 449) * result.finite_population_factor, rel=1e-14)
    ratio = result.test_std / result.split_standard_error
    assert 1.0 < ratio < 4 / 3


def test_claim_one_test_accuracy_has_a_standard_error_of_about_a_point(result):
    """"one test accuracy on 449 images has a standard error of 0.95 points"."""
    assert result.standard_error == experiments.binomial_standard_error(result.test.mean, 449)
    assert 0.008 < result.standard_error < 0.011


def test_claim_seed_1s_95_percent_interval_runs_from_93_7_to_97_4_percent(result, model, data):
    """"seed 1's 95.5 % has the 95 % interval from 93.7 % to 97.4 %" (1.96 standard errors either side)."""
    accuracy = experiments.accuracy(model, data.X_test, data.y_test)
    low, high = result.interval(accuracy)
    assert (round(100 * accuracy, 1), round(100 * low, 1), round(100 * high, 1)) == (95.5, 93.7, 97.4)
    assert (high - low) / 2 == pytest.approx(1.96 * result.standard_error, rel=1e-3)


def test_claim_one_standard_error_either_side_holds_the_accuracy_about_two_times_in_three(result):
    """"it lies within one standard error of q about two times in three, and within 1.96 standard errors 19 times
    in 20": for the binomial count of 449 images at the page's q, not only for the normal distribution."""
    from scipy.stats import binom
    n, q = 449, float(result.test.mean)
    se = experiments.binomial_standard_error(q, n)

    def within(k):
        counts = np.arange(n + 1)
        return binom.pmf(counts, n, q)[np.abs(counts / n - q) <= k * se].sum()

    assert 0.6 < within(1.0) < 0.75 and round(experiments.normal_coverage(1.0), 2) == 0.68
    assert 0.93 < within(1.96) < 0.97


def test_claim_test_accuracy_lies_between_94_and_97_percent_in_every_run(result):
    """"Over the five seeds the test accuracy is 95.8 %, from 94.9 % to 96.9 %"."""
    assert len(result.test) == 5 and 0.945 < result.test.min and result.test.max < 0.975


def test_claim_training_accuracy_is_above_test_accuracy_in_every_run(result):
    """"The training accuracy is above the test accuracy in 5 of 5 runs" (also the quiz's feedback)."""
    assert result.gap.count(result.gap.values > 0) == 5


def test_claim_the_largest_test_logit_passes_float16s_overflow_in_every_run(result):
    """"The largest logit the model gives a test image ... above float16's overflow threshold"."""
    assert result.largest_logit.min > experiments.overflow_threshold(np.float16)
    for seed in SEEDS:                                             # and so the literal formula gives NaN
        s = experiments.digits_split(seed)
        logits = experiments.digits_model(seed, *experiments.choose_on_validation().best).logits(s.X_test)
        assert np.isnan(experiments.naive_softmax(logits, np.float16)).any()


def test_claim_stopped_after_450_steps_the_classifier_is_less_sure_than_right_in_every_run(result):
    """"The chosen model, stopped after 450 steps, is less sure than it is right ... in 5 of 5 runs"."""
    assert (result.lr, result.steps) == (3.0, 450)
    assert np.all(result.confidence.values < result.test.values)


@pytest.fixture(scope="module")
def runs():
    return {(lr, n): experiments.digits_accuracy(lr, n) for lr in (3.0, 9.0) for n in (450, 1350)}


def test_claim_at_the_same_learning_rate_1350_steps_are_surer_than_450_in_every_run(runs):
    """"Trained on at the same learning rate to 1350 steps, the model is surer in 5 of 5 runs ... At lr = 9 the
    longer run is surer in 5 of 5 runs too" (the summary: it "grows surer the longer it trains, in every run")."""
    for lr in (3.0, 9.0):
        assert np.all(runs[lr, 1350].confidence.values > runs[lr, 450].confidence.values)


def test_claim_at_lr_3_the_share_right_hardly_moves_from_450_to_1350_steps(runs):
    """"while the share it gets right moves only from 95.8 % to 96.0 %" (and at lr = 9 from 95.9 % to 95.9 %)."""
    for lr in (3.0, 9.0):
        assert abs(runs[lr, 1350].test.mean - runs[lr, 450].test.mean) < 0.003
    assert runs[3.0, 1350].confidence.mean - runs[3.0, 450].confidence.mean > 0.015   # where confidence rises


def test_claim_lr_3_after_1350_steps_is_less_sure_than_right_in_3_of_5_runs_surer_in_2(runs):
    """"it is then less sure than right in only 3 of 5 runs, and surer in 2" (also the misconceptions box)."""
    r = runs[3.0, 1350]
    assert r.test.count(r.confidence.values < r.test.values) == 3
    assert r.test.count(r.confidence.values > r.test.values) == 2


def test_claim_lr_9_after_450_steps_its_two_averages_match_the_probability_higher_in_3_of_5_runs(runs):
    """"after 450 steps its two averages match (96.0 % against 95.9 %, the probability higher in 3 of 5 runs)"."""
    r = runs[9.0, 450]
    assert abs(r.confidence.mean - r.test.mean) < 0.002
    assert r.test.count(r.confidence.values > r.test.values) == 3


def test_claim_the_longest_fastest_run_is_surer_than_right_in_every_run(longer, runs):
    """"after 1350 steps, the grid's longest run with its largest learning rate, surer than right in 5 of 5";
    "Only these two ends of the table lie on one side in every run"."""
    assert (longer.lr, longer.steps) == (max(experiments.DIGITS_LEARNING_RATES), max(experiments.DIGITS_STEPS))
    assert np.all(longer.confidence.values > longer.test.values)
    one_sided = [key for key, r in runs.items()
                 if np.all(r.confidence.values < r.test.values) or np.all(r.confidence.values > r.test.values)]
    assert one_sided == [(3.0, 450), (9.0, 1350)]


@pytest.fixture(scope="module")
def checks():
    return {(lr, n): experiments.reliability(lr, n) for lr in (3.0, 9.0) for n in (450, 1350)}


def test_claim_the_two_ends_stay_on_their_side_in_both_confidence_groups_of_every_run(checks):
    """"at lr = 3 after 450 steps the model is less sure than right below 0.9 and from 0.9 up in 5 of 5 runs, and at
    lr = 9 after 1350 steps surer than right in both in 5 of 5" (and the misconceptions box)."""
    for g in checks[3.0, 450].groups:
        assert np.all(g.gap.values > 0)
    for g in checks[9.0, 1350].groups:
        assert np.all(g.gap.values < 0)


def test_claim_lr_9_after_450_steps_takes_no_side_group_by_group(checks):
    """"below 0.9, with 51 answers per run on average, it is surer than right in 3 runs and less sure in 2, from 0.9
    up surer in 4 and less sure in 1"."""
    below, above = checks[9.0, 450].groups
    assert (below.low, below.high, above.low) == (0.0, 0.9, 0.9)
    assert round(float(below.count.mean)) == 51
    assert (below.gap.count(below.gap.values < 0), below.gap.count(below.gap.values > 0)) == (3, 2)
    assert (above.gap.count(above.gap.values < 0), above.gap.count(above.gap.values > 0)) == (4, 1)


def test_claim_the_middle_settings_gaps_lie_within_1_4_and_1_3_calibrated_spreads(checks):
    """"Every one of its gaps lies within 1.4 calibrated spreads of 0, and so do those of lr = 3 after 1350 steps
    (within 1.3)"; the ends go further (at least 1.8 spreads from 0.9 up in every run)."""
    assert checks[9.0, 450].largest_gap_in_errors <= 1.4
    assert checks[3.0, 1350].largest_gap_in_errors <= 1.3
    assert checks[3.0, 450].groups[1].gap_in_errors.min > 1.8


def test_claim_below_0_9_one_calibrated_spread_is_6_1_points(checks):
    """"below 0.9 one calibrated spread is 6.1 points, so a gap of a few points would pass unseen" (lr = 9, 450
    steps; the summary's group of 51 answers)."""
    below = checks[9.0, 450].groups[0]
    assert round(100 * float(below.calibrated_error.mean), 1) == 6.1
    assert below.calibrated_error.min > 0.05


def test_claim_a_loss_on_log_of_softmax_is_infinite_only_where_the_true_class_underflowed():
    """"for true class 1 it is 0, ... but for true class 2 or 3 it is infinite, and its gradient is NaN ...
    softmax_cross_entropy ... gives the exact loss for every class" (z = [1000, 0, -1000])."""
    from lib.network import softmax_cross_entropy
    big = np.array([1000.0, 0.0, -1000.0])
    p = softmax(big)
    with np.errstate(divide="ignore", invalid="ignore"):
        losses = -np.log(p)
        grads = [-1 / p[k] * softmax.jacobian(big)[k] for k in range(3)]
    assert losses[0] == 0 and np.isinf(losses[1:]).all()
    assert np.all(grads[0] == 0) and np.isnan(grads[1]).all() and np.isnan(grads[2]).all()
    for k, exact in enumerate([0.0, 1000.0, 2000.0]):
        loss, grad = softmax_cross_entropy(big[None, :], np.array([k]))
        assert loss == exact and np.all(np.isfinite(grad))
        np.testing.assert_array_equal(grad[0], p - np.eye(3)[k])


def test_claim_lr_9_overshoots_lr_3_a_little_and_lr_1_falls_at_every_step():
    """"early on its training loss rises by 4.8 in a single step ..., where lr = 1's falls at every step. lr = 3
    overshoots a little too, its loss rising by at most 0.30 and for the last time by step 31"."""
    slow, chosen, fast = (experiments.loss_rises(lr) for lr in (1.0, 3.0, 9.0))
    assert slow.largest.max < 0 and slow.last.max == 0
    assert 0 < chosen.largest.min and chosen.largest.max < 0.5 and chosen.last.max <= 31
    assert fast.largest.min > 10 * chosen.largest.max


def test_claim_seed_1s_loss_zigzags_then_falls_from_step_31_on(model):
    """"Its first steps zigzag ...; from step 31 on it falls at every step" (seed 1, lr = 3)."""
    assert experiments.loss_rises(3.0, 450, seeds=(1,)).last.values[0] == 31
    assert np.any(np.diff(model.losses[:31]) > 0) and np.all(np.diff(model.losses[30:]) < 0)


def test_claim_the_chosen_models_loss_after_its_450_updates_is_below_the_last_recorded(model, data):
    """Cell "loss ... after 450 steps": the loss of the model after its 450 updates, not ``losses[-1]``, which is
    recorded before the 450th update."""
    final = model.cross_entropy(data.X_train, data.y_train)
    assert len(model.losses) == 450 and final < model.losses[-1]
    assert round(final, 4) == 0.0634 and round(float(model.losses[-1]), 4) == 0.0635


def test_claim_the_0_template_has_a_blue_centre_where_a_0_has_less_ink_than_every_other_digit(model, data):
    """"the 0, for instance, has a blue centre, where a 0 has no ink and most other digits do, and red on either
    side of it" (seed 1's template)."""
    template = model.W[:, 0].reshape(8, 8)
    centre, sides = template[2:6, 3:5], template[2:6, [1, 2, 6]]
    assert (centre < 0).mean() >= 0.75 and (sides > 0).mean() >= 0.75
    images = data.images(data.X_train)[:, 2:6, 3:5].mean(axis=(1, 2))
    ink = [images[data.y_train == d].mean() for d in range(10)]
    assert ink[0] < 0.5 * min(ink[1:])


def test_claim_in_jupyter_float32_first_gives_nan_at_the_slider_value_89_1():
    """Quiz ch4-precision-explorer: of the website's scales 1, 10, 30, 100, 300, 1000 float32's literal formula
    first gives NaN at 100; the live slider (powers 10^(0.05 k)) first at 10^1.95, about 89.1."""
    from lib.explorer import Slider

    def breaks(s):
        return bool(np.isnan(experiments.naive_softmax(np.float64(s) * np.array([1.0, 0.0, -1.0]), np.float32)).any())

    website = [s for s in (1, 10, 30, 100, 300, 1000) if breaks(s)]
    live = [s for s in Slider(0.0, 3.0, 0.05, value=30.0, log=True).steps() if breaks(s)]
    assert website[0] == 100
    assert live[0] == pytest.approx(10 ** 1.95) and round(live[0], 1) == 89.1
