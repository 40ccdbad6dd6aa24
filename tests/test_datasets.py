"""lib.datasets: the digits, split reproducibly, every image once, no pixel outside [0, 1]."""

import numpy as np
import pytest
from sklearn.datasets import load_digits

from lib import datasets


def test_split_is_a_partition_of_the_scaled_digits():
    raw = load_digits()
    data = datasets.digits(test_fraction=0.2, seed=3)
    assert len(data.y_train) + len(data.y_test) == len(raw.target) == 1797
    assert len(data.y_test) == round(0.2 * 1797)
    both = np.vstack([data.X_train, data.X_test])
    # every image appears once, scaled by 1/16
    got = np.unique(np.round(both * 16).astype(int), axis=0)
    want = np.unique(raw.data.astype(int), axis=0)
    np.testing.assert_array_equal(got, want)
    assert both.min() == 0.0 and both.max() == 1.0
    # each label stays with its image
    lookup = {tuple(row): label for row, label in zip(raw.data.astype(int), raw.target)}
    for row, label in zip(np.round(data.X_test * 16).astype(int), data.y_test):
        assert lookup[tuple(row)] == label


def test_same_seed_same_split_other_seed_other_split():
    a, b, c = datasets.digits(seed=1), datasets.digits(seed=1), datasets.digits(seed=2)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.y_test, c.y_test)


def test_images_are_8_by_8():
    data = datasets.digits()
    images = data.images(data.X_test[:5])
    assert images.shape == (5, 8, 8)
    np.testing.assert_array_equal(images[2].ravel(), data.X_test[2])


@pytest.mark.parametrize("bad", [0, 1, -0.1, 1.5])
def test_bad_fraction_names_the_parameter(bad):
    with pytest.raises(ValueError, match="test_fraction"):
        datasets.digits(test_fraction=bad)


def test_hold_out_moves_the_first_of_the_order_into_validation():
    data = datasets.digits()
    order = np.random.default_rng(5).permutation(len(data.y_train))
    split = datasets.hold_out(data, order, 300)
    np.testing.assert_array_equal(split.X_val, data.X_train[order[:300]])
    np.testing.assert_array_equal(split.y_train, data.y_train[order[300:]])   # in the order given
    np.testing.assert_array_equal(split.X_test, data.X_test)
    assert split.images(split.X_val).shape == (300, 8, 8)
    for a in (split.X_train, split.y_train, split.X_val, split.y_val, split.X_test, split.y_test):
        assert not a.flags.writeable
    assert data.X_test.flags.writeable   # the copy, not the original, is locked
