"""Demand forecasting: per-item method choice, calibrated quantiles, stock-out
estimates.

Entry points for the Odoo adapter (plain arrays in, plain values out):

- :func:`fit` (items, dates, quantities, freq, horizon, quantiles) ->
  ``TrainingResult`` whose ``model`` is a :class:`DemandModel` (``forecast``,
  ``records``, ``stockout``);
- :func:`forecast`: fit and return one dict per item;
- :func:`stockout`: stock-out date, probability, cover, reorder point and order
  quantity.

Everything is vectorised over an items x periods matrix (see :mod:`.series`); the
methods, the per-item choice and the calibration are documented in :mod:`.methods`,
:mod:`.engine` and :mod:`.dist`.
"""

from .classify import CLASSES, adi_cv2, classify, demand_classes, detect_seasonality
from .model import (
    DEFAULT_QUANTILES,
    DemandError,
    DemandModel,
    fit,
    fit_history,
    forecast,
    holdout_evaluation,
)
from .series import (
    DemandDataError,
    DemandHistory,
    build_history,
    history_from_matrix,
    history_from_wide,
)
from .stockout import parse_incoming, stockout
