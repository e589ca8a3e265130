"""The demand estimator and its holdout reports.

``DemandModel(freq=..., horizon=..., quantiles=...).fit(history)`` chooses a method per
item, calibrates the quantiles of cumulative demand and keeps, per item, the chosen
method's point forecast (``level_`` or the seasonal ``pattern_``) and the
negative-binomial description of cumulative demand (see :mod:`.dist`), plus the item's
demand class and the backtest RMSSE of its method.

:func:`evaluate` (what the Odoo adapter trains with) fits the same model and adds the
honest backtest of the per-item choice: the whole procedure (choice, calibration) run as
if the last ``horizon`` periods were unknown, then scored on them; ``report["methods"]``
has the same scores for every single method. :func:`holdout_evaluation` cuts the last
``horizon`` periods off first (CLI ``evaluate``, the benchmark).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .. import evaluation
from ..base import Estimator
from ..training import TrainingResult
from . import dist, promo
from .checks import DemandError, check_horizon, check_quantiles
from .classify import demand_classes
from .engine import Engine, cumulative_quantiles, per_item
from .methods import steps
from .series import (
    PERIOD_DAYS,
    DemandHistory,
    build_history,
    check_freq,
    period_index,
    period_start,
    to_days,
)
from .stockout import stockout

DEFAULT_QUANTILES = (0.5, 0.9, 0.95)
NONE_METHOD = "none"
#: The moving average Odoo's replenishment shows (average of the last 3 periods): the
#: baseline of the per-item accuracy.
BASELINE_METHOD = "ma3"


class DemandModel(Estimator):
    """Per-item forecasts, distributions and backtest errors (small, picklable arrays).

    Hyperparameters: ``freq`` (``D``, ``W`` or ``M``; None: the history's, ``D`` for
    long arrays), ``horizon`` (periods), ``quantiles`` (of cumulative demand),
    ``max_periods`` (history kept per item) and ``n_backtest`` (backtest origins).

    ``fit(data)`` takes a :class:`~pyme_ai.demand.series.DemandHistory` or a mapping
    with ``items``, ``dates``, ``quantities`` (long arrays) and optionally ``end`` (the
    last day of every item's history; default: the latest date).

    Fitted: point forecast per step ``pattern_`` (seasonal items) or ``level_``;
    cumulative demand is negative binomial around ``dist_level_`` / ``pattern_`` with
    the item's ``dispersion_``, the shared ``var_b_`` and the calibration map
    ``calib_``.
    """

    kind = "demand_forecast"
    _fitted_attribute = "items_"

    def __init__(
        self,
        freq=None,
        horizon=28,
        quantiles=DEFAULT_QUANTILES,
        max_periods=None,
        n_backtest=4,
    ):
        self.freq = freq
        self.horizon = horizon
        self.quantiles = quantiles
        self.max_periods = max_periods
        self.n_backtest = n_backtest

    # ------------------------------------------------------------------ fitting
    def history(self, data):
        """``data`` as a DemandHistory of this model's frequency."""
        if isinstance(data, DemandHistory):
            if self.freq is not None and check_freq(self.freq) != data.freq:
                raise DemandError(
                    f"the history has {data.freq} periods, the model {self.freq}"
                )
            return data
        if not isinstance(data, Mapping):
            raise DemandError(
                "demand data must be a DemandHistory or a mapping with items, "
                "dates and quantities"
            )
        return build_history(
            data["items"],
            data["dates"],
            data["quantities"],
            check_freq(self.freq or "D"),
            end=data.get("end"),
            max_periods=self.max_periods,
        )

    def engine(self, data):
        """The fitted backtest engine of ``data`` (shared by fit and evaluate)."""
        horizon = check_horizon(self.horizon)
        check_quantiles(self.quantiles)
        return Engine(self.history(data), horizon, n_backtest=self.n_backtest)

    def fit(self, data, promotions=None):
        """See the class docstring; ``promotions`` (or ``data["promotions"]``): known
        promotions, used when they lower the held-out error (:mod:`.promo`)."""
        prepared = self.prepared(data, promotions)
        return self.fit_engine(prepared.engine, prepared.factor, prepared.report)

    def prepared(self, data, promotions=None):
        """The engine to fit (de-promoted when promotions help) and the promotion
        factors and report of :func:`.promo.prepare` (no report without input)."""
        engine = self.engine(data)
        if promotions is None and isinstance(data, Mapping):
            promotions = data.get("promotions")
        if promotions is None:
            return promo.SimpleNamespace(
                engine=engine, plain=engine, factor=None, level_factor=None, report=None
            )
        return promo.prepare(engine, promotions, Engine)

    def fit_engine(self, engine, promo_factor=None, promotions=None):
        """Choose, calibrate and pack the model at the end of ``engine``'s history;
        ``promo_factor`` ``(n, H)`` multiplies the forecast of known promotions."""
        T = engine.T
        choice, info = engine.select(T)
        reference = engine.names.index(info["reference"])
        center = center_choice(engine, choice, reference)
        var_b, calib = engine.calibrate_classes(T, center)
        n = engine.values.shape[0]
        rows = np.arange(n)
        level = np.zeros(n)
        dist_level = np.zeros(n)
        for m, name in enumerate(engine.names):
            if name == "snaive":
                continue
            vals = np.nan_to_num(engine.level(name, T), nan=0.0)
            level = np.where(choice == m, vals, level)
            dist_level = np.where(center == m, vals, dist_level)
        snaive = engine.names.index("snaive")
        pattern = np.full((n, engine.season), np.nan)
        is_seasonal = choice == snaive
        pattern[is_seasonal] = engine.paths.pattern[engine.j(T)][is_seasonal]
        score = engine.backtest_score(T)
        rmsse = np.full(n, np.nan)
        if score is not None:
            ok = choice >= 0
            rmsse[ok] = score[rows[ok], choice[ok]]
        names = np.array(engine.names + (NONE_METHOD,), dtype=object)
        hist = engine.history
        self.freq_ = hist.freq
        self.first_period_ = hist.end + 1
        self.method_ = names[np.where(choice >= 0, choice, len(engine.names))]
        self.demand_class_ = demand_classes(hist.values, hist.start)
        self.rmsse_ = rmsse
        self.level_ = np.maximum(level, 0.0)
        self.dist_level_ = np.maximum(dist_level, 0.0)
        self.pattern_ = np.maximum(pattern, 0.0)
        self.dispersion_ = engine.dispersion(T)
        self.unit_ = engine.unit(T)
        self.var_b_ = var_b
        self.calib_ = calib
        self.baseline_rmsse_ = (
            score[:, engine.names.index(BASELINE_METHOD)]
            if score is not None
            else np.full(n, np.nan)
        )
        self.info_ = {"selection": info["rule"], "reference": info["reference"]}
        if promotions is not None:
            self.info_["promotions"] = promotions
        self.promo_ = promo_factor
        self.items_ = hist.items
        return self

    @classmethod
    def constant(
        cls,
        items,
        per_period_mean,
        freq="D",
        first_day=None,
        dispersion=1.0,
        var_b=0.0,
        horizon=28,
    ):
        """A fitted model with a known flat demand rate per item (Poisson when
        ``dispersion`` is 1 and ``var_b`` 0): for what-if runs and hand-checked
        stock-out cases."""
        freq = check_freq(freq)
        model = cls(freq=freq, horizon=horizon)
        items = np.asarray(items, dtype=object)
        n = len(items)
        mean = np.broadcast_to(np.asarray(per_period_mean, dtype=float), (n,)).copy()
        first = to_days([first_day or "2024-01-01"])[0]
        model.freq_ = freq
        model.first_period_ = np.full(n, period_index(np.array([first]), freq)[0])
        model.method_ = np.full(n, "given", dtype=object)
        model.demand_class_ = np.full(n, "smooth", dtype=object)
        model.rmsse_ = np.full(n, np.nan)
        model.level_ = mean
        model.dist_level_ = mean.copy()
        model.pattern_ = np.full((n, 1), np.nan)
        model.dispersion_ = np.broadcast_to(
            np.asarray(dispersion, dtype=float), (n,)
        ).copy()
        model.unit_ = np.ones(n)
        model.var_b_ = float(var_b)
        model.calib_ = dist.GRID.copy()
        model.baseline_rmsse_ = np.full(n, np.nan)
        model.info_ = {}
        model.items_ = items
        return model

    # ------------------------------------------------------------------ means
    @property
    def n_items(self):
        self.check_fitted()
        return len(self.items_)

    def index(self, items):
        """Row of each item id (KeyError for unknown ids)."""
        lookup = {item: i for i, item in enumerate(self.items_.tolist())}
        return np.array([lookup[item] for item in items], dtype=np.int64)

    def _steps(self, level, horizon, rows=None):
        self.check_fitted()
        rows = np.arange(self.n_items) if rows is None else np.asarray(rows)
        out = steps(level[rows], None, horizon)
        seasonal = np.isfinite(self.pattern_[rows]).all(axis=1)
        if seasonal.any():
            out[seasonal] = steps(None, self.pattern_[rows][seasonal], horizon)
        factor = getattr(self, "promo_", None)  # known future promotions
        if factor is not None:
            k = min(horizon, factor.shape[1])
            out[:, :k] *= factor[rows, :k]
        return np.nan_to_num(out, nan=0.0)

    def step_means(self, horizon=None, rows=None):
        """Point forecast per item and step, ``(n, horizon)``."""
        return self._steps(self.level_, horizon or self.horizon, rows)

    def dist_means(self, horizon=None, rows=None):
        """Per-step means the quantiles are built around, ``(n, horizon)``."""
        return self._steps(self.dist_level_, horizon or self.horizon, rows)

    def calibration(self, rows=None):
        """``(b, map)`` of each item of ``rows``: ``(k,)`` and ``(k, len(GRID))``
        (models fitted before per-class calibration share one)."""
        rows = np.arange(self.n_items) if rows is None else np.asarray(rows)
        b, calib = per_item(self.var_b_, self.calib_, self.n_items)
        return b[rows], calib[rows]

    def cumulative_quantiles(self, cum_center, levels, rows=None):
        """Calibrated quantiles of cumulative demand whose centre is ``cum_center``."""
        rows = np.arange(self.n_items) if rows is None else np.asarray(rows)
        cum_center = np.asarray(cum_center, dtype=float)
        shape = cum_center.shape
        flat = cum_center.reshape(len(rows), -1)
        b, calib = self.calibration(rows)
        q = cumulative_quantiles(
            flat, self.dispersion_[rows], self.unit_[rows], b, calib, levels
        )
        return q.reshape((len(tuple(levels)),) + shape)

    def step_dates(self, horizon=None):
        horizon = horizon or self.horizon
        return period_start(
            self.first_period_[:, None] + np.arange(horizon)[None, :], self.freq_
        )

    def mean_daily(self, horizon=None, rows=None):
        """Mean demand per day over the horizon."""
        horizon = horizon or self.horizon
        return self.step_means(horizon, rows).sum(axis=1) / (
            horizon * PERIOD_DAYS[self.freq_]
        )

    # ------------------------------------------------------------------ outputs
    def predict(self, items=None, horizon=None):
        """Point forecast ``(len(items), horizon)`` (all items when None)."""
        self.check_fitted()
        rows = None if items is None else self.rows(items)
        return self.step_means(check_horizon(horizon or self.horizon), rows)

    def rows(self, items):
        try:
            return self.index(items)
        except KeyError as exc:
            raise DemandError(f"item {exc.args[0]!r} is not in the model") from None

    def score(self, data):
        """Mean RMSSE of the point forecasts against the ``horizon`` periods that
        follow the fitted history in ``data`` (a longer history of the same items).

        Items count when ``data`` covers their forecast periods and their RMSSE scale
        (naive one-step errors since the first demand) is defined.
        """
        self.check_fitted()
        history = self.history(data)
        horizon = check_horizon(self.horizon)
        mean = self.step_means(horizon)
        lookup = {item: k for k, item in enumerate(history.items.tolist())}
        width = history.n_periods
        scores = []
        for i, item in enumerate(self.items_.tolist()):
            k = lookup.get(item)
            if k is None:
                continue
            first = int(self.first_period_[i] - history.end[k]) + width - 1
            if first < 0 or first + horizon > width:
                continue
            past = history.values[k, history.start[k] : first]
            if past.size < 2:
                continue
            actual = history.values[k, first : first + horizon]
            value = evaluation.rmsse_error(actual, mean[i], past)
            if np.isfinite(value):
                scores.append(value)
        if not scores:
            raise DemandError("no item of the model can be scored on this history")
        return float(np.mean(scores))

    def forecast(self, horizon=None, quantiles=None):
        """Arrays per item: ``step_mean``/``cum_mean`` ``(n, h)``, ``cum_quantiles[q]``,
        ``dates`` (period starts), ``method``, ``demand_class``, ``rmsse``,
        ``mean_daily``."""
        horizon = check_horizon(horizon or self.horizon)
        levels = check_quantiles(quantiles or self.quantiles)
        mean = self.step_means(horizon)
        center = np.cumsum(self.dist_means(horizon), axis=1)
        q = self.cumulative_quantiles(center, levels)
        return {
            "items": self.items_,
            "dates": self.step_dates(horizon),
            "step_mean": mean,
            "cum_mean": np.cumsum(mean, axis=1),
            "cum_quantiles": {lvl: q[k] for k, lvl in enumerate(levels)},
            "method": self.method_,
            "demand_class": self.demand_class_,
            "rmsse": self.rmsse_,
            "mean_daily": self.mean_daily(horizon),
        }

    def records(self, horizon=None, quantiles=None):
        """One dict per item (plain Python values)."""
        out = self.forecast(horizon, quantiles)
        rows = []
        for i, item in enumerate(out["items"].tolist()):
            rmsse = float(out["rmsse"][i])
            rows.append(
                {
                    "item": item,
                    "method": str(out["method"][i]),
                    "demand_class": str(out["demand_class"][i]),
                    "rmsse": None if np.isnan(rmsse) else rmsse,
                    "mean": out["step_mean"][i].tolist(),
                    "dates": [d.item() for d in out["dates"][i]],
                    "cum_mean": out["cum_mean"][i].tolist(),
                    "cum_quantiles": {
                        q: arr[i].tolist() for q, arr in out["cum_quantiles"].items()
                    },
                    "mean_daily": float(out["mean_daily"][i]),
                }
            )
        return rows

    def stockout(self, *args, **kwargs):
        """See :func:`pyme_ai.demand.stockout.stockout` (same arguments after
        the model)."""
        self.check_fitted()
        return stockout(self, *args, **kwargs)


# --------------------------------------------------------------------------- reports
def center_choice(engine, choice, reference):
    """Method whose level centres each item's quantiles (see :mod:`.dist`)."""
    snaive = engine.names.index("snaive")
    return np.where(choice == snaive, snaive, np.where(choice >= 0, reference, -1))


def evaluate_level(
    engine,
    level,
    quantiles=DEFAULT_QUANTILES,
    per_method=True,
    outcome=None,
    factor=None,
    scales=None,
):
    """Scores at ``level`` against the ``H`` periods after it, for the choice and
    methods.

    ``outcome`` (``n x H``) gives those periods when they are not in the engine's data
    (a holdout cut off beforehand); ``factor`` (``n x H``) multiplies every forecast
    there (known promotions) and ``scales`` replaces the engine's RMSSE and MASE
    scales (those of the raw history when the engine's is de-promoted). Returns
    ``{"choice": row, "methods": {name: row}, "n_items": k, ...}``; a row has
    ``rmsse``, ``mase``, ``pinball_<q>`` and ``coverage_<q>`` (quantiles of demand
    cumulated over the horizon). Items count when their RMSSE and MASE scales are
    defined (two periods since the first demand, not constant).
    """
    choice, info = engine.select(level)
    reference = engine.names.index(info["reference"])
    outcome = (
        engine.outcome(level) if outcome is None else np.asarray(outcome, dtype=float)
    )
    mse_scale, mae_scale = engine.scales(level) if scales is None else scales
    factor = 1.0 if factor is None else np.asarray(factor, dtype=float)
    keep = np.isfinite(mse_scale) & np.isfinite(mae_scale) & (choice >= 0)
    result = {
        "n_items": int(keep.sum()),
        "selection": info["rule"],
        "reference": info["reference"],
        "methods": {},
    }
    if not keep.any():
        return result
    rows = {}
    candidates = [("choice", choice, center_choice(engine, choice, reference))]
    if per_method:
        for m, name in enumerate(engine.names):
            fixed = np.where(choice >= 0, m, -1)
            candidates.append((name, fixed, fixed))
    levels = check_quantiles(quantiles)
    classes = engine.classes(level)
    result["classes"] = {}
    for name, pick, center in candidates:
        mean = engine.chosen_steps(pick, level) * factor
        var_b, calib = engine.calibrate_classes(level, center, classes)
        cum_center = (engine.chosen_steps(center, level) * factor).sum(
            axis=1, keepdims=True
        )
        q = cumulative_quantiles(
            cum_center,
            engine.dispersion(level),
            engine.unit(level),
            var_b,
            calib,
            levels,
        )[:, :, 0]
        rows[name] = score_rows(
            outcome[keep],
            mean[keep],
            q[:, keep],
            levels,
            mse_scale[keep],
            mae_scale[keep],
        )
        for code in np.unique(classes[keep]):
            sub = keep & (classes == code)
            by_class = result["classes"].setdefault(
                str(code), {"n_items": int(sub.sum()), "methods": {}}
            )
            row = score_rows(
                outcome[sub],
                mean[sub],
                q[:, sub],
                levels,
                mse_scale[sub],
                mae_scale[sub],
            )
            if name == "choice":
                by_class["choice"] = row
            else:
                by_class["methods"][name] = row
    result["choice"] = rows.pop("choice")
    result["methods"] = rows
    picked = np.array(engine.names)[choice[keep]]
    result["chosen_counts"] = {
        str(k): int(v)
        for k, v in zip(*np.unique(picked, return_counts=True), strict=True)
    }
    return result


def score_rows(actual, mean, cum_quantiles, levels, mse_scale, mae_scale):
    """Scores averaged over items: RMSSE, MASE, and per level the pinball loss and
    coverage of the quantiles of demand cumulated over the horizon (pinball scaled per
    item by ``H * MAE scale`` so items of any size can be averaged)."""
    horizon = actual.shape[1]
    total = actual.sum(axis=1)
    row = {
        "rmsse": float(
            np.mean(evaluation.rmsse_error(actual, mean, scale=mse_scale, axis=1))
        ),
        "mase": float(
            np.mean(evaluation.mase_error(actual, mean, scale=mae_scale, axis=1))
        ),
    }
    for k, q in enumerate(levels):
        key = f"{q:g}"
        loss = evaluation.pinball_loss(
            total[:, None], cum_quantiles[k][:, None], q, axis=1
        )
        row[f"pinball_{key}"] = float(np.mean(loss / (horizon * mae_scale)))
        row[f"coverage_{key}"] = evaluation.coverage_score(total, cum_quantiles[k])
    return row


def holdout_evaluation(
    history,
    horizon,
    quantiles=DEFAULT_QUANTILES,
    per_method=True,
    n_backtest=4,
    promotions=None,
):
    """Cut the last ``horizon`` periods off every item, fit on the rest, score on
    them; returns the report dict of :func:`evaluate_level`. ``promotions``
    (intensities of the whole history, see :func:`.promo.align`): those of the
    held-out periods are the known future ones; ``report["promotions"]`` says
    whether they were used."""
    horizon = check_horizon(horizon)
    quantiles = check_quantiles(quantiles)
    if history.n_periods <= 2 * horizon:
        raise DemandError(
            f"{history.n_periods} periods of history are too few to hold out {horizon}"
        )
    train = history.truncate(horizon)
    engine = Engine(train, horizon, n_backtest=n_backtest)
    prepared = None
    if promotions is not None:
        past = promo.align(history, promotions, 0)[0]
        pair = (past[:, :-horizon], past[:, -horizon:])
        prepared = promo.prepare(engine, pair, Engine)
    result = evaluate_level(
        engine if prepared is None else prepared.engine,
        engine.T,
        quantiles,
        per_method,
        outcome=history.tail(horizon),
        factor=None if prepared is None else prepared.factor,
        scales=engine.scales(engine.T),
    )
    result.update(horizon=horizon, freq=history.freq)
    if prepared is not None:
        result["promotions"] = prepared.report
    return result


def evaluate(data, per_method=True, promotions=None, **hyperparameters):
    """Fit a :class:`DemandModel` on ``data`` and report its honest backtest.

    Returns a TrainingResult whose ``model`` is fitted on all of ``data``; ``metrics``
    are the per-item choice's scores on the last ``horizon`` periods, the whole
    procedure having been run as if they were unknown (``rmsse`` is nan when the
    history is too short for it); ``report["methods"]`` has every single method's
    scores when ``per_method``. With ``promotions`` (or ``data["promotions"]``,
    see :func:`.promo.align`), the metrics are those of the forecast actually used
    and ``report["promotions"]`` says whether promotions were used and why.
    """
    model = DemandModel(**hyperparameters)
    prepared = model.prepared(data, promotions)
    engine = prepared.engine
    model.fit_engine(engine, prepared.factor, prepared.report)
    history = engine.history
    horizon = engine.H
    quantiles = check_quantiles(model.quantiles)
    metrics = {"rmsse": float("nan"), "n_items": 0}
    report = {
        "horizon": horizon,
        "freq": history.freq,
        "n_items": history.n_items,
        "n_periods": history.n_periods,
        **model.info_,
    }
    level = engine.T - horizon
    if level >= 2:
        ev = evaluate_level(
            engine,
            level,
            quantiles,
            per_method=per_method,
            outcome=prepared.plain.outcome(level),
            factor=prepared.level_factor,
            scales=prepared.plain.scales(level),
        )
        if "choice" in ev:
            metrics = {**ev["choice"], "n_items": ev["n_items"]}
            report["methods"] = ev["methods"]
            report["chosen_counts"] = ev.get("chosen_counts", {})
    report["methods_chosen"] = _counts(model.method_)
    report["demand_classes"] = _counts(model.demand_class_)
    return TrainingResult(
        model=model,
        metrics=metrics,
        primary_metric="rmsse",
        higher_is_better=False,
        n_rows=int(history.n_items * history.n_periods),
        report=report,
    )


def _counts(values):
    keys, counts = np.unique(values, return_counts=True)
    return {str(k): int(v) for k, v in zip(keys, counts, strict=True)}


def forecast(
    items,
    dates,
    quantities,
    freq="D",
    horizon=28,
    quantiles=DEFAULT_QUANTILES,
    end=None,
):
    """Fit and forecast in one call: one dict per item (see
    :meth:`DemandModel.records`)."""
    data = {"items": items, "dates": dates, "quantities": quantities, "end": end}
    model = DemandModel(freq=freq, horizon=horizon, quantiles=quantiles).fit(data)
    return model.records(horizon, quantiles)
