"""Checkers of the Activations chapter: each passes its reference and answers broken attempts."""

import numpy as np
import pytest

from lib import activations as act
from lib.exercises import activations as ex
from lib.experiments.activations import combine_linear


def stub(*args):
    raise NotImplementedError("Student exercise")


# ---- stable sigmoid ---------------------------------------------------------------------------

def test_stable_sigmoid_reference_passes():
    assert ex.check_stable_sigmoid(act.sigmoid)


@pytest.mark.parametrize("answer, words", [
    (stub, "still the stub"),
    (lambda x: 1 / (1 + np.exp(-x)), "warned"),
    (lambda x: np.tanh(x), "is off on input"),
    (lambda x: act.sigmoid(x).astype(np.float64), "dtype"),
])
def test_stable_sigmoid_broken_answers_fail(answer, words):
    report = ex.check_stable_sigmoid(answer)
    assert not report and words in report.message and "Hint:" in report.message


# ---- three linear layers collapse -------------------------------------------------------------

def test_collapse_reference_passes():
    report = ex.check_collapse(combine_linear)
    assert report and "2 stacks" in report.message


def test_collapse_answer_may_modify_its_input_without_spoiling_the_check():
    def destructive(layers):
        W, b = combine_linear(layers)
        for Wk, bk in layers:
            Wk[...] = 0
            bk[...] = 0
        return W, b
    assert ex.check_collapse(destructive)


@pytest.mark.parametrize("answer, words", [
    (stub, "still the stub"),
    (lambda L: None, "pair (W, b)"),
    (lambda L: L[0][0] @ L[1][0] @ L[2][0], "pair (W, b)"),
    (lambda L: (L[0][0] @ L[1][0] @ L[2][0], L[2][1]), "combined b is off"),  # earlier biases forgotten
    (lambda L: (combine_linear(L)[0].T, combine_linear(L)[1]), "combined W has shape"),
    (lambda L: (None, combine_linear(L)[1]), "combined W has None"),
    (lambda L: (combine_linear(L)[0] * 1.001, combine_linear(L)[1]), "combined W is off"),
    (lambda L: 1 / 0, "raised ZeroDivisionError"),
    ("W1 W2 W3", "Expected a function"),
])
def test_collapse_broken_answers_fail(answer, words):
    report = ex.check_collapse(answer)
    assert not report
    assert words in report.message
    assert "Hint:" in report.message


# ---- zero-centred ------------------------------------------------------------------------------

def test_zero_centred_reference_passes():
    assert ex.check_zero_centred(["tanh", "linear", "selu"])


@pytest.mark.parametrize("answer, words", [
    (["tanh"], "2 names are missing."),
    (["tanh", "linear", "selu", "elu"], "'elu' does not belong"),
    (["tanh", "lineaar"], "Not a known name: 'lineaar'"),
    ("tanh", "Expected a collection"),
    (None, "Expected a collection"),
    (..., "Not attempted yet: my_zero_centred is still ..."),
])
def test_zero_centred_wrong_answers_fail(answer, words):
    report = ex.check_zero_centred(answer)
    assert not report and words in report.message
    assert "linear" not in report.message and "selu" not in report.message   # the answer stays hidden


def test_zero_centred_ignores_case():
    assert ex.check_zero_centred(["Tanh", " LINEAR", "selu"])


# ---- output activations ------------------------------------------------------------------------

def test_output_activations_reference_and_synonyms_pass():
    assert ex.check_output_activations(dict(ex.OUTPUT_TASKS))
    assert ex.check_output_activations({"temperature": "Identity", "digit": " softmax", "tags": "SIGMOID"})


@pytest.mark.parametrize("answer, words", [
    ({"temperature": ..., "digit": ..., "tags": ...}, "Not attempted yet"),
    (..., "Not attempted yet"),
    ({"temperature": "linear", "digit": ..., "tags": ...}, "2 of 3 wrong. digit: not answered yet"),
    ({"temperature": "relu", "digit": "softmax", "tags": "sigmoid"}, "temperature: 'relu' does not fit"),
    ({"temperature": "linear", "digit": "sigmoid", "tags": "sigmoid"}, "digit: 'sigmoid'"),
    ({"temperature": "linear", "digit": "softmax", "tags": "softmax"}, "several may apply"),
    ({"temperature": "linear"}, "no answer for ['digit', 'tags']"),
    (["linear", "softmax", "sigmoid"], "Expected a dict"),
])
def test_output_activations_wrong_answers_fail(answer, words):
    report = ex.check_output_activations(answer)
    assert not report and words in report.message
