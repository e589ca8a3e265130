"""Demand forecasting: per-item method choice, calibrated quantiles, stock-out
estimates and the demand plan.

Entry points (plain arrays in, plain values out):

- :class:`DemandModel` (``freq``, ``horizon``, ``quantiles``, ...): ``fit(history)``,
  ``predict``, ``score``, ``forecast``, ``records``, ``stockout``;
- :func:`evaluate` (history, **hyperparameters) -> ``TrainingResult``: the model
  fitted on all of the history plus its honest backtest (what Odoo trains with);
  :func:`holdout_evaluation`: the report of a held-out tail (CLI, benchmark);
- :func:`plan` (model, items, on hand, receipts, lead times, ...): per item the
  forecast quantities, stock-out date and probability, cover, reorder point and order
  quantity (what Odoo stores per product and warehouse);
- :data:`DEMAND_CLASSES`: class codes and labels.

Everything is vectorised over an items x periods matrix (see :mod:`.series`); the
methods, the per-item choice and the calibration are documented in :mod:`.methods`,
:mod:`.engine` and :mod:`.dist`.
"""

from .checks import DemandDataError, DemandError, check_horizon, check_quantiles
from .classify import (
    CLASSES,
    DEMAND_CLASSES,
    adi_cv2,
    classify,
    demand_classes,
    detect_seasonality,
)
from .model import (
    DEFAULT_QUANTILES,
    DemandModel,
    evaluate,
    forecast,
    holdout_evaluation,
)
from .plan import plan, pooled_means
from .series import (
    PERIOD_DAYS,
    DemandHistory,
    build_history,
    history_from_matrix,
    history_from_wide,
)
from .stockout import parse_incoming, stockout

__all__ = [
    "CLASSES",
    "DEFAULT_QUANTILES",
    "DEMAND_CLASSES",
    "PERIOD_DAYS",
    "DemandDataError",
    "DemandError",
    "DemandHistory",
    "DemandModel",
    "adi_cv2",
    "build_history",
    "check_horizon",
    "check_quantiles",
    "classify",
    "demand_classes",
    "detect_seasonality",
    "evaluate",
    "forecast",
    "history_from_matrix",
    "history_from_wide",
    "holdout_evaluation",
    "parse_incoming",
    "plan",
    "pooled_means",
    "stockout",
]
