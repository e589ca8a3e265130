"""Fitting entry points and the fitted :class:`DemandModel`.

``fit(items, dates, quantities, freq, horizon)`` is what the Odoo adapter calls: it
returns a :class:`pyme_ai.training.TrainingResult` whose ``model`` forecasts every item
and feeds the stock-out estimate. ``metrics`` are the honest backtest of the per-item
choice: the whole procedure (choice, calibration) run as if the last ``horizon``
periods were unknown, then scored on them. ``report["methods"]`` has the same scores
for every single method.

Per item the model keeps the chosen method's point forecast (``mean`` columns) and the
negative-binomial description of cumulative demand (``cum_q*`` columns, see
:mod:`.dist`), plus the item's demand class and the backtest RMSSE of its method.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..training import TrainingResult
from . import metrics as _metrics
from .classify import demand_classes
from .engine import Engine, cumulative_quantiles
from .methods import steps
from .series import (
    PERIOD_DAYS,
    build_history,
    check_freq,
    period_index,
    period_start,
    to_days,
)

DEFAULT_QUANTILES = (0.5, 0.9, 0.95)
NONE_METHOD = "none"


class DemandError(ValueError):
    """Bad arguments for a forecast (horizon, quantiles, service level)."""


def check_horizon(horizon):
    try:
        value = int(horizon)
    except (TypeError, ValueError):
        raise DemandError(f"horizon must be a whole number, got {horizon!r}") from None
    if value < 1 or value != float(horizon):
        raise DemandError(f"horizon must be a positive whole number, got {horizon!r}")
    return value


def check_quantiles(quantiles):
    try:
        levels = tuple(float(q) for q in quantiles)
    except (TypeError, ValueError):
        raise DemandError("quantiles must be numbers between 0 and 1") from None
    if not levels or any(not 0 < q < 1 for q in levels):
        raise DemandError("quantiles must be numbers strictly between 0 and 1")
    return tuple(sorted(set(levels)))


@dataclass
class DemandModel:
    """Per-item forecasts, distributions and backtest errors (small, picklable arrays).

    Point forecast per step: ``pattern`` (seasonal items) or ``level``. Cumulative
    demand is negative binomial around ``dist_level`` / ``pattern`` (see
    :mod:`pyme_ai.demand.dist`), with the item's ``dispersion``, the shared ``var_b``
    and the calibration map ``calib``.
    """

    items: np.ndarray
    freq: str
    horizon: int
    first_period: np.ndarray  # period number of step 1 per item
    method: np.ndarray
    demand_class: np.ndarray
    rmsse: np.ndarray  # backtest RMSSE of the chosen method (nan when unknown)
    level: np.ndarray
    dist_level: np.ndarray
    pattern: np.ndarray  # (n, season) for seasonal-naive items, nan elsewhere
    dispersion: np.ndarray
    unit: np.ndarray
    var_b: float
    calib: np.ndarray
    quantiles: tuple = DEFAULT_QUANTILES
    info: dict = field(default_factory=dict)

    @property
    def n_items(self):
        return len(self.items)

    def index(self, items):
        """Row of each item id (KeyError for unknown ids)."""
        lookup = {item: i for i, item in enumerate(self.items.tolist())}
        return np.array([lookup[item] for item in items], dtype=np.int64)

    # ------------------------------------------------------------------ means
    def _steps(self, level, horizon, rows=None):
        rows = np.arange(self.n_items) if rows is None else np.asarray(rows)
        out = steps(level[rows], None, horizon)
        seasonal = np.isfinite(self.pattern[rows]).all(axis=1)
        if seasonal.any():
            out[seasonal] = steps(None, self.pattern[rows][seasonal], horizon)
        return np.nan_to_num(out, nan=0.0)

    def step_means(self, horizon=None, rows=None):
        """Point forecast per item and step, ``(n, horizon)``."""
        return self._steps(self.level, horizon or self.horizon, rows)

    def dist_means(self, horizon=None, rows=None):
        """Per-step means the quantiles are built around, ``(n, horizon)``."""
        return self._steps(self.dist_level, horizon or self.horizon, rows)

    def cumulative_quantiles(self, cum_center, levels, rows=None):
        """Calibrated quantiles of cumulative demand whose centre is ``cum_center``."""
        rows = np.arange(self.n_items) if rows is None else np.asarray(rows)
        cum_center = np.asarray(cum_center, dtype=float)
        shape = cum_center.shape
        flat = cum_center.reshape(len(rows), -1)
        q = cumulative_quantiles(
            flat, self.dispersion[rows], self.unit[rows], self.var_b, self.calib, levels
        )
        return q.reshape((len(tuple(levels)),) + shape)

    def step_dates(self, horizon=None):
        horizon = horizon or self.horizon
        return period_start(
            self.first_period[:, None] + np.arange(horizon)[None, :], self.freq
        )

    def mean_daily(self, horizon=None, rows=None):
        """Mean demand per day over the horizon."""
        horizon = horizon or self.horizon
        return self.step_means(horizon, rows).sum(axis=1) / (
            horizon * PERIOD_DAYS[self.freq]
        )

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
        """A model with a known flat demand rate per item (Poisson when ``dispersion``
        is 1
        and ``var_b`` 0): for what-if runs and hand-checked stock-out cases."""
        from . import dist

        freq = check_freq(freq)
        items = np.asarray(items, dtype=object)
        n = len(items)
        mean = np.broadcast_to(np.asarray(per_period_mean, dtype=float), (n,)).copy()
        first = to_days([first_day or "2024-01-01"])[0]
        first_period = np.full(n, period_index(np.array([first]), freq)[0])
        return cls(
            items=items,
            freq=freq,
            horizon=horizon,
            first_period=first_period,
            method=np.full(n, "given", dtype=object),
            demand_class=np.full(n, "smooth", dtype=object),
            rmsse=np.full(n, np.nan),
            level=mean,
            dist_level=mean.copy(),
            pattern=np.full((n, 1), np.nan),
            dispersion=np.broadcast_to(
                np.asarray(dispersion, dtype=float), (n,)
            ).copy(),
            unit=np.ones(n),
            var_b=float(var_b),
            calib=dist.GRID.copy(),
        )

    # ------------------------------------------------------------------ outputs
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
            "items": self.items,
            "dates": self.step_dates(horizon),
            "step_mean": mean,
            "cum_mean": np.cumsum(mean, axis=1),
            "cum_quantiles": {lvl: q[k] for k, lvl in enumerate(levels)},
            "method": self.method,
            "demand_class": self.demand_class,
            "rmsse": self.rmsse,
            "mean_daily": self.mean_daily(horizon),
        }

    def records(self, horizon=None, quantiles=None):
        """One dict per item (plain Python values) for the Odoo adapter."""
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

    def stockout(
        self,
        items,
        on_hand,
        lead_time_days,
        incoming=None,
        service_level=0.95,
        review_days=7,
        today=None,
        max_days=365,
    ):
        """See :func:`pyme_ai.demand.stockout.stockout`."""
        from .stockout import stockout

        return stockout(
            self,
            items,
            on_hand,
            lead_time_days,
            incoming,
            service_level,
            review_days,
            today,
            max_days,
        )


# --------------------------------------------------------------------------- fitting
def _center_choice(engine, choice, reference):
    snaive = engine.names.index("snaive")
    return np.where(choice == snaive, snaive, np.where(choice >= 0, reference, -1))


def build_model(engine, quantiles=DEFAULT_QUANTILES):
    """Choose, calibrate and pack the final model at the end of the history."""
    T = engine.T
    choice, info = engine.select(T)
    reference = engine.names.index(info["reference"])
    center = _center_choice(engine, choice, reference)
    var_b, calib = engine.calibrate(T, center)
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
    return DemandModel(
        items=hist.items,
        freq=hist.freq,
        horizon=engine.H,
        first_period=hist.end + 1,
        method=names[np.where(choice >= 0, choice, len(engine.names))],
        demand_class=demand_classes(hist.values, hist.start),
        rmsse=rmsse,
        level=np.maximum(level, 0.0),
        dist_level=np.maximum(dist_level, 0.0),
        pattern=np.maximum(pattern, 0.0),
        dispersion=engine.dispersion(T),
        unit=engine.unit(T),
        var_b=float(var_b),
        calib=calib,
        quantiles=tuple(quantiles),
        info={"selection": info["rule"], "reference": info["reference"]},
    )


def evaluate_level(
    engine, level, quantiles=DEFAULT_QUANTILES, per_method=True, outcome=None
):
    """Scores at ``level`` against the ``H`` periods after it, for the choice and
    methods.

    ``outcome`` (``n x H``) gives those periods when they are not in the engine's data
    (a holdout cut off beforehand). Returns ``{"choice": row, "methods": {name: row},
    "n_items": k, ...}``; a row has ``rmsse``, ``mase``, ``pinball_<q>`` and
    ``coverage_<q>`` (quantiles of demand cumulated over the horizon). Items count when
    their RMSSE and MASE scales are defined (two periods since the first demand, not
    constant).
    """
    choice, info = engine.select(level)
    reference = engine.names.index(info["reference"])
    outcome = (
        engine.outcome(level) if outcome is None else np.asarray(outcome, dtype=float)
    )
    mse_scale, mae_scale = engine.scales(level)
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
    candidates = [("choice", choice, _center_choice(engine, choice, reference))]
    if per_method:
        for m, name in enumerate(engine.names):
            fixed = np.where(choice >= 0, m, -1)
            candidates.append((name, fixed, fixed))
    levels = check_quantiles(quantiles)
    for name, pick, center in candidates:
        mean = engine.chosen_steps(pick, level)
        var_b, calib = engine.calibrate(level, center)
        cum_center = engine.chosen_steps(center, level).sum(axis=1, keepdims=True)
        q = cumulative_quantiles(
            cum_center,
            engine.dispersion(level),
            engine.unit(level),
            var_b,
            calib,
            levels,
        )[:, :, 0]
        rows[name] = _metrics.score_rows(
            outcome[keep],
            mean[keep],
            q[:, keep],
            levels,
            mse_scale[keep],
            mae_scale[keep],
        )
    result["choice"] = rows.pop("choice")
    result["methods"] = rows
    picked = np.array(engine.names)[choice[keep]]
    result["chosen_counts"] = {
        str(k): int(v)
        for k, v in zip(*np.unique(picked, return_counts=True), strict=True)
    }
    return result


def holdout_evaluation(
    history, horizon, quantiles=DEFAULT_QUANTILES, per_method=True, n_backtest=4
):
    """Cut the last ``horizon`` periods off every item, fit on the rest, score on
    them."""
    horizon = check_horizon(horizon)
    quantiles = check_quantiles(quantiles)
    if history.n_periods <= 2 * horizon:
        raise DemandError(
            f"{history.n_periods} periods of history are too few to hold out {horizon}"
        )
    train = history.truncate(horizon)
    engine = Engine(train, horizon, n_backtest=n_backtest)
    result = evaluate_level(
        engine, engine.T, quantiles, per_method, outcome=history.tail(horizon)
    )
    result.update(horizon=horizon, freq=history.freq)
    return result


def fit_history(
    history, horizon, quantiles=DEFAULT_QUANTILES, n_backtest=4, per_method=True
):
    """Fit on a :class:`~pyme_ai.demand.series.DemandHistory`; returns a
    TrainingResult."""
    horizon = check_horizon(horizon)
    quantiles = check_quantiles(quantiles)
    engine = Engine(history, horizon, n_backtest=n_backtest)
    model = build_model(engine, quantiles)
    metrics = {"rmsse": float("nan"), "n_items": 0}
    report = {
        "horizon": horizon,
        "freq": history.freq,
        "n_items": history.n_items,
        "n_periods": history.n_periods,
        **model.info,
    }
    level = engine.T - horizon
    if level >= 2:
        ev = evaluate_level(engine, level, quantiles, per_method=per_method)
        if "choice" in ev:
            metrics = {**ev["choice"], "n_items": ev["n_items"]}
            report["methods"] = ev["methods"]
            report["chosen_counts"] = ev.get("chosen_counts", {})
    counts = {
        str(k): int(v)
        for k, v in zip(*np.unique(model.method, return_counts=True), strict=True)
    }
    report["methods_chosen"] = counts
    classes = np.unique(model.demand_class, return_counts=True)
    report["demand_classes"] = {str(k): int(v) for k, v in zip(*classes, strict=True)}
    model.info["metrics"] = metrics
    return TrainingResult(
        model=model,
        metrics=metrics,
        primary_metric="rmsse",
        higher_is_better=False,
        n_rows=int(history.n_items * history.n_periods),
        report=report,
    )


def fit(
    items,
    dates,
    quantities,
    freq="D",
    horizon=28,
    quantiles=DEFAULT_QUANTILES,
    end=None,
    max_periods=None,
    per_method=True,
):
    """Fit on long arrays (item ids, dates, quantities); returns a TrainingResult.

    ``dates`` are ``datetime.date`` values, ISO strings or ``datetime64``; ``end`` (a
    date) closes every item's history (default: the latest date), so periods with no
    rows after an item's last sale count as zero demand.
    """
    freq = check_freq(freq)
    history = build_history(
        items, dates, quantities, freq, end=end, max_periods=max_periods
    )
    return fit_history(history, horizon, quantiles, per_method=per_method)


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
    result = fit(
        items, dates, quantities, freq, horizon, quantiles, end, per_method=False
    )
    return result.model.records(horizon, quantiles)
