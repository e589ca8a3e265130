"""Revenue forecast: expected won revenue per month with an interval, and a backtest.

Model. Each open deal wins with its (calibrated) probability and, if it wins, closes
after a number of days drawn from the *learnt* distribution of days from a reference
date (e.g. creation, or entry into the current stage) to a won close:
:class:`ClosingDistribution`, empirical, optionally per key (stage, team...) with a
fallback to the overall distribution for keys with fewer than ``min_samples``.
A deal already ``age`` days past its reference draws from the durations longer than
``age`` (minus ``age``); when fewer than ``min_tail`` past durations exceed its age it
is treated as being as old as the ``min_tail``-th longest one.

:func:`forecast_revenue` reports per calendar month (this month, next, ...) the
exact expected revenue ``mean`` (sum of amount x p x P(close in month)) and a
10/90 % interval from ``n_sims`` seeded Monte Carlo draws, overall and per group
value (team, salesperson). :func:`backtest_forecast` replays past months from
closed deals.

:class:`RevenueForecastModel` is the estimator (kind ``revenue_forecast``): ``fit``
learns the closing distribution from past won deals and runs its leakage-safe
backtest, ``predict`` forecasts open deals; :func:`evaluate` wraps it in a
``TrainingResult``.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np

from pyme_ai.base import Estimator, InsufficientDataError
from pyme_ai.training import TrainingResult

from .utils import DAY, as_float, dates_array, days_between, plain, to_datetime64

DEFAULT_MIN_SAMPLES = 20
DEFAULT_MIN_TAIL = 5
DEFAULT_SIMS = 2000
DEFAULT_MONTHS = 2
DEFAULT_BACKTEST_MONTHS = 6
INTERVAL = (0.1, 0.9)
_CELLS_PER_CHUNK = 2_000_000


class InsufficientHistoryError(InsufficientDataError):
    """Too few past won deals to learn when deals close."""


class ClosingDistribution:
    """Empirical days-to-close, overall and per key (JSON-safe via to_dict)."""

    def __init__(self, overall, by_key=None, min_tail=DEFAULT_MIN_TAIL):
        self.overall = np.sort(np.asarray(overall, dtype=float))
        self.by_key = {
            k: np.sort(np.asarray(v, float)) for k, v in (by_key or {}).items()
        }
        self.min_tail = int(min_tail)
        if self.overall.size == 0:
            raise InsufficientHistoryError("no past durations to learn from")

    @classmethod
    def fit(
        cls,
        durations,
        keys=None,
        *,
        min_samples=DEFAULT_MIN_SAMPLES,
        min_tail=DEFAULT_MIN_TAIL,
    ):
        """Learn from past won deals' days from reference to close.

        ``keys`` (same length, optional) gives per-key distributions; a key with
        fewer than ``min_samples`` durations uses the overall one. Raises
        :class:`InsufficientHistoryError` below ``min_samples`` durations overall.
        """
        days = np.asarray(
            [np.nan if d is None else float(d) for d in durations], dtype=float
        )
        keep = ~np.isnan(days) & (days >= 0)
        if keep.sum() < min_samples:
            raise InsufficientHistoryError(
                f"{int(keep.sum())} past won deals with a close date, "
                f"at least {min_samples} needed"
            )
        by_key = {}
        if keys is not None:
            keys = np.array(list(keys), dtype=object)[keep]
            for key in dict.fromkeys(keys.tolist()):
                values = days[keep][keys == key]
                if values.size >= min_samples:
                    by_key[key] = values
        return cls(days[keep], by_key, min_tail)

    def to_dict(self):
        return {
            "overall": self.overall.tolist(),
            "by_key": [[k, v.tolist()] for k, v in self.by_key.items()],
            "min_tail": self.min_tail,
        }

    @classmethod
    def from_dict(cls, data):
        return cls(data["overall"], dict(map(tuple, data["by_key"])), data["min_tail"])

    def _groups(self, keys):
        keys = list(keys)
        groups = {}
        for i, key in enumerate(keys):
            groups.setdefault(key if key in self.by_key else None, []).append(i)
        for key, idx in groups.items():
            yield (self.overall if key is None else self.by_key[key]), np.array(idx)

    def _tails(self, durations, ages):
        """Per deal: first candidate index and the age the residual is counted from."""
        n = durations.size
        starts = np.searchsorted(durations, ages, side="right")
        s0 = max(n - self.min_tail, 0)
        ok = n - starts >= min(self.min_tail, n)
        ok &= starts < n
        lo = np.where(ok, starts, s0)
        base = np.where(ok, ages, durations[s0])
        return lo, base

    def sample_remaining(self, ages, keys, rng, n_sims):
        """(n_deals, n_sims) days until close, drawn from each deal's tail."""
        ages = np.maximum(np.asarray(ages, dtype=float), 0.0)
        out = np.empty((ages.size, n_sims))
        for durations, idx in self._groups(keys):
            lo, base = self._tails(durations, ages[idx])
            span = durations.size - lo
            pick = lo[:, None] + (
                rng.random((idx.size, n_sims)) * span[:, None]
            ).astype(int)
            out[idx] = durations[pick] - base[:, None]
        return out

    def prob_before(self, ages, keys, bounds):
        """(n_deals, len(bounds)) probability the remaining days are < each bound."""
        ages = np.maximum(np.asarray(ages, dtype=float), 0.0)
        bounds = np.asarray(bounds, dtype=float)
        out = np.empty((ages.size, bounds.size))
        for durations, idx in self._groups(keys):
            lo, base = self._tails(durations, ages[idx])
            span = durations.size - lo
            hits = np.searchsorted(durations, base[:, None] + bounds[None, :], "left")
            out[idx] = np.clip(hits - lo[:, None], 0, None) / span[:, None]
        return out


def _month_start(value):
    day = value.date() if isinstance(value, datetime) else value
    if not isinstance(day, date):
        day = to_datetime64(value).astype("datetime64[D]").item()
    return date(day.year, day.month, 1)


def _add_months(first, k):
    year, month = divmod(first.month - 1 + k, 12)
    return date(first.year + year, month + 1, 1)


def _num(deals, key, default=0.0):
    return np.array(
        [default if d.get(key) is None else float(d.get(key)) for d in deals], float
    )


def _ages(deals, now64):
    if deals and all("age_days" in d for d in deals):
        return _num(deals, "age_days")
    ref = dates_array([d.get("reference_date") for d in deals])
    ages = (now64 - ref) / DAY
    return np.where(np.isnan(ages), 0.0, ages)


def _month_rows(labels, mean, lo, hi):
    return [
        {
            "month": labels[m].strftime("%Y-%m"),
            "start": labels[m].isoformat(),
            "mean": round(float(mean[m]), 2),
            "low": round(float(lo[m]), 2),
            "high": round(float(hi[m]), 2),
        }
        for m in range(len(labels))
    ]


def forecast_revenue(
    deals,
    closing,
    *,
    now,
    months=2,
    n_sims=DEFAULT_SIMS,
    seed=0,
    group_by=("team", "salesperson"),
    interval=INTERVAL,
):
    """Expected won revenue per calendar month from ``now``'s month on.

    Each deal is a dict with ``amount``, ``probability`` (0..1), either
    ``age_days`` or ``reference_date`` (the date ``closing`` durations are counted
    from), optionally ``key`` (matching :meth:`ClosingDistribution.fit` keys) and
    the ``group_by`` fields. Returns ``{"now", "n_deals", "n_sims", "interval",
    "months": [{"month": "YYYY-MM", "start", "mean", "low", "high"}],
    "groups": {field: [{"value", "n_deals", "months": [...]}]}}``; ``mean`` is the
    exact expectation, ``low``/``high`` the ``interval`` quantiles of the
    simulations (so a single unlikely deal can have ``mean`` > ``high``).
    """
    deals = list(deals)
    now64 = to_datetime64(now)
    first = _month_start(now)
    labels = [_add_months(first, k) for k in range(months)]
    edges = [_add_months(first, k + 1) for k in range(months)]
    bounds = (dates_array(edges) - now64) / DAY  # days from now to each month end
    amount = _num(deals, "amount")
    prob = np.clip(_num(deals, "probability"), 0.0, 1.0)
    ages = _ages(deals, now64)
    keys = [d.get("key") for d in deals]

    # exact expectation
    cdf = closing.prob_before(ages, keys, bounds) if deals else np.zeros((0, months))
    in_month = np.diff(np.concatenate([np.zeros((len(deals), 1)), cdf], 1), axis=1)
    weight = (amount * prob)[:, None] * in_month

    group_index = {}
    for field in group_by:
        values = list(dict.fromkeys(plain(d.get(field)) for d in deals))
        pos = {v: i for i, v in enumerate(values)}
        group_index[field] = (
            values,
            np.array([pos[plain(d.get(field))] for d in deals]),
        )

    rng = np.random.default_rng(seed)
    total = np.zeros((months, n_sims))
    per_group = {
        f: np.zeros((len(v), months, n_sims)) for f, (v, _) in group_index.items()
    }
    chunk = max(1, _CELLS_PER_CHUNK // max(n_sims, 1))
    for s in range(0, len(deals), chunk):
        sl = slice(s, s + chunk)
        remaining = closing.sample_remaining(ages[sl], keys[sl], rng, n_sims)
        wins = rng.random(remaining.shape) < prob[sl, None]
        month = np.searchsorted(bounds, remaining, side="right")
        value = np.where(wins, amount[sl, None], 0.0)
        onehots = {
            field: (idx[sl][None, :] == np.arange(len(values))[:, None]).astype(float)
            for field, (values, idx) in group_index.items()
        }
        for m in range(months):
            contrib = np.where(month == m, value, 0.0)
            total[m] += contrib.sum(axis=0)
            for field, onehot in onehots.items():
                per_group[field][:, m] += onehot @ contrib

    lo, hi = np.quantile(total, interval, axis=1)
    result = {
        "now": str(now64.astype("datetime64[s]")),
        "n_deals": len(deals),
        "n_sims": int(n_sims),
        "interval": [float(interval[0]), float(interval[1])],
        "months": _month_rows(labels, weight.sum(axis=0), lo, hi),
        "groups": {},
    }
    for field, (values, idx) in group_index.items():
        rows = []
        for g, value in enumerate(values):
            glo, ghi = np.quantile(per_group[field][g], interval, axis=1)
            rows.append(
                {
                    "value": value,
                    "n_deals": int((idx == g).sum()),
                    "months": _month_rows(
                        labels, weight[idx == g].sum(axis=0), glo, ghi
                    ),
                }
            )
        result["groups"][field] = rows
    return result


def backtest_forecast(
    deals,
    months,
    *,
    n_sims=DEFAULT_SIMS,
    seed=0,
    min_samples=DEFAULT_MIN_SAMPLES,
    min_tail=DEFAULT_MIN_TAIL,
    interval=INTERVAL,
):
    """Replay the forecast of past months from closed deals (no look-ahead).

    ``deals``: dicts with ``created``, ``closed`` (None while open), ``won`` (bool),
    ``amount``, ``probability`` (what the model would have said) and optionally
    ``key``. For each month M (``months``: any date inside each month), the closing
    distribution is learnt from deals won before M starts (days created -> closed),
    the deals open at the start of M are forecast, and the result is compared with
    ``actual`` = won revenue in M from those same deals (``actual_all`` also counts
    deals created during M). Months without enough history get ``skipped``.

    Returns ``{"months": [{"month", "n_open", "mean", "low", "high", "actual",
    "actual_all", "abs_error", "ape", "covered"}], "mae", "mape", "coverage",
    "n_months"}``; ``ape``/``mape`` skip months whose actual is 0.
    """
    deals = list(deals)
    created = dates_array([d.get("created") for d in deals])
    closed = dates_array([d.get("closed") for d in deals])
    won = np.array([bool(d.get("won")) for d in deals])
    amount = _num(deals, "amount")
    rows = []
    for when in months:
        start = _month_start(when)
        t0 = to_datetime64(start)
        t1 = to_datetime64(_add_months(start, 1))
        row = {"month": start.strftime("%Y-%m")}
        past = won & (closed < t0)
        try:
            closing = ClosingDistribution.fit(
                ((closed[past] - created[past]) / DAY).tolist(),
                [deals[i].get("key") for i in np.flatnonzero(past)],
                min_samples=min_samples,
                min_tail=min_tail,
            )
        except InsufficientHistoryError:
            row["skipped"] = "insufficient_history"
            rows.append(row)
            continue
        is_open = (created < t0) & (np.isnat(closed) | (closed >= t0))
        won_in = won & (closed >= t0) & (closed < t1)
        open_deals = [
            dict(deals[i], reference_date=deals[i].get("created"))
            for i in np.flatnonzero(is_open)
        ]
        fc = forecast_revenue(
            open_deals,
            closing,
            now=start,
            months=1,
            n_sims=n_sims,
            seed=seed,
            group_by=(),
            interval=interval,
        )["months"][0]
        actual = float(amount[is_open & won_in].sum())
        row.update(
            n_open=len(open_deals),
            mean=fc["mean"],
            low=fc["low"],
            high=fc["high"],
            actual=round(actual, 2),
            actual_all=round(float(amount[won_in].sum()), 2),
            abs_error=round(abs(fc["mean"] - actual), 2),
            ape=as_float(abs(fc["mean"] - actual) / actual, 4) if actual else None,
            covered=bool(fc["low"] <= actual <= fc["high"]),
        )
        rows.append(row)
    done = [r for r in rows if "skipped" not in r]
    apes = [r["ape"] for r in done if r["ape"] is not None]
    return {
        "months": rows,
        "n_months": len(done),
        "mae": as_float(np.mean([r["abs_error"] for r in done]), 2) if done else None,
        "mape": as_float(np.mean(apes), 4) if apes else None,
        "coverage": as_float(np.mean([r["covered"] for r in done]), 4)
        if done
        else None,
    }


class RevenueForecastModel(Estimator):
    """Expected won revenue per month, learnt from the company's opportunities.

    ``fit(history, now=...)``: ``history`` holds every opportunity as a dict with
    ``created``, ``closed`` (None while open), ``won``, ``amount`` and optionally
    ``key``. It learns the days from creation to a won close
    (:class:`ClosingDistribution`, ``min_samples`` won deals at least, else
    :class:`InsufficientHistoryError`) and backtests the forecast on the
    ``backtest_months`` months before ``now``'s month (:func:`backtest_forecast`).
    The backtest gives every past deal the win rate of all closed deals as its
    probability: a deal's current (AI) probability was computed after its outcome
    and would leak it, so the backtest measures the closing-time model and the
    interval. ``predict(open_deals, now=...)`` is :func:`forecast_revenue` over
    ``months`` months.
    """

    kind = "revenue_forecast"
    _fitted_attribute = "closing_"

    def __init__(
        self,
        *,
        months=DEFAULT_MONTHS,
        backtest_months=DEFAULT_BACKTEST_MONTHS,
        min_samples=DEFAULT_MIN_SAMPLES,
        min_tail=DEFAULT_MIN_TAIL,
        n_sims=DEFAULT_SIMS,
        seed=0,
        interval=INTERVAL,
        group_by=("team", "salesperson"),
    ):
        self.months = months
        self.backtest_months = backtest_months
        self.min_samples = min_samples
        self.min_tail = min_tail
        self.n_sims = n_sims
        self.seed = seed
        self.interval = interval
        self.group_by = group_by

    def fit(self, history, *, now):
        deals = list(history)
        won = [d for d in deals if d.get("won") and d.get("closed")]
        keys = [d.get("key") for d in won]
        self.closing_ = ClosingDistribution.fit(
            days_between([d["created"] for d in won], [d["closed"] for d in won]),
            keys if any(key is not None for key in keys) else None,
            min_samples=self.min_samples,
            min_tail=self.min_tail,
        )
        closed = [d for d in deals if d.get("closed")]
        rate = sum(bool(d.get("won")) for d in closed) / len(closed)
        first = _month_start(now)
        self.backtest_ = backtest_forecast(
            [dict(d, probability=rate) for d in deals],
            [_add_months(first, -k) for k in range(self.backtest_months, 0, -1)],
            n_sims=self.n_sims,
            seed=self.seed,
            min_samples=self.min_samples,
            min_tail=self.min_tail,
            interval=self.interval,
        )
        self.metrics_ = {
            "backtest_mape": self.backtest_["mape"],
            "backtest_mae": self.backtest_["mae"],
            "backtest_coverage": self.backtest_["coverage"],
            "backtest_months": self.backtest_["n_months"],
            "won_deals": len(won),
        }
        self.n_deals_ = len(deals)
        return self

    def predict(self, open_deals, *, now):
        """:func:`forecast_revenue` of ``open_deals`` (dicts with ``amount``,
        ``probability``, ``reference_date`` or ``age_days``, the ``group_by``
        fields)."""
        self.check_fitted()
        return forecast_revenue(
            open_deals,
            self.closing_,
            now=now,
            months=self.months,
            n_sims=self.n_sims,
            seed=self.seed,
            group_by=self.group_by,
            interval=self.interval,
        )


def evaluate(history, *, now, **hyperparameters):
    """A :class:`RevenueForecastModel` fitted on ``history`` as a
    ``TrainingResult`` whose metrics are its backtest's (``backtest_mape`` first,
    lower is better)."""
    model = RevenueForecastModel(**hyperparameters).fit(history, now=now)
    return TrainingResult(
        model=model,
        metrics=model.metrics_,
        primary_metric="backtest_mape",
        higher_is_better=False,
        n_rows=model.n_deals_,
        report={"backtest": model.backtest_},
    )
