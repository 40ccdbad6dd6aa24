"""Run a compute-bound elementwise computation on a few threads, one contiguous chunk at a time.

numpy's ufunc loops (and scipy.special's) release the GIL while they run, so plain Python threads
working on different slices of the same arrays use several cores at once. ``run_chunked(fn, size)``
splits ``range(size)`` into contiguous chunks, each a whole number of ``grain`` elements, and calls
``fn(start, stop)`` for every chunk: the calling thread and a small pool of helper threads take the next
unclaimed chunk until none is left. ``fn`` must write only to its own part of the output, so the result
is the same as one ``fn(0, size)`` call, as long as ``fn`` gives the same numbers for every split of its
work that falls on a multiple of ``grain`` (``Activation._apply`` uses its block size, so every kernel
call sees exactly the blocks it sees without threads, and the results are bitwise identical).

It pays only where the arithmetic, not memory traffic, is the bottleneck (GELU's ``ndtr``, ``exp`` and
rational functions), and only for large arrays: below ``MIN_SIZE`` elements, inside another
``run_chunked`` (no nesting) or with a single core, ``fn(0, size)`` simply runs in the calling thread.
Every numpy call takes the GIL back when its loop ends, so a few long calls (``ndtr``) gain more from a
second thread than many short ones (the float32 GELU kernel).

The helpers see the caller's ``np.errstate`` (each chunk runs in a copy of the caller's
``contextvars`` context); after an exception in a chunk no new chunk starts, and the exception is raised
in the caller once the chunks under way have finished; a process forked while the pool exists starts a
fresh pool of its own.
"""

import contextvars
import itertools
import os
import threading
from concurrent.futures import ThreadPoolExecutor, wait

WORKERS = min(4, os.cpu_count() or 1)  # threads computing at once, the calling thread included
MIN_SIZE = 1 << 18  # fewer elements run in the calling thread (measured on GELU: float32 gains from here)
CHUNKS_PER_WORKER = 4  # more chunks than threads, so a thread slowed by other work takes fewer of them

_pool = None
_pool_lock = threading.Lock()
_in_chunks = threading.local()


def run_chunked(fn, size, grain=1):
    """Call ``fn(start, stop)`` on contiguous chunks covering ``range(size)``, on up to ``WORKERS`` threads.

    Parameters
    ----------
    fn : callable
        ``fn(start, stop)`` computes elements ``start`` to ``stop`` (exclusive), writing only there.
    size : int
        Number of elements.
    grain : int, optional
        Every chunk boundary is a multiple of ``grain`` (the last chunk ends at ``size``).

    Examples
    --------
    >>> out = [None] * 10
    >>> def square(start, stop):
    ...     out[start:stop] = [i * i for i in range(start, stop)]
    >>> run_chunked(square, len(out))
    >>> out
    [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]
    """
    chunk = -(-size // (WORKERS * CHUNKS_PER_WORKER))
    chunk = max(grain, -(-chunk // grain) * grain)  # rounded up to a multiple of grain
    if WORKERS == 1 or size < MIN_SIZE or chunk >= size or getattr(_in_chunks, "active", False):
        fn(0, size)
        return
    bounds = [(start, min(start + chunk, size)) for start in range(0, size, chunk)]
    claims = itertools.count()  # next() on a count is atomic under the GIL
    failed = []

    def take_chunks():
        for i in claims:
            if i >= len(bounds) or failed:
                return
            try:
                fn(*bounds[i])
            except BaseException:
                failed.append(i)  # the other threads stop after their current chunk
                raise

    pool = _get_pool()
    helpers = [pool.submit(contextvars.copy_context().run, take_chunks)
               for _ in range(min(WORKERS, len(bounds)) - 1)]
    _in_chunks.active = True  # a nested call from one of the caller's chunks runs in one thread too
    try:
        take_chunks()
    finally:
        _in_chunks.active = False
        wait(helpers)  # never return (or raise) while a helper still writes
    for future in helpers:
        future.result()  # raises the helper's exception, if any


def _get_pool():
    """The module's thread pool (``WORKERS - 1`` helper threads), created on first use."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=WORKERS - 1, thread_name_prefix="lib-parallel",
                                       initializer=_mark_helper)
        return _pool


def _mark_helper():
    _in_chunks.active = True


def _forget_pool():
    """In a forked child the parent's threads do not exist: start over with no pool."""
    global _pool, _pool_lock
    _pool, _pool_lock = None, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)
