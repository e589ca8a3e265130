"""The estimator protocol and the one engine error type."""

import pytest

from pyme_ai import base, evaluation, leads, persistence, tabular
from pyme_ai.base import (
    Estimator,
    InsufficientDataError,
    NotFittedError,
    PymeAiError,
    WrongKindError,
    check_kind,
)


class _Toy(Estimator):
    kind = "toy"
    _fitted_attribute = "mean_"

    def __init__(self, *, shift=0.0, scale=1):
        self.shift = shift
        self.scale = scale

    def fit(self, data):
        self.mean_ = sum(data) / len(data)
        return self

    def predict(self, data):
        self.check_fitted()
        return [(x - self.mean_ + self.shift) * self.scale for x in data]


def test_params_are_the_constructor_arguments():
    toy = _Toy(shift=2.0)
    assert toy.get_params() == {"shift": 2.0, "scale": 1}
    assert toy.set_params(scale=3) is toy and toy.scale == 3
    assert repr(toy) == "_Toy(shift=2.0, scale=3)"
    with pytest.raises(PymeAiError, match="unknown parameters for _Toy: nope"):
        toy.set_params(nope=1)


def test_fit_returns_self_and_predict_before_fit_raises():
    toy = _Toy()
    assert not toy.is_fitted
    with pytest.raises(NotFittedError, match="_Toy is not fitted yet"):
        toy.predict([1])
    assert toy.fit([1, 3]) is toy and toy.is_fitted
    assert toy.predict([4]) == [2.0]


def test_check_kind():
    toy = _Toy()
    assert check_kind(toy, "toy") is toy
    with pytest.raises(WrongKindError, match="this is a toy model, not a leads model"):
        check_kind(toy, "leads")
    with pytest.raises(WrongKindError, match="this is a dict model"):
        check_kind({"kind": "toy"}, "toy")


@pytest.mark.parametrize(
    "error",
    [
        InsufficientDataError,
        NotFittedError,
        WrongKindError,
        evaluation.EvaluationError,
        tabular.TabularError,
        persistence.PersistenceError,
        persistence.WrongKindError,
        persistence.WrongCompanyError,
        leads.InsufficientDataError,
    ],
)
def test_every_domain_error_is_a_pyme_ai_error(error):
    assert issubclass(error, base.PymeAiError)


def test_leads_and_base_share_insufficient_data_and_wrong_kind():
    assert leads.InsufficientDataError is InsufficientDataError
    assert issubclass(persistence.WrongKindError, WrongKindError)
