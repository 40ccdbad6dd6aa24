"""Each chapter's experiments: what a chapter computes and shows, one module per chapter.

``lib.experiments.activations``, ``.derivatives``, ``.vanishing``, ``.softmax`` and
``.normalization`` hold the measurements, reference answers and data sets of their chapter, built
from lib's numeric modules (:mod:`lib.activations`, :mod:`lib.derivatives`, :mod:`lib.network`,
:mod:`lib.normalization`). Like those, they import only numpy and scipy: the figures that show the
results are in ``lib.views``, the checkers that compare a learner's answer with them in
:mod:`lib.exercises`.

An experiment that takes a while (a training run) is a plain function cached per setting with
``functools.lru_cache`` and a ``maxsize``, so that a page computes every setting once and a session
that visits many settings keeps its memory.

A comparison between settings ("A trains better than B") is never read off one run: each chapter
measures it over the :data:`SEEDS` (:func:`over_seeds`) and shows the :class:`Spread`, its mean and
range, and the tests assert the claim over the same seeds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: The seeds every comparison of the course is measured over. A seed fixes one run: the network's
#: initial weights and, where the experiment has them, its data split and the order of its batches.
SEEDS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Spread:
    """One measurement repeated over seeds: the values, and their mean and range.

    ``values[i]`` is the run with ``seeds[i]``; a value may be an array (a loss curve per run),
    and then ``mean``, ``min`` and ``max`` are taken over the runs, entry by entry.

    Examples
    --------
    >>> s = Spread(np.array([0.10, 0.14, 0.12]), (1, 2, 3))
    >>> f"{s:.2f}", s.span(".2f"), round(float(s.mean), 2), s.count(s.values > 0.11)
    ('0.12 (0.10–0.14)', '0.10–0.14', 0.12, 2)
    >>> float(Spread(np.array([1e-3, 1e-5]), (1, 2)).geomean)
    0.0001
    """

    values: np.ndarray
    seeds: tuple

    @property
    def mean(self):
        return self.values.mean(axis=0)

    @property
    def min(self):
        return self.values.min(axis=0)

    @property
    def max(self):
        return self.values.max(axis=0)

    @property
    def geomean(self):
        """The geometric mean, ``exp(mean(log(values)))``: the typical size of positive values that
        span orders of magnitude (gradient ratios)."""
        return np.exp(np.log(self.values).mean(axis=0))

    def span(self, spec: str = "") -> str:
        """The range as text, ``"min–max"`` (no spaces, so prose can quote it as one number)."""
        return f"{self.min:{spec}}–{self.max:{spec}}"

    def count(self, holds) -> int:
        """In how many of the runs ``holds`` (a boolean per run) is true."""
        return int(np.count_nonzero(holds))

    def __len__(self) -> int:
        return len(self.seeds)

    def __format__(self, spec: str) -> str:
        return f"{self.mean:{spec}} ({self.span(spec)})"


def over_seeds(measure, seeds=SEEDS) -> Spread:
    """``measure(seed)`` for every seed, as a :class:`Spread`.

    Examples
    --------
    >>> s = over_seeds(lambda seed: np.random.default_rng(seed).uniform())
    >>> len(s), bool(0 <= s.min <= s.mean <= s.max <= 1)
    (5, True)
    """
    seeds = tuple(seeds)
    return Spread(np.array([measure(seed) for seed in seeds], dtype=np.float64), seeds)
