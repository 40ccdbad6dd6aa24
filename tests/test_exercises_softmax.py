"""Checkers of the Softmax chapter: the reference passes, broken answers fail with a useful message."""

import numpy as np
import pytest

from lib.activations import softmax
from lib.exercises.softmax import (
    WORKED_LOGITS, check_stable_softmax, check_temperature, check_worked_example, stable_softmax_inputs,
)


def stub(z):
    raise NotImplementedError("Student exercise: write a stable softmax")


def naive(z):
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def global_max(z):
    z = np.asarray(z)
    e = np.exp(z - z.max())
    return e / e.sum(axis=-1, keepdims=True)


def float64_only(z):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def whole_sum(z):
    z = np.asarray(z)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum()


def reference_by_hand(z):
    z = np.asarray(z)
    if not np.issubdtype(z.dtype, np.floating):
        z = z.astype(np.float64)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def test_reference_and_a_hand_written_solution_pass():
    assert check_stable_softmax(softmax)
    report = check_stable_softmax(reference_by_hand)
    assert report.passed and f"all {len(stable_softmax_inputs())} test inputs" in report.message


@pytest.mark.parametrize("answer, words", [
    (stub, "still the stub"),
    (naive, "overflow"),
    (global_max, "invalid value"),
    (float64_only, "dtype float64"),
    (whole_sum, "is off on input"),
    (lambda z: None, "None"),
    (lambda z: np.asarray(z)[..., :-1], "shape"),
    (lambda z: 1 / 0, "ZeroDivisionError"),
    (lambda z: reference_by_hand(z) + 1e-4, "too high, by about"),
])
def test_broken_stable_softmax_fails_with_hint(answer, words):
    report = check_stable_softmax(answer)
    assert not report.passed
    assert words in report.message
    assert "Hint: subtract each row's maximum" in report.message


def test_inputs_include_the_traps():
    inputs = stable_softmax_inputs()
    assert any(np.any(np.asarray(z) == 1000) for z in inputs)
    assert any(np.any(np.isneginf(z)) for z in inputs)
    assert any(np.ndim(z) == 2 for z in inputs)
    assert any(np.asarray(z).dtype == np.float32 for z in inputs)
    # every input is finite for lib's softmax
    assert all(np.all(np.isfinite(softmax(z))) for z in inputs)


@pytest.mark.parametrize("answer", [
    softmax(WORKED_LOGITS),
    [0.8383, 0.0189, 0.1428],
    [0.8382, 0.0189, 0.1427],   # the source's truncated values
    [0.838, 0.019, 0.143],
    (0.83834, 0.01892, 0.14274),  # with the source's rounded intermediates
])
def test_worked_example_accepts_rounded_hand_answers(answer):
    assert check_worked_example(answer).passed


@pytest.mark.parametrize("answer, words", [
    ([0.85, 0.0189, 0.1427], "entry 1 is 0.85, which is too high, by about 1 %"),
    ([0.8383, 0.1428, 0.0189], "entry 3 is 0.0189, which is about 7.6 times too small"),
    ([83.83, 1.89, 14.28], "percentages"),
    ([1 / 3, 1 / 3, 1 / 3], "Not quite"),
    (None, "None"),
    ([0.8, 0.2], "has 2 numbers; it should have 3"),
    (..., "Not attempted yet"),
    ([0.0, 0.0, 0.0], "Not attempted yet"),       # the notebook's old placeholder
    ("0.84", "got the text"),
    (lambda: 0, "function"),
    ([np.nan, 0.0189, 0.1428], "nan"),
])
def test_worked_example_rejects_wrong_answers(answer, words):
    report = check_worked_example(answer)
    assert not report.passed and words in report.message
    for shown in ("0.8383", "0.838", "0.0189", "0.1428", "0.143"):   # never the expected values
        assert shown not in report.message.split("Hint:")[0] or shown in repr(answer)


def test_worked_example_hint_mentions_rounding():
    assert "rounding" in check_worked_example([0.9, 0.05, 0.05]).message


def test_temperature_reference_passes_and_mistakes_fail():
    z = WORKED_LOGITS
    cold, hot = softmax(z, temperature=0.1), softmax(z, temperature=10.0)
    assert check_temperature(cold, hot)
    assert check_temperature([1.0, 0.0, 0.0], np.round(hot, 2))
    swapped = check_temperature(hot, cold)
    assert not swapped and "T = 0.1" in swapped.message and "T = 10" in swapped.message
    uniform = check_temperature(cold, [1 / 3, 1 / 3, 1 / 3])
    assert not uniform and "T = 10" in uniform.message and "T = 0.1" not in uniform.message
    assert not check_temperature(None, hot)
    assert not check_temperature(softmax(z), hot)   # T = 1 is not T = 0.1
    untouched = check_temperature([0.0, 0.0, 0.0], [0.0, 0.0, 0.0])
    assert not untouched and untouched.message.startswith("Not attempted yet")
    assert check_temperature(..., ...).message.startswith("Not attempted yet")


def test_temperature_feedback_hides_the_expected_values():
    report = check_temperature([0.9, 0.05, 0.05], [0.5, 0.2, 0.3])
    assert not report
    assert "too low" in report.message and "too high" in report.message
    for target in ("0.3965", "0.397", "0.2714", "0.3321", "1.0000"):
        assert target not in report.message
