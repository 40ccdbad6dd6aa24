"""The checker mechanism: it passes the reference and answers every broken attempt without raising,
saying which way a wrong value is off but never the value it should have."""

import numpy as np
import pytest

from lib.exercises import check_function, check_set, check_value, how_far, not_attempted


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
    "wrong": (lambda x: np.tanh(x) + 1e-3, "too high, by about 0.1 %"),
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
    message = check_value(0.3, 0.25, name="max").message
    assert message == "Not quite: for max you gave 0.3, which is too high, by about 20 %."
    assert not check_value(None, 0.25, name="max")
    assert "got the text" in check_value("0.25", 0.25, name="max").message
    assert not check_value([1, 2], 0.25, name="max")
    assert "function" in check_value(lambda: 1, 1, name="n").message
    assert check_value(np.array([1.0, 2.0]), [1.0, 2.0 + 1e-9], name="v")


def test_check_set():
    assert check_set(["tanh", "elu"], {"elu", "tanh"}, name="zero-centred")
    assert check_set([" Tanh", "ELU"], {"elu", "tanh"}, name="zero-centred")   # case and spaces ignored
    report = check_set(["relu", "tanh"], {"tanh", "elu"}, name="zero-centred")
    assert not report
    assert report.message == "Not quite (zero-centred): 1 name is missing, and 'relu' does not belong."
    report = check_set(["tanh"], {"tanh", "elu", "selu"}, name="zero-centred")
    assert report.message == "Not quite (zero-centred): 2 names are missing."
    assert "'relu', 'step' do not belong" in check_set(["relu", "step"], set(), name="none").message
    assert not check_set("tanh", {"tanh"}, name="zero-centred")
    assert not check_set(3, {"tanh"}, name="zero-centred")
    assert "Not a known name: 'tahn'" in check_set(["tahn"], {"tanh"}, name="z", known=["tanh", "elu"]).message
    assert check_set(..., {"tanh"}, name="z", variable="mine").message.startswith(
        "Not attempted yet: mine is still ...")


def test_value_messages_speak_of_the_answer_and_never_give_the_target():
    message = check_value([0.5, 0.6], [0.5, 0.5], name="the two probabilities").message
    assert message == "Not quite: in the two probabilities, entry 2 is 0.6, which is too high, by about 20 %."
    message = check_value(0.731, 0.7310585786300049, name="sigma(1)", rtol=1e-9).message
    assert "0.73105" not in message and "too low" in message
    assert check_value(None, 1.0, name="n").message.startswith("Your answer is None")
    assert "print" in check_value(None, 1.0, name="n").message          # not "forget `return`"
    message = check_value([0.1, 0.2], [0.1, 0.2, 0.7], name="p").message
    assert message == "Your answer has 2 numbers; it should have 3 numbers."
    assert "elementwise" not in message
    assert check_value(..., 1.0, name="n", variable="x").message.startswith("Not attempted yet: x is still ...")


def test_function_messages_fit_a_function():
    none = check_function(lambda x: None, np.tanh, INPUTS, name="tanh").message
    assert "did you forget `return`?" in none
    shape = check_function(lambda x: np.tanh(x)[:1], np.tanh, INPUTS, name="tanh").message
    assert "Work elementwise" in shape
    off = check_function(lambda x: np.tanh(x) * 3, np.tanh, [np.array([0.5])], name="tanh").message
    assert off.startswith("Your tanh is off on input [0.5]: at index 0 it gives 1.386")
    assert "about 3 times too large" in off and "0.4621" not in off   # tanh(0.5), the target


@pytest.mark.parametrize("given, want, words", [
    (0.24, 0.25, "too low, by about 4 %"), (0.26, 0.25, "too high, by about 4 %"),
    (0.75, 0.25, "about 3 times too large"), (0.05, 0.25, "about 5 times too small"),
    (-0.25, 0.25, "wrong sign"), (0.0, 0.25, "too low (you gave 0)"), (0.01, 0.0, "too high, by 0.01"),
    (-3.0, -2.0, "too low, by about 50 %"), (1.0001, 1.0, "by about 0.01 %"),
])
def test_how_far_says_direction_and_size(given, want, words):
    assert words in how_far(given, want)


def test_not_attempted_says_where_to_run_it_on_the_website(monkeypatch):
    monkeypatch.delenv("COURSE_STATIC", raising=False)
    assert "website" not in not_attempted("x is still ...", "fill it in.").message
    assert "website" not in check_function(stub, np.tanh, INPUTS, name="tanh").message
    monkeypatch.setenv("COURSE_STATIC", "1")
    for message in (not_attempted("x is still ...", "fill it in.").message,
                    check_function(stub, np.tanh, INPUTS, name="tanh").message,
                    check_value(..., 1.0, name="n").message):
        assert message.startswith("Not attempted yet")
        assert "On the website nothing runs" in message and "Run this chapter on your machine" in message
        assert "self-check" in message


def test_ragged_arguments_do_not_break_the_checker():
    layers = [(np.ones((2, 3)), np.zeros(2)), (np.ones((1, 2)), np.zeros(1))]

    def raising(pairs):
        raise ValueError("nope")

    report = check_function(raising, lambda pairs: np.zeros(1), [(layers,)], name="combine")
    assert not report and "raised ValueError: nope" in report.message and "list of 2 items" in report.message
