"""lib.experiments itself: the seeds every comparison runs over, and the spread it reports."""

import numpy as np
import pytest

from lib.experiments import SEEDS, Spread, over_seeds


def test_over_seeds_runs_every_seed_in_order():
    calls = []
    s = over_seeds(lambda seed: calls.append(seed) or 10.0 * seed)
    assert calls == list(SEEDS) and len(SEEDS) >= 5
    np.testing.assert_array_equal(s.values, 10.0 * np.array(SEEDS))
    assert s.seeds == SEEDS
    assert (s.min, s.max, s.mean) == (10.0 * min(SEEDS), 10.0 * max(SEEDS), pytest.approx(10 * np.mean(SEEDS)))


def test_spread_of_curves_is_taken_run_by_run():
    s = over_seeds(lambda seed: [seed, -seed], seeds=(1, 3))
    np.testing.assert_array_equal(s.mean, [2.0, -2.0])
    np.testing.assert_array_equal(s.min, [1.0, -3.0])
    np.testing.assert_array_equal(s.max, [3.0, -1.0])


def test_spread_as_text():
    s = Spread(np.array([0.968, 0.951, 0.962]), (1, 2, 3))
    assert f"{s:.3f}" == "0.960 (0.951–0.968)"
    assert s.span(".1%") == "95.1%–96.8%"
    assert " " not in s.span(".2f")   # prose quotes it as one number
    assert s.count(s.values > 0.955) == 2 and s.count(s.values > 1) == 0


def test_geometric_mean_of_ratios():
    s = Spread(np.array([1e-9, 1e-3, 1.0]), (1, 2, 3))
    assert s.geomean == pytest.approx(1e-4, rel=1e-12)
