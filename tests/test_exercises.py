"""The checker mechanism: it passes the reference and answers every broken attempt without raising."""

import numpy as np
import pytest

from lib.exercises import check_function, check_set, check_value


def reference(x):
    return np.tanh(x)


INPUTS = [np.linspace(-3, 3, 7), np.linspace(-1, 1, 3, dtype=np.float32)]


def stub(x):
    raise NotImplementedError("Student exercise")


BROKEN = {
    "stub": (stub, "still the stub"),
    "raises": (lambda x: x / "a", "raised TypeError"),
    "none": (lambda x: None, "returned None"),
    "shape": (lambda x: np.tanh(x)[:-1], "shape"),
    "dtype": (lambda x: np.tanh(x).astype(np.float64), "dtype"),
    "wrong": (lambda x: np.tanh(x) + 1e-3, "off by up to 0.001"),
    "nan": (lambda x: np.full_like(x, np.nan), "gives nan"),
    "warns": (lambda x: np.tanh(x) + 0 * np.exp(1e4 * np.abs(x) + 1e3), "warned"),
    "text": (lambda x: "tanh", "type"),
    "not callable": (42, "Expected a function"),
}


def test_reference_passes():
    report = check_function(reference, reference, INPUTS, name="tanh")
    assert report.passed and bool(report)
    assert "all 2 test inputs" in report.message


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_answers_fail_with_feedback(case):
    answer, words = BROKEN[case]
    report = check_function(answer, reference, INPUTS, name="tanh", hint="use np.tanh")
    assert not report.passed
    assert words in report.message
    assert report.message.endswith("Hint: use np.tanh")


def test_report_prints_once_in_a_notebook(capsys):
    check_function(reference, reference, INPUTS, name="tanh")._ipython_display_()
    assert capsys.readouterr().out.startswith("Correct: your tanh")


def test_check_value():
    assert check_value(0.25, 0.25, name="max")
    assert "should be 0.25, you gave 0.3" in check_value(0.3, 0.25, name="max").message
    assert not check_value(None, 0.25, name="max")
    assert "got the text" in check_value("0.25", 0.25, name="max").message
    assert not check_value([1, 2], 0.25, name="max")
    assert "function" in check_value(lambda: 1, 1, name="n").message
    assert check_value(np.array([1.0, 2.0]), [1.0, 2.0 + 1e-9], name="v")


def test_check_set():
    assert check_set(["tanh", "elu"], {"elu", "tanh"}, name="zero-centred")
    report = check_set(["relu", "tanh"], {"tanh", "elu"}, name="zero-centred")
    assert not report and "missing ['elu']" in report.message and "['relu']" in report.message
    assert not check_set("tanh", {"tanh"}, name="zero-centred")
    assert not check_set(3, {"tanh"}, name="zero-centred")


def test_value_messages_speak_of_the_answer():
    message = check_value([0.5, 0.6], [0.5, 0.5], name="the two probabilities").message
    assert message.startswith("Your answer is off by up to 0.1 on the two probabilities")
    assert check_value(None, 1.0, name="n").message.startswith("Your answer gave None")


def test_ragged_arguments_do_not_break_the_checker():
    layers = [(np.ones((2, 3)), np.zeros(2)), (np.ones((1, 2)), np.zeros(1))]

    def raising(pairs):
        raise ValueError("nope")

    report = check_function(raising, lambda pairs: np.zeros(1), [(layers,)], name="combine")
    assert not report and "raised ValueError: nope" in report.message and "list of 2 items" in report.message
