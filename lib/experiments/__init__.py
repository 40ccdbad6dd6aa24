"""Each chapter's experiments: what a chapter computes and shows, one module per chapter.

``lib.experiments.activations``, ``.derivatives``, ``.vanishing``, ``.softmax`` and
``.normalization`` hold the measurements, reference answers and data sets of their chapter, built
from lib's numeric modules (:mod:`lib.activations`, :mod:`lib.derivatives`, :mod:`lib.network`,
:mod:`lib.normalization`). Like those, they import only numpy and scipy: the figures that show the
results are in ``lib.views``, the checkers that compare a learner's answer with them in
:mod:`lib.exercises`.

An experiment that takes a while (a training run) is cached per setting, so that an explorer
computes every setting once; every cache is bounded (:class:`BoundedCache`, or
``functools.lru_cache`` with a ``maxsize``), so a session that visits many settings keeps its memory.
"""

from __future__ import annotations

import collections
import threading


class BoundedCache:
    """A mapping that holds at most ``maxsize`` entries and forgets the least recently used first.

    Safe to use from several threads (an explorer's worker and a notebook cell).

    Examples
    --------
    >>> cache = BoundedCache(2)
    >>> cache["a"], cache["b"] = 1, 2
    >>> cache.get("a")          # "a" is now the most recently used
    1
    >>> cache["c"] = 3          # so "b" is forgotten
    >>> sorted(cache.keys()), len(cache), "b" in cache
    (['a', 'c'], 2, False)
    """

    def __init__(self, maxsize: int):
        if int(maxsize) < 1:
            raise ValueError(f"maxsize must be a positive integer, got maxsize={maxsize!r}")
        self.maxsize = int(maxsize)
        self._entries: collections.OrderedDict = collections.OrderedDict()
        self._lock = threading.RLock()

    def get(self, key, default=None):
        """The value for ``key`` (now the most recently used), or ``default``."""
        with self._lock:
            if key not in self._entries:
                return default
            self._entries.move_to_end(key)
            return self._entries[key]

    def __setitem__(self, key, value) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)

    def __delitem__(self, key) -> None:
        with self._lock:
            del self._entries[key]

    def __contains__(self, key) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def keys(self) -> list:
        """The keys, least recently used first."""
        with self._lock:
            return list(self._entries)

    def values(self) -> list:
        """The values, least recently used first."""
        with self._lock:
            return list(self._entries.values())

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
