"""What every engine capability shares: the error type and the estimator protocol.

Every model of the engine (leads, demand, chat, deal risk, revenue forecast) is an
:class:`Estimator`::

    model = SomeEstimator(**hyperparameters).fit(data)   # -> the fitted model itself
    model.predict(data)                                 # what it is for
    model.score(data)                                   # its primary metric on data
    model.explain(data)                                 # readable per-row reasons

Hyperparameters are the constructor's keyword arguments and nothing else (like
scikit-learn: ``__init__`` only stores them, ``fit`` learns the ``*_`` attributes).
Holdout reports are computed by a separate function of each package (``evaluate``)
that returns a :class:`pyme_ai.training.TrainingResult`; saved models are always an
``Estimator`` whose ``kind`` goes into the signed artifact header.
"""

from __future__ import annotations

import inspect


class PymeAiError(ValueError):
    """Base of every domain error of the engine: bad input, too little data, a model
    of another kind. Callers (the CLI, pyme_ai_base) catch this one type."""


class InsufficientDataError(PymeAiError):
    """Too little history to learn from; the message says what is missing."""


class NotFittedError(PymeAiError):
    """A model used before ``fit``."""


class WrongKindError(PymeAiError):
    """A saved model of another capability (a chat model given to lead scoring)."""


class Estimator:
    """Base of the engine's models.

    Subclasses set ``kind`` (the registry kind, also written in saved artifacts) and
    implement ``fit``; ``predict``/``score``/``explain`` where they make sense.
    """

    #: registry kind, e.g. "lead_scoring"; written in the artifact header
    kind = None
    #: attribute that exists only once fitted (checked by :meth:`check_fitted`)
    _fitted_attribute = None

    @classmethod
    def _param_names(cls):
        kinds = (
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            inspect.Parameter.KEYWORD_ONLY,
        )
        signature = inspect.signature(cls.__init__)
        return [
            name
            for name, param in signature.parameters.items()
            if name != "self" and param.kind in kinds
        ]

    def get_params(self):
        """Hyperparameters as given to the constructor."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params):
        unknown = set(params) - set(self._param_names())
        if unknown:
            raise PymeAiError(
                f"unknown parameters for {type(self).__name__}: "
                f"{', '.join(sorted(unknown))}"
            )
        for name, value in params.items():
            setattr(self, name, value)
        return self

    @property
    def is_fitted(self):
        attribute = self._fitted_attribute
        return bool(attribute) and getattr(self, attribute, None) is not None

    def check_fitted(self):
        if not self.is_fitted:
            raise NotFittedError(f"{type(self).__name__} is not fitted yet")

    def fit(self, data):
        raise NotImplementedError

    def predict(self, data):
        raise NotImplementedError

    def score(self, data):
        raise NotImplementedError

    def explain(self, data):
        raise NotImplementedError

    def __repr__(self):
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({params})"


def check_kind(model, kind):
    """``model`` if it is an :class:`Estimator` of ``kind``, else WrongKindError."""
    found = getattr(model, "kind", None) if isinstance(model, Estimator) else None
    if found != kind:
        raise WrongKindError(
            f"this is a {found or type(model).__name__} model, not a {kind} model"
        )
    return model
