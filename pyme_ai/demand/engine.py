"""Rolling-origin backtests, per-item method choice and calibration.

Levels: the final forecast is made at ``T`` (all data). The *evaluation level*
``T - H`` forecasts the last ``H`` periods as if they were unknown; its scores are the
model's honest metrics. Each level ``L`` has backtest origins ``L - H - k * step``
(``k < n_backtest``) whose ``H`` outcomes all lie before ``L``.

Per-item choice at level ``L`` (a feature-based selection trained on backtests):

1. ``B[i, m]``: item ``i``'s mean RMSSE for method ``m`` over the backtest origins of
   ``L``.
2. ``r``: the method with the best mean ``B`` over items (the reference).
3. One level earlier (``P = L - H``) the same backtest scores are known *and* so is
   what happened next, so a small gradient-boosting model per method learns the
   next-horizon RMSSE difference ``m - r`` from ``B[i, m] - B[i, r]`` and demand
   features (periods since the last demand, share of periods with demand overall and in
   the last horizon, history length, CV², the gap between the two methods' levels).
4. At ``L`` each item takes the method with the lowest predicted difference (``r``: 0).

A raw "lowest backtest error wins" rule overfits noisy intermittent series (it loses to
simple methods on car parts); the learnt rule only trusts an item's backtest where it
has predicted the next horizon before. With too few items or too little history for
step 3 the rule falls back to shrinking each item's backtest score towards the average
over items (``(B + k * mean B) / (1 + k)``, ``k = 4``).

Seasonal naive is eligible only where seasonality is detected. ``pooled`` is one model
for all items: a non-negative least-squares blend of the flat methods in scaled units
(each item's series divided by its RMSSE scale), fitted on backtest windows that ended
before the origin it forecasts from.

Quantiles (:meth:`Engine.calibrate`): the cumulative demand of the backtest windows
(at a quarter, half, three quarters and all of the horizon) fixes the shared variance
term ``b`` by maximum likelihood and the calibration map of :mod:`.dist`; with enough
items, each backtest origin gets its own map and the cautious envelope of the maps is
kept, and only items with a horizon of history take part. Every demand class (ADI/CV²)
with enough outcomes gets its own ``b`` and map (:meth:`Engine.calibrate_classes`), so
coverage is right within each class, not only overall; within a class, the items whose
demand trends up (least-squares slope two standard errors above zero) get their own
map, shrunk toward the class's: the flat methods lag behind growth. ``b`` is chosen on
a grid fine near zero, where the level error of regular and trending items lies.

Class guard (:meth:`Engine.class_guard`): after the per-item choice, each demand class
whose items were not forecast better one horizon earlier by more than one standard error
(of the items' paired differences) than by its best single method takes that method.
"""

from __future__ import annotations

import math

import numpy as np

from .. import evaluation
from . import dist
from .checks import DemandError
from .classify import demand_classes
from .methods import flat_methods, run_methods, steps
from .series import SEASON

MIN_SELECT_ITEMS = 200
MIN_POOLED_ROWS = 50
SHRINK_K = 4.0
#: Per-origin outcomes needed before each backtest origin gets its own calibration map.
ENVELOPE_MIN = 200
#: Scored items a demand class needs to be the shrinkage prior of its items.
CLASS_PRIOR_MIN_ITEMS = 10
#: Scored items a demand class needs before the class guard judges it.
GUARD_MIN_ITEMS = 30
#: Standard errors by which the per-item choice must have beaten a class's best
#: single method one horizon earlier for the class guard to keep it.
GUARD_SE = 1.0
#: Backtest outcomes a demand class needs for its own calibration.
CLASS_MIN_OUTCOMES = 120
#: Per-origin outcomes before a demand class's per-origin maps are combined (else one
#: map of all its origins: the widest of a few noisy maps is too wide) ...
CLASS_ENVELOPE_MIN = 2000
#: ... by this quantile of the origins' levels (1: the widest, as for all items).
CLASS_ENVELOPE_Q = 1.0
#: Slope t-statistic from which an item's history counts as trending (see
#: :func:`trend_sign`) ...
TREND_Z = 2.0
#: ... backtest outcomes the items of a class trending up need for their own map ...
TREND_MIN_OUTCOMES = 400
#: ... and the outcomes at which that map and the class's weigh the same.
TREND_SHRINK = 400.0
#: Level error used when the backtest has (almost) nothing to say.
DEFAULT_B = 0.05
B_GRID = (0.0, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.4, 0.8)
_lgamma = np.vectorize(math.lgamma, otypes=[float])


class Engine:
    """All methods run once over a history; backtests, choices and calibration on
    demand."""

    def __init__(self, history, horizon, n_backtest=4, step=None):
        if horizon < 1:
            raise DemandError("horizon must be at least 1")
        self.history = history
        self.values = history.values
        self.start = history.start
        self.freq = history.freq
        self.H = int(horizon)
        self.T = history.n_periods
        self.step = int(step or max(1, round(self.H / 3)))
        self.n_backtest = int(n_backtest)
        self.season = SEASON[self.freq]
        self.flat = flat_methods(self.freq)
        self.names = self.flat + ("snaive", "pooled")
        levels = [self.T - k * self.H for k in range(4)]
        origins = set()
        for level in levels:
            if level >= 1:
                origins.add(level)
                origins.update(self.backtest_origins(level))
        self.paths = run_methods(
            self.values, self.start, sorted(origins), self.freq, self.season
        )
        self.origins = self.paths.origins
        self.integer = np.all(self.values == np.round(self.values), axis=1)
        self._scores = {}
        self._pooled()

    # ------------------------------------------------------------------ basics
    def backtest_origins(self, level):
        out = [level - self.H - k * self.step for k in range(self.n_backtest)]
        return [o for o in out if o >= 2]

    def j(self, origin):
        j = int(np.searchsorted(self.origins, origin))
        if j >= self.origins.size or self.origins[j] != origin:
            raise KeyError(origin)
        return j

    def length(self, origin):
        return self.paths.stats["length"][self.j(origin)]

    def scales(self, origin):
        """RMSSE and MASE denominators (naive one-step errors since the first
        demand)."""
        st = self.paths.stats
        j = self.j(origin)
        diffs = st["length"][j] - 1
        ok = diffs >= 1
        mse = np.where(ok, st["sq_diff"][j] / np.maximum(diffs, 1), np.nan)
        mae = np.where(ok, st["abs_diff"][j] / np.maximum(diffs, 1), np.nan)
        return np.where(mse > 0, mse, np.nan), np.where(mae > 0, mae, np.nan)

    def level(self, name, origin):
        return self.paths.levels[name][self.j(origin)]

    def step_means(self, name, origin, horizon=None):
        """Per-step means ``(n, horizon)`` of one method at one origin."""
        horizon = horizon or self.H
        j = self.j(origin)
        if name == "snaive":
            return steps(None, self.paths.pattern[j], horizon)
        return steps(self.paths.levels[name][j], None, horizon)

    def chosen_steps(self, choice, origin, horizon=None):
        horizon = horizon or self.H
        out = np.zeros((self.values.shape[0], horizon))
        for m, name in enumerate(self.names):
            rows = choice == m
            if rows.any():
                out[rows] = self.step_means(name, origin, horizon)[rows]
        return np.nan_to_num(out, nan=0.0)

    def outcome(self, origin):
        return self.values[:, origin : origin + self.H]

    # ------------------------------------------------------------------ pooled
    def _pooled(self):
        n_o = self.origins.size
        pooled = np.full((n_o, self.values.shape[0]), np.nan)
        self.pooled_weights = {}
        feats, targets = {}, {}
        for o in self.origins:
            rmse, _ = self.scales(o)
            scale = np.sqrt(rmse)
            x = (
                np.column_stack([self.level(name, o) for name in self.flat])
                / scale[:, None]
            )
            feats[o] = x
            if o + self.H <= self.T:
                targets[o] = self.outcome(o).mean(axis=1) / scale
        for j, o in enumerate(self.origins):
            train = [p for p in targets if p + self.H <= o]
            if not train:
                continue
            x = np.vstack([feats[p] for p in train])
            y = np.concatenate([targets[p] for p in train])
            ok = np.isfinite(x).all(axis=1) & np.isfinite(y)
            if ok.sum() < MIN_POOLED_ROWS:
                continue
            w = _nnls(x[ok], y[ok])
            self.pooled_weights[int(o)] = w
            base = np.column_stack([self.level(name, o) for name in self.flat])
            pooled[j] = base @ w
        self.paths.levels["pooled"] = pooled

    # ------------------------------------------------------------------ scores
    def scores(self, origin):
        """``(rmsse, mase)``, each ``(n, n_methods)``, of every method at one origin."""
        if origin in self._scores:
            return self._scores[origin]
        y = self.outcome(origin)
        mse_scale, mae_scale = self.scales(origin)
        rm = np.full((y.shape[0], len(self.names)), np.nan)
        ma = np.full_like(rm, np.nan)
        for m, name in enumerate(self.names):
            f = self.step_means(name, origin)
            rm[:, m] = evaluation.rmsse_error(y, f, scale=mse_scale, axis=1)
            ma[:, m] = evaluation.mase_error(y, f, scale=mae_scale, axis=1)
        self._scores[origin] = (rm, ma)
        return rm, ma

    def backtest_score(self, level):
        origins = [
            o for o in self.backtest_origins(level) if o in set(self.origins.tolist())
        ]
        if not origins:
            return None
        stack = np.stack([self.scores(o)[0] for o in origins])
        valid = np.isfinite(stack)
        count = valid.sum(axis=0)
        total = np.where(valid, stack, 0.0).sum(axis=0)
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)

    # ------------------------------------------------------------------ features
    def features(self, origin):
        st = self.paths.stats
        j = self.j(origin)
        length = st["length"][j]
        n_nz = st["n_nonzero"][j]
        mean_nz = st["sum"][j] / np.maximum(n_nz, 1)
        second = st["sum_sq_nonzero"][j] / np.maximum(n_nz, 1)
        cv2 = np.where(
            n_nz > 0,
            np.maximum(second - mean_nz**2, 0) / np.maximum(mean_nz, 1e-12) ** 2,
            0,
        )
        lo = max(0, origin - self.H)
        cols = np.arange(lo, origin)
        inside = cols[None, :] >= self.start[:, None]
        recent = ((self.values[:, lo:origin] > 0) & inside).sum(axis=1) / np.maximum(
            inside.sum(axis=1), 1
        )
        return np.column_stack(
            [
                np.minimum(st["since_last"][j] / self.H, 3.0),
                n_nz / np.maximum(length, 1),
                recent,
                np.log1p(length / self.H),
                np.minimum(cv2, 10.0),
            ]
        )

    # ------------------------------------------------------------------ choice
    def eligible(self, origin):
        """``(n, n_methods)`` methods that may be chosen at an origin."""
        j = self.j(origin)
        ok = np.ones((self.values.shape[0], len(self.names)), dtype=bool)
        ok[:, self.names.index("snaive")] = self.paths.seasonal[j]
        for m, name in enumerate(self.names):
            if name != "snaive":
                ok[:, m] &= np.isfinite(self.paths.levels[name][j])
        return ok

    def reference(self, score):
        flat_idx = [m for m, name in enumerate(self.names) if name != "snaive"]
        sub = score[:, flat_idx]
        rows = np.isfinite(sub).all(axis=1)
        if rows.sum() == 0:
            return self.names.index("mean")
        return flat_idx[int(np.argmin(sub[rows].mean(axis=0)))]

    def select(self, level):
        """Method index per item at ``level`` (-1 = no history) and how it was
        chosen: the per-item rule, then the per-class guard."""
        key = ("select", level)
        if key not in self._scores:
            choice, info = self.select_items(level)
            self._scores[key] = self.class_guard(level, choice, info)
        choice, info = self._scores[key]
        return choice.copy(), dict(info)

    def class_guard(self, level, choice, info):
        """Per demand class, the per-item rule must have done better than every
        single method one horizon earlier (``level - H``, whose outcome is known at
        ``level``), by more than ``GUARD_SE`` standard errors of the items' paired
        differences: otherwise the class takes its best single method (the simpler
        model wins what the evidence cannot separate). The rule is learnt over all
        items, and a class of regular or trending items can lose a little to one
        simple method. Only when the earlier choice was made by the same rule
        (learnt or shrinkage)."""
        prev = level - self.H
        if prev < 2 or prev not in set(self.origins.tolist()):
            return choice, info
        if self.backtest_score(prev) is None:
            return choice, info
        prev_choice, prev_info = self.select_items(prev)
        if prev_info["rule"] != info["rule"]:
            # one horizon earlier the choice came from another rule (too little
            # history to learn one): its errors say nothing about this rule
            return choice, info
        rm = self.scores(prev)[0]
        n = len(choice)
        picked = rm[np.arange(n), np.maximum(prev_choice, 0)]
        classes = self.classes(level)
        elig = self.eligible(level)
        flat = [m for m, name in enumerate(self.names) if name != "snaive"]
        snaive = self.names.index("snaive")
        overrides = {}
        for code in np.unique(classes):
            rows = (classes == code) & (choice >= 0) & (prev_choice >= 0)
            rows &= np.isfinite(picked) & np.isfinite(rm[:, flat]).all(axis=1)
            if rows.sum() < GUARD_MIN_ITEMS:
                continue
            candidates = list(flat)
            errors = [rm[rows, m] for m in flat]
            # seasonal naive competes on the class's seasonal items (the others keep
            # their choice)
            seasonal = rows & elig[:, snaive] & np.isfinite(rm[:, snaive])
            if seasonal.any():
                candidates.append(snaive)
                errors.append(np.where(seasonal, rm[:, snaive], picked)[rows])
            best = int(np.argmin([e.mean() for e in errors]))
            # one-standard-error rule: the per-item choice must beat the class's
            # best single method by more than the noise of that comparison
            gain = errors[best] - picked[rows]
            se = gain.std(ddof=1) / math.sqrt(gain.size)
            if gain.mean() < GUARD_SE * se:
                m = candidates[best]
                target = (classes == code) & (choice >= 0) & elig[:, m]
                choice = np.where(target, m, choice)
                overrides[str(code)] = self.names[m]
        if overrides:
            info = {**info, "class_override": overrides}
        return choice, info

    def select_items(self, level):
        """Method index per item at ``level`` (-1 = no history) by the per-item
        rule."""
        n = self.values.shape[0]
        has = self.length(level) >= 1
        elig = self.eligible(level)
        score = self.backtest_score(level)
        if score is None:
            ref = self.names.index("mean")
            choice = np.where(has, ref, -1)
            return choice, {"rule": "default", "reference": self.names[ref]}
        score = np.where(elig, score, np.nan)
        ref = self.reference(score)
        pred = self._learnt(level, score, ref)
        rule = "learnt"
        if pred is None:
            rule = "shrinkage"
            # each item's backtest errors shrink toward those of its demand class
            # (of all items where the class is small): an intermittent item is
            # judged among intermittent items, not among the smooth majority
            prior = np.broadcast_to(_column_means(score), score.shape).copy()
            classes = self.classes(level)
            for code in np.unique(classes):
                rows = classes == code
                if rows.sum() >= CLASS_PRIOR_MIN_ITEMS:
                    own = _column_means(score[rows])
                    prior[rows] = np.where(np.isfinite(own), own, prior[rows])
            pred = (score + SHRINK_K * prior) / (1 + SHRINK_K) - (
                (score[:, [ref]] + SHRINK_K * prior[:, [ref]]) / (1 + SHRINK_K)
            )
        pred = np.where(elig & np.isfinite(pred), pred, np.inf)
        pred[:, ref] = np.where(elig[:, ref], 0.0, np.inf)
        choice = np.argmin(pred, axis=1)
        no_score = ~np.isfinite(score[:, ref])
        choice = np.where(no_score & elig[:, ref], ref, choice)
        stuck = ~np.isfinite(pred[np.arange(n), choice])
        choice = np.where(stuck, self.names.index("mean"), choice)
        choice = np.where(has, choice, -1)
        return choice, {"rule": rule, "reference": self.names[ref]}

    def _learnt(self, level, score, ref):
        prev = level - self.H
        if prev not in set(self.origins.tolist()) or prev + self.H > self.T:
            return None
        prev_score = self.backtest_score(prev)
        if prev_score is None:
            return None
        outcome = self.scores(prev)[0]
        f_prev, f_now = self.features(prev), self.features(level)
        scale_prev = np.sqrt(self.scales(prev)[0])
        scale_now = np.sqrt(self.scales(level)[0])
        pred = np.full(score.shape, np.nan)
        trained = 0
        from sklearn.ensemble import HistGradientBoostingRegressor

        for m, name in enumerate(self.names):
            if m == ref:
                continue
            gap_prev = (
                self._level_or_mean(name, prev)
                - self._level_or_mean(self.names[ref], prev)
            ) / scale_prev
            gap_now = (
                self._level_or_mean(name, level)
                - self._level_or_mean(self.names[ref], level)
            ) / scale_now
            x_prev = np.column_stack(
                [prev_score[:, m] - prev_score[:, ref], gap_prev, f_prev]
            )
            y_prev = outcome[:, m] - outcome[:, ref]
            ok = np.isfinite(x_prev).all(axis=1) & np.isfinite(y_prev)
            if ok.sum() < MIN_SELECT_ITEMS:
                continue
            reg = HistGradientBoostingRegressor(
                max_iter=60,
                learning_rate=0.05,
                max_leaf_nodes=8,
                min_samples_leaf=max(20, int(ok.sum()) // 50),
                l2_regularization=1.0,
                early_stopping=False,
                random_state=0,
            )
            reg.fit(x_prev[ok], y_prev[ok])
            x_now = np.column_stack([score[:, m] - score[:, ref], gap_now, f_now])
            rows = np.isfinite(x_now).all(axis=1)
            if rows.any():
                pred[rows, m] = reg.predict(x_now[rows])
            trained += 1
        return pred if trained else None

    def _level_or_mean(self, name, origin):
        if name == "snaive":
            pattern = self.paths.pattern[self.j(origin)]
            full = np.isfinite(pattern).all(axis=1)
            return np.where(full, np.nan_to_num(pattern).mean(axis=1), np.nan)
        return self.level(name, origin)

    # ------------------------------------------------------------------ distribution
    def dispersion(self, origin):
        st = self.paths.stats
        j = self.j(origin)
        length = np.maximum(st["length"][j], 1)
        mean = st["sum"][j] / length
        var = np.maximum(st["sum_sq_nonzero"][j] / length - mean**2, 0.0)
        return np.where(mean > 0, np.maximum(var / np.maximum(mean, 1e-12), 1.0), 1.0)

    def unit(self, origin):
        st = self.paths.stats
        j = self.j(origin)
        mean_nz = st["sum"][j] / np.maximum(st["n_nonzero"][j], 1)
        return np.where(self.integer, 1.0, np.maximum(mean_nz / 20.0, 1e-9))

    def calib_steps(self):
        return sorted({max(1, round(self.H * f)) for f in (0.25, 0.5, 0.75, 1.0)})

    def classes(self, level):
        """Demand class of every item from its history before ``level``."""
        return demand_classes(self.values[:, :level], self.start)

    def calibrate_classes(self, level, choice, classes=None):
        """Per item ``(b, calibration map)``: ``(n,)`` and ``(n, len(GRID))``.

        Each demand class (ADI/CV², :mod:`.classify`, from the history before
        ``level``) gets its own ``b`` and map when its items give at least
        ``CLASS_MIN_OUTCOMES`` backtest outcomes; smaller classes keep the map of all
        items. A single map over all items lets the many easy items hide the few
        hard ones: coverage is right overall and wrong within every class.

        Within a class, the items whose demand trends up (:meth:`trend`, at each
        backtest origin from the history before it) get their own map with the
        class's ``b`` when they give ``TREND_MIN_OUTCOMES`` outcomes, shrunk toward
        the class's map (equal weights at ``TREND_SHRINK`` outcomes).
        """
        classes = self.classes(level) if classes is None else np.asarray(classes)
        b0, g0 = self.calibrate(level, choice)
        n = len(choice)
        b = np.full(n, float(b0))
        calib = np.tile(g0, (n, 1))
        trend_now = self.trend(level)
        for code in np.unique(classes):
            mask = classes == code
            found = self.calibrate(
                level,
                choice,
                mask=mask,
                envelope_min=CLASS_ENVELOPE_MIN,
                envelope_q=CLASS_ENVELOPE_Q,
            )
            if found is not None:
                b[mask] = found[0]
                calib[mask] = found[1]
            # items growing: a flat forecast lags behind them, so they sell above
            # the centre more often than their class (items shrinking err on the
            # safe side and keep the class's map)
            rows = mask & (trend_now > 0)
            if not rows.any():
                continue
            part = self.calibrate(
                level,
                choice,
                mask=mask,
                envelope_min=CLASS_ENVELOPE_MIN,
                envelope_q=CLASS_ENVELOPE_Q,
                origin_mask=lambda o: self.trend(o) > 0,
                fixed_b=b[rows][0],
                min_outcomes=TREND_MIN_OUTCOMES,
                with_size=True,
            )
            if part is not None:
                __, g, size = part
                w = size / (size + TREND_SHRINK)
                calib[rows] = w * g + (1 - w) * calib[rows][0]
        return b, calib

    def trend(self, origin):
        """``1`` / ``-1`` where an item's demand before ``origin`` trends up / down
        (least-squares slope over its history at least ``TREND_Z`` standard errors
        from zero), else ``0``."""
        key = ("trend", origin)
        if key not in self._scores:
            self._scores[key] = trend_sign(self.values[:, :origin], self.start)
        return self._scores[key]

    def calibrate(
        self,
        level,
        choice,
        mask=None,
        envelope_min=ENVELOPE_MIN,
        envelope_q=1.0,
        origin_mask=None,
        fixed_b=None,
        min_outcomes=CLASS_MIN_OUTCOMES,
        with_size=False,
    ):
        """``(b, calibration map)`` for a choice, from the backtest origins of
        ``level``; with ``mask``, of those items only, and with ``origin_mask(o)``
        of the items it selects at each origin ``o`` (None when they give fewer than
        ``min_outcomes`` outcomes). ``fixed_b`` skips the fit of ``b``;
        ``with_size`` appends the number of outcomes."""
        origins = self.backtest_origins(level)
        hs = np.array(self.calib_steps()) - 1
        # items with at least a horizon of history, when there are enough of them: the
        # first months of a product say little about how it sells once established
        min_length = (
            self.H if (self.length(level) >= self.H).sum() >= MIN_SELECT_ITEMS else 1
        )
        means, actual, disp, unit = [], [], [], []
        for o in origins:
            if o not in set(self.origins.tolist()):
                continue
            f = self.chosen_steps(choice, o)
            has = (self.length(o) >= min_length) & (choice >= 0)
            if mask is not None:
                has &= mask
            if origin_mask is not None:
                has &= origin_mask(o)
            cm = np.cumsum(f, axis=1)[:, hs]
            ca = np.cumsum(self.outcome(o), axis=1)[:, hs]
            if not has.any():
                continue
            means.append(cm[has])
            actual.append(ca[has])
            disp.append(np.repeat(self.dispersion(o)[has][:, None], hs.size, axis=1))
            unit.append(np.repeat(self.unit(o)[has][:, None], hs.size, axis=1))
        total = sum(m.size for m in means)
        if (mask is not None or origin_mask is not None) and total < min_outcomes:
            return None
        if not means or total < 8:
            return DEFAULT_B, dist.GRID.copy()
        m = np.concatenate([x.ravel() for x in means])
        a = np.concatenate([x.ravel() for x in actual])
        d = np.concatenate([x.ravel() for x in disp])
        u = np.concatenate([x.ravel() for x in unit])
        m_u, a_u, d_u = m / u, np.round(a / u), d / u
        best_b, best_ll = B_GRID[0], -np.inf
        for b in B_GRID if fixed_b is None else ():
            ll = _nb_loglik(a_u, m_u, dist.nb_variance(m_u, d_u, b))
            if ll > best_ll:
                best_b, best_ll = b, ll
        if fixed_b is not None:
            best_b = float(fixed_b)
        pit = dist.lower_pit(a_u, m_u, dist.nb_variance(m_u, d_u, best_b))
        sizes = [x.size for x in means]
        parts = np.split(pit, np.cumsum(sizes)[:-1])
        big = [p for p in parts if p.size >= envelope_min]
        if len(big) >= 2:
            found = (
                best_b,
                dist.envelope([dist.calibration_map(p) for p in big], envelope_q),
            )
        else:
            found = best_b, dist.calibration_map(pit)
        return (*found, total) if with_size else found


def trend_sign(values, start):
    """``1`` / ``-1`` / ``0`` per item: the least-squares slope of demand on time
    over the item's history (from ``start``; values before it are zero) is at least
    ``TREND_Z`` standard errors above / below zero (three periods at least)."""
    values = np.asarray(values, dtype=float)
    width = values.shape[1]
    start = np.minimum(np.asarray(start), width)
    cnt = (width - start).astype(float)
    c = np.maximum(cnt, 1.0)
    # sums over t = 0 .. cnt - 1 (time since the first demand)
    st = cnt * (cnt - 1) / 2
    stt = (cnt - 1) * cnt * (2 * cnt - 1) / 6
    sy = values.sum(axis=1)
    sty = values @ np.arange(width, dtype=float) - start * sy
    syy = np.einsum("ij,ij->i", values, values)
    sxx = stt - st * st / c
    sxy = sty - st * sy / c
    syy = syy - sy * sy / c
    ok = (cnt >= 3) & (sxx > 0)
    sxx = np.where(ok, sxx, 1.0)
    slope = sxy / sxx
    resid = np.maximum(syy - slope * sxy, 0.0) / np.maximum(cnt - 2, 1.0)
    se = np.sqrt(resid / sxx)
    z = np.where(ok & (se > 0), slope / np.where(se > 0, se, 1.0), 0.0)
    return np.where(z >= TREND_Z, 1, np.where(z <= -TREND_Z, -1, 0))


def _column_means(score):
    """Mean of each column over its finite rows (inf where none is)."""
    finite = np.isfinite(score)
    count = finite.sum(axis=0)
    total = np.where(finite, score, 0.0).sum(axis=0)
    return np.where(count > 0, total / np.maximum(count, 1), np.inf)


def per_item(b, calib, n):
    """``b`` and the calibration map as one row per item (a single shared value or
    map is repeated)."""
    b = np.broadcast_to(np.asarray(b, dtype=float), (n,))
    calib = np.asarray(calib, dtype=float)
    if calib.ndim == 1:
        calib = np.broadcast_to(calib, (n, calib.size))
    return b, calib


def calibration_groups(b, calib):
    """``[(rows, b, map)]``: items sharing the same ``b`` and map."""
    n = len(b)
    if not n:
        return []
    keys, inverse = np.unique(np.column_stack([b, calib]), axis=0, return_inverse=True)
    inverse = inverse.ravel()
    return [(inverse == k, keys[k, 0], keys[k, 1:]) for k in range(len(keys))]


def cumulative_quantiles(cum_mean, disp, unit, b, calib, levels):
    """Calibrated quantiles ``(len(levels), n, h)`` of cumulative demand
    (non-negative); ``b`` and ``calib`` shared or one per item."""
    cum_mean = np.asarray(cum_mean, dtype=float)
    levels = tuple(levels)
    n = cum_mean.shape[0]
    d = np.asarray(disp)[:, None] / np.asarray(unit)[:, None]
    u = np.asarray(unit)[:, None]
    m_u = cum_mean / u
    out = np.zeros((len(levels),) + cum_mean.shape)
    for rows, b_k, g_k in calibration_groups(*per_item(b, calib, n)):
        out[:, rows] = dist.nb_quantiles(
            dist.apply_map(levels, g_k),
            m_u[rows],
            dist.nb_variance(m_u[rows], d[rows], b_k),
        )
    return out * u[None, :, :]


def _nb_loglik(k, mean, var):
    keep = mean > 0
    k, mean, var = k[keep], mean[keep], var[keep]
    r, _ = dist.nb_params(mean, var)
    r = np.minimum(r, 1e6)
    ratio = mean / (r + mean)
    ll = (
        _lgamma(k + r)
        - _lgamma(r)
        - _lgamma(k + 1)
        + r * np.log1p(-np.minimum(ratio, 1 - 1e-15))
        + k * np.log(np.maximum(ratio, 1e-300))
    )
    return float(np.sum(ll))


def _nnls(x, y):
    from sklearn.linear_model import LinearRegression

    reg = LinearRegression(positive=True, fit_intercept=False)
    reg.fit(x, y)
    return reg.coef_.copy()
