"""Tests for lib._parallel: chunks, threads, errors, errstate, nesting and fork."""

import os
import threading

import numpy as np
import pytest

from lib import _parallel

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


@pytest.fixture
def two_workers(monkeypatch):
    """Threads even on a one-core machine, and for arrays of a few thousand elements."""
    monkeypatch.setattr(_parallel, "WORKERS", max(2, _parallel.WORKERS))
    monkeypatch.setattr(_parallel, "MIN_SIZE", 1)


def _record_chunks(size, grain):
    calls, lock = [], threading.Lock()

    def fn(start, stop):
        with lock:
            calls.append((start, stop, threading.get_ident()))

    _parallel.run_chunked(fn, size, grain=grain)
    return calls


@pytest.mark.parametrize("size, grain", [(10_000, 1), (10_000, 64), (10_000, 4096), (4096 * 16, 4096),
                                         (4096 * 16 + 1, 4096), (7, 1)])
def test_chunks_cover_the_range_once_on_multiples_of_grain(two_workers, size, grain):
    calls = _record_chunks(size, grain)
    bounds = sorted((start, stop) for start, stop, _ in calls)
    assert bounds[0][0] == 0 and bounds[-1][1] == size
    assert all(stop == next_start for (_, stop), (next_start, _) in zip(bounds, bounds[1:]))
    assert all(start < stop for start, stop in bounds)
    assert all(start % grain == 0 for start, _ in bounds)
    assert len(bounds) <= _parallel.WORKERS * _parallel.CHUNKS_PER_WORKER


def test_large_work_uses_more_than_one_thread(two_workers):
    idents, other_thread_started = set(), threading.Event()

    def fn(start, stop):
        idents.add(threading.get_ident())
        if len(idents) > 1:
            other_thread_started.set()
        other_thread_started.wait(timeout=10)  # hold this thread's chunk until another thread runs one

    _parallel.run_chunked(fn, 100_000)
    assert len(idents) >= 2


@pytest.mark.parametrize("size", [0, 1, 4095])
def test_small_work_runs_in_the_calling_thread(size):
    calls = _record_chunks(size, 1)
    assert [(start, stop) for start, stop, _ in calls] == [(0, size)]
    assert calls[0][2] == threading.get_ident()


def test_one_worker_runs_in_the_calling_thread(monkeypatch):
    monkeypatch.setattr(_parallel, "WORKERS", 1)
    monkeypatch.setattr(_parallel, "MIN_SIZE", 1)
    calls = _record_chunks(1 << 20, 1)
    assert [(start, stop) for start, stop, _ in calls] == [(0, 1 << 20)]


def test_writes_into_slices_of_one_output(two_workers):
    out = np.zeros(100_003)

    def fn(start, stop):
        out[start:stop] = np.sqrt(np.arange(start, stop))

    _parallel.run_chunked(fn, out.size, grain=1000)
    np.testing.assert_array_equal(out, np.sqrt(np.arange(out.size)))


def test_an_error_in_a_chunk_is_raised_after_every_chunk_finished(two_workers):
    running, finished, lock = [0], [], threading.Lock()

    def fn(start, stop):
        with lock:
            running[0] += 1
        try:
            if stop == 10_000:  # the last chunk
                raise ValueError(f"chunk at {start}")
            finished.append(start)
        finally:
            with lock:
                running[0] -= 1

    with pytest.raises(ValueError, match="chunk at"):
        _parallel.run_chunked(fn, 10_000, grain=100)
    assert running[0] == 0  # no chunk is still writing when the error reaches the caller
    assert 0 in finished


def test_helpers_see_the_callers_errstate(two_workers):
    seen = []

    def fn(start, stop):
        seen.append(np.geterr()["under"])

    for mode in ("raise", "ignore"):
        seen.clear()
        with np.errstate(under=mode):
            _parallel.run_chunked(fn, 10_000, grain=100)
        assert len(seen) > 1 and set(seen) == {mode}


def test_nested_calls_run_in_the_helper_without_deadlock(two_workers):
    out = np.zeros(20_000)

    def inner(start, stop):
        out[start:stop] += 1

    def outer(start, stop):
        _parallel.run_chunked(lambda a, b: inner(start + a, start + b), stop - start)

    _parallel.run_chunked(outer, out.size, grain=1000)
    np.testing.assert_array_equal(out, 1)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_gets_its_own_pool(two_workers):
    _parallel.run_chunked(lambda start, stop: None, 10_000)  # the parent's pool exists
    assert _parallel._pool is not None
    pid = os.fork()
    if pid == 0:  # child: must finish (with a pool of its own), or be stopped by the alarm
        code = 1
        try:
            import signal
            signal.alarm(30)
            out = np.zeros(10_000)

            def fn(start, stop):
                out[start:stop] = 1

            _parallel.run_chunked(fn, out.size, grain=100)
            code = 0 if (out == 1).all() else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
