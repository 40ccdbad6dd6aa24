"""A real data set for the chapters: the 8x8 handwritten digits, offline.

scikit-learn ships the digits inside its package (1,797 images of 8x8 pixels, grey levels 0..16,
ten classes), so nothing is fetched at run time. :func:`digits` loads them, scales the pixels to
[0, 1] and splits them into a training and a test set with a seeded generator, so every run of a
chapter sees the same split.

The synthetic 2-D sets stay in the chapters where a picture of the plane teaches better; this is
for the experiments where a real task does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: The side of one digit image, in pixels.
SIDE = 8
#: The number of classes (the digits 0 to 9).
CLASSES = 10


@dataclass(frozen=True)
class Split:
    """A training and a test set: images as rows of 64 pixels in [0, 1], labels 0..9."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray

    def images(self, X: np.ndarray) -> np.ndarray:
        """Rows of 64 pixels as (n, 8, 8) images, for drawing."""
        return np.asarray(X).reshape(-1, SIDE, SIDE)


def digits(test_fraction: float = 0.25, seed: int = 0) -> Split:
    """The handwritten digits, scaled to [0, 1], split into training and test sets.

    Parameters
    ----------
    test_fraction : float
        The share of the 1,797 images held out for testing, strictly between 0 and 1.
    seed : int
        Seed of the generator that shuffles the images before the split.

    Returns
    -------
    Split
        ``X_train`` (n_train, 64), ``y_train`` (n_train,), ``X_test``, ``y_test``; float64 pixels
        ``grey / 16`` and int64 labels.

    Examples
    --------
    >>> data = digits()
    >>> data.X_train.shape, data.X_test.shape
    ((1348, 64), (449, 64))
    >>> float(data.X_train.min()), float(data.X_train.max())
    (0.0, 1.0)
    >>> sorted(set(data.y_test.tolist())) == list(range(10))
    True
    """
    test_fraction = float(test_fraction)
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must lie strictly between 0 and 1, got test_fraction={test_fraction!r}")
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise ModuleNotFoundError(
            "The digits come with scikit-learn: pip install scikit-learn (the course pins it in "
            "requirements.txt).") from None
    raw = load_digits()
    X = raw.data / 16.0
    y = raw.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(y))
    n_test = int(round(test_fraction * len(y)))
    test, train = order[:n_test], order[n_test:]
    return Split(X[train], y[train], X[test], y[test])


@dataclass(frozen=True)
class ThreeWaySplit(Split):
    """A :class:`Split` with a validation set held out of its training set: the training set fits
    the weights, the validation set chooses the settings, the test set is used once, to report."""

    X_val: np.ndarray
    y_val: np.ndarray


def hold_out(data: Split, order: np.ndarray, count: int) -> ThreeWaySplit:
    """Hold out a validation set from ``data``'s training set.

    ``order`` is a permutation of the training images' indices: its first ``count`` images become
    the validation set and the rest, in that order, the training set. The test set stays. Every
    array of the result is a read-only copy, so a cached split cannot be changed by the code that
    uses it.

    Examples
    --------
    >>> data = digits()
    >>> split = hold_out(data, np.random.default_rng(0).permutation(len(data.y_train)), 100)
    >>> len(split.y_train), len(split.y_val), len(split.y_test)
    (1248, 100, 449)
    >>> split.X_val.flags.writeable
    False
    """
    val, train = order[:count], order[count:]
    arrays = {"X_train": data.X_train[train], "y_train": data.y_train[train],
              "X_val": data.X_train[val], "y_val": data.y_train[val],
              "X_test": data.X_test.copy(), "y_test": data.y_test.copy()}
    for a in arrays.values():
        a.setflags(write=False)
    return ThreeWaySplit(**arrays)
