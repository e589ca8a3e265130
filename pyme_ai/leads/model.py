"""Lead scoring: an additive logistic model over binned columns, with exact reasons.

Every input column becomes a group of 0/1 indicator features (its categories, or the
quantile bins of a number, or yes/no/missing), plus derived columns for emails (free or
corporate domain, valid) and phones (valid, country) found by content. An L2 logistic
regression on those indicators is an additive model: the logit of a lead is

    baseline + sum over columns of contribution(column)

with ``contribution = sum(coef * (x - training mean))`` over the column's indicators, so
the reasons shown for a score are the model itself, not a separate heuristic. With few
leads the coefficients are a blend of that regression's and a column-weight model's
(one weight per column on its values' smoothed win log-odds, also additive).
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

from ..base import Estimator, InsufficientDataError, PymeAiError
from ..evaluation import (
    classification_report,
    roc_auc_score,
    stratified_group_holdout,
    stratified_holdout,
)
from ..tabular import (
    MISSING,
    RARE,
    TabularPrep,
    is_missing,
    map_distinct,
    n_rows,
    to_category,
)
from ..training import TrainingResult
from .baselines import logistic_scores, naive_bayes_scores
from .contact import derive_contact_columns, resolve_roles
from .tiers import rate_thresholds, tiers_for
from .verdict import holdout_summary

DEFAULT_MIN_PER_CLASS = 20
N_BINS = 8
C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
#: C when a class has too few leads (under ``MIN_PER_FOLD`` per class) for the CV:
#: the grid's middle. Fixed C fitted on 12-16 leads (5-6 won) and scored on the
#: other X Education leads, with or without post-contact columns, and on the
#: synthetic sample: 0.3 has a lower log loss than 0.03 on all three (AUC higher on
#: two, 0.003-0.007 lower on the synthetic one).
FALLBACK_C = 0.3
MIN_PER_FOLD = 6
#: With few leads the indicator model's coefficients are blended with a column-weight
#: model's (:func:`_fit_column_weights`: one weight per column on the smoothed win
#: log-odds of its values, fewer parameters to learn): half each up to
#: ``BLEND_FULL`` leads, the column-weight share falling with log(leads) to none from
#: ``BLEND_UNTIL`` leads. X Education without post-contact columns (6 subsamples per
#: size, scored on the other leads): AUC +0.004 to +0.007 at 100-600 leads, the same
#: at 1,200 with a quarter, lower from 2,400 with any share.
BLEND_FULL = 600
BLEND_UNTIL = 2400
#: prior strength (in leads at the overall win rate) smoothing each value's log-odds
LOGODDS_PRIOR = 4.0
LOGODDS_FOLDS = 5
POSITIVE_WORDS = {"1", "1.0", "true", "yes", "y", "si", "sí", "won", "ganado", "ganada"}
NEGATIVE_WORDS = {"0", "0.0", "false", "no", "n", "lost", "perdido", "perdida"}


# --------------------------------------------------------------------------- data
@dataclass
class LeadData:
    """Labelled leads: ``table`` (column -> values, one entry per row) and ``target``
    (won/lost values: 1/0, yes/no, won/lost, ... or ``positive`` for won).

    ``groups`` (optional) is a list aligned with the rows naming the lead each row
    belongs to (e.g. lead ids), for data with several rows per lead (one per pipeline
    stage a closed lead passed through, all with the lead's outcome). Any hashable
    values; a missing one (None, nan) makes its row a lead of its own. With groups,
    :func:`evaluate` keeps every lead on one side of the holdout and scores one row
    per held-out lead, and :meth:`LeadModel.fit` keeps every lead inside one fold of
    the cross-validation that chooses the regularisation.
    """

    table: dict
    target: list
    positive: object = None
    groups: list = None

    def labelled(self, min_per_class=1):
        """``(table, y, keep)`` of the rows with a known outcome (``keep``: their
        indices); InsufficientDataError when a class has fewer than
        ``min_per_class`` rows (ignores ``groups``: see :meth:`labelled_groups`)."""
        y_all, usable = parse_target(list(self.target), self.positive)
        if len(y_all) != n_rows(self.table):
            raise PymeAiError(
                f"{len(y_all)} outcomes for {n_rows(self.table)} leads in the table"
            )
        keep = np.flatnonzero(usable)
        table = subset(self.table, keep) if len(keep) < len(y_all) else dict(self.table)
        y = y_all[keep]
        _check_classes(y, min_per_class)
        return table, y, keep

    def labelled_groups(self, min_per_class=1):
        """``(table, y, keep, groups)``: :meth:`labelled` plus ``groups``, the lead of
        every kept row as an int array of codes 0..k-1 (equal codes, same lead), or
        None when the data has no ``groups``.

        With groups, ``min_per_class`` counts leads, not rows: InsufficientDataError
        when fewer than ``min_per_class`` distinct leads are won (or lost).
        """
        if self.groups is None:
            return (*self.labelled(min_per_class), None)
        table, y, keep = self.labelled(1)
        codes = group_codes(self.groups)
        if len(codes) != len(self.target):
            raise PymeAiError(
                f"{len(codes)} groups for {len(self.target)} rows in the table"
            )
        groups = codes[keep]
        _check_classes(y, min_per_class, won_lost(y, groups))
        return table, y, keep, groups


def _check_classes(y, min_per_class, counts=None):
    n_won, n_lost = counts or won_lost(y)
    if n_won < min_per_class or n_lost < min_per_class:
        raise InsufficientDataError(
            f"not enough history to learn from: {n_won} won and {n_lost} lost "
            f"examples, at least {min_per_class} of each are needed"
        )


def group_codes(groups):
    """Int codes of lead ``groups`` (equal values, equal codes, numbered in order of
    appearance); every missing value (None, nan) gets a code of its own."""
    codes, out = {}, np.empty(len(groups), dtype=np.int64)
    for i, value in enumerate(groups):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            out[i] = len(codes)
            codes[(None, i)] = out[i]
        else:
            out[i] = codes.setdefault(value, len(codes))
    return out


def _grouped(groups):
    """``groups`` when some lead has several rows, else None (one row per lead is
    ungrouped data: same splits and numbers as without groups)."""
    if groups is None or len(np.unique(groups)) == len(groups):
        return None
    return groups


def subset(table, index):
    """The rows ``index`` of ``table``."""
    return {name: [values[i] for i in index] for name, values in table.items()}


def default_min_count(n):
    """Categories rarer than this fold into RARE: 5 to 20, growing with ``n`` rows."""
    return max(5, min(20, n // 200))


def parse_target(values, positive=None):
    """0/1 array and a mask of usable rows (missing or unknown targets are dropped)."""
    out = np.full(len(values), -1, dtype=int)
    for i, value in enumerate(values):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        if positive is not None:
            if str(value).strip() == "":
                continue
            out[i] = int(str(value).strip().lower() == str(positive).strip().lower())
            continue
        word = str(value).strip().lower()
        if isinstance(value, bool):
            out[i] = int(value)
        elif word in POSITIVE_WORDS:
            out[i] = 1
        elif word in NEGATIVE_WORDS:
            out[i] = 0
    return out, out >= 0


# --------------------------------------------------------------------------- encoding
class _Encoder:
    """Turns a table into sparse indicator groups, one group per source column."""

    def __init__(self, prep, bins, scales):
        self.prep = prep
        self.bins = bins  # numeric column -> inner bin edges
        self.scales = scales  # numeric column -> (centre, scale) of its linear term
        self.groups = []  # (column, [labels of its features])
        for info in prep.columns:
            if info.kind == "categorical":
                labels = list(info.categories)
            elif info.kind == "boolean":
                labels = ["yes", "no", MISSING]
            else:
                labels = [f"bin{i}" for i in range(len(bins[info.name]) + 1)]
                labels.append(MISSING)
            self.groups.append((info.name, labels))
        self.offsets = np.cumsum([0] + [len(labels) for __, labels in self.groups])
        self.linear = [g for g, info in enumerate(prep.columns) if info.name in scales]

    @classmethod
    def fit(cls, prep, table):
        clean = prep.transform(table)
        bins, scales = {}, {}
        for info in prep.columns:
            if info.kind in ("numeric", "date"):
                values = clean[info.name]
                values = values[~np.isnan(values)]
                quantiles = np.linspace(0, 1, N_BINS + 1)[1:-1]
                bins[info.name] = np.unique(np.quantile(values, quantiles))
                low, high = np.quantile(values, [0.01, 0.99])
                scale = float(np.std(np.clip(values, low, high))) or 1.0
                scales[info.name] = (
                    float(low),
                    float(high),
                    float(np.median(values)),
                    scale,
                )
        return cls(prep, bins, scales)

    @property
    def n_features(self):
        return int(self.offsets[-1]) + len(self.linear)

    def group_of_features(self):
        """Source-column index of every matrix column."""
        indicator = np.repeat(np.arange(len(self.groups)), np.diff(self.offsets))
        return np.concatenate([indicator, np.asarray(self.linear, dtype=int)])

    def encode(self, table):
        """Per row the active indicator of each column, the linear terms, and the
        per-column values (category indices, or floats).

        Each distinct input value is converted once, straight to its indicator.
        """
        n = n_rows(table)
        clean = {}
        cols = np.empty((n, len(self.groups)), dtype=np.int64)
        pairs = zip(self.prep.columns, self.groups, strict=True)
        for g, (info, (__, labels)) in enumerate(pairs):
            raw = table[info.name]
            if info.kind == "categorical":
                index = {label: i for i, label in enumerate(labels)}
                rare = index[RARE]
                local = np.asarray(
                    map_distinct(
                        lambda v, ix=index, r=rare: ix.get(to_category(v), r), raw
                    ),
                    dtype=np.int64,
                )
                clean[info.name] = local
                cols[:, g] = local + self.offsets[g]
                continue
            values = TabularPrep.numeric_values(info, raw, self.prep.reference_date)
            clean[info.name] = values
            if info.kind == "boolean":
                local = np.where(np.isnan(values), 2, np.where(values > 0.5, 0, 1))
            else:
                edges = self.bins[info.name]
                local = np.searchsorted(edges, np.nan_to_num(values), side="right")
                local = np.where(np.isnan(values), len(edges) + 1, local)
            cols[:, g] = local + self.offsets[g]
        linear = np.empty((n, len(self.linear)))
        for k, g in enumerate(self.linear):
            name = self.prep.columns[g].name
            low, high, centre, scale = self.scales[name]
            values = np.clip(clean[name], low, high)
            linear[:, k] = np.where(np.isnan(values), 0.0, (values - centre) / scale)
        return cols, linear, clean

    def transform(self, table):
        """Sparse design matrix (indicators, then linear terms) and column values."""
        cols, linear, clean = self.encode(table)
        return self.matrix(cols, linear), clean

    def matrix(self, cols, linear):
        """Sparse design matrix of :meth:`encode`'s active indicators and linear
        terms."""
        indptr = np.arange(0, cols.size + 1, len(self.groups))
        indicators = sparse.csr_matrix(
            (np.ones(cols.size), cols.ravel(), indptr),
            shape=(len(cols), int(self.offsets[-1])),
        )
        return sparse.hstack([indicators, sparse.csr_matrix(linear)], format="csr")


def _fit_logistic(x, y, random_state, c=None, groups=None):
    """L2 logistic regression, C by 3-fold CV log loss, prior-corrected weights.

    C is ``c`` when given, else the :data:`C_GRID` value with the lowest CV log loss,
    or :data:`FALLBACK_C` when a class has fewer than :data:`MIN_PER_FOLD` rows
    (leads, with groups) for the CV. With ``groups`` (int codes per row, some lead
    with several rows) the folds are StratifiedGroupKFold's: every lead inside one
    fold.
    """
    weight = _class_weight(y)
    if c is None:
        folds = _cv_folds(y, _grouped(groups), random_state)
        c = FALLBACK_C if folds is None else _best_c(_rows_of(x), y, folds, weight)
    clf = _logistic(c, weight).fit(x, y)
    shift = math.log(weight[1] / weight[0]) if weight else 0.0
    return clf, c, shift


def _class_weight(y):
    """Balanced class weights when the rarer class is under 10 % of ``y``, else None."""
    n_pos, n_neg = int(y.sum()), int(len(y) - y.sum())
    if min(n_pos, n_neg) / len(y) >= 0.1:
        return None
    return {0: len(y) / (2 * n_neg), 1: len(y) / (2 * n_pos)}


def _cv_folds(y, groups, random_state):
    """The 3 CV folds (train, test) choosing C, or None when a class has fewer than
    :data:`MIN_PER_FOLD` rows (leads, with ``groups``)."""
    if groups is None:
        folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=random_state)
    else:
        folds = StratifiedGroupKFold(
            n_splits=3, shuffle=True, random_state=random_state
        )
    if min(won_lost(y, groups)) < MIN_PER_FOLD:
        return None
    return list(folds.split(np.zeros(len(y)), y, groups))


def _rows_of(x):
    return lambda train, test: (x[train], x[test])


def _best_c(design, y, folds, weight):
    """The :data:`C_GRID` value with the lowest log loss over ``folds``;
    ``design(train, test)`` gives the two parts' matrices."""
    losses = np.zeros(len(C_GRID))
    for train, test in folds:
        x_train, x_test = design(train, test)
        for k, c in enumerate(C_GRID):
            clf = _logistic(c, weight).fit(x_train, y[train])
            p = np.clip(_prior_corrected(clf, x_test, weight), 1e-12, 1 - 1e-12)
            losses[k] -= np.sum(y[test] * np.log(p) + (1 - y[test]) * np.log(1 - p))
    return C_GRID[int(np.argmin(losses))]


def blend_share(n_leads):
    """Share of the column-weight model in the coefficients (see :data:`BLEND_FULL`):
    0.5 up to ``BLEND_FULL`` leads, 0 from ``BLEND_UNTIL``, log-linear between."""
    if n_leads <= BLEND_FULL:
        return 0.5
    return (
        0.5
        * max(0.0, math.log(BLEND_UNTIL / n_leads))
        / math.log(BLEND_UNTIL / BLEND_FULL)
    )


def _logodds(cols, y, n_indicators, rows):
    """Per indicator: the win log-odds of the rows ``rows`` with it, smoothed toward
    theirs by :data:`LOGODDS_PRIOR` leads, minus theirs (``cols``: every row's
    active indicators)."""
    active = cols[rows]
    won = np.bincount(
        active.ravel(),
        weights=np.repeat(y[rows], active.shape[1]),
        minlength=n_indicators,
    )
    seen = np.bincount(active.ravel(), minlength=n_indicators)
    rate = np.clip(y[rows].mean(), 0.5 / len(rows), 1 - 0.5 / len(rows))
    prior = LOGODDS_PRIOR * rate, LOGODDS_PRIOR * (1 - rate)
    return np.log((won + prior[0]) / (seen - won + prior[1])) - math.log(
        rate / (1 - rate)
    )


def _oof_logodds(cols, y, n_indicators, rows, groups, random_state):
    """Per row of ``rows`` and column: its value's :func:`_logodds` learnt on the
    other rows of ``rows`` (:data:`LOGODDS_FOLDS` folds, every lead in one)."""
    lead_groups = None if groups is None else groups[rows]
    k = max(2, min(LOGODDS_FOLDS, *won_lost(y[rows], lead_groups)))
    if groups is None:
        folds = StratifiedKFold(n_splits=k, shuffle=True, random_state=random_state)
        parts = folds.split(rows, y[rows])
    else:
        folds = StratifiedGroupKFold(
            n_splits=k, shuffle=True, random_state=random_state
        )
        parts = folds.split(rows, y[rows], lead_groups)
    z = np.empty(cols[rows].shape)
    for fit, apply in parts:
        z[apply] = _logodds(cols, y, n_indicators, rows[fit])[cols[rows[apply]]]
    return z


def _fit_column_weights(encoder, cols, linear, y, folds, groups, random_state):
    """The column-weight model: a logistic regression on every column's value
    log-odds (out of fold while training: :func:`_oof_logodds`) and the linear
    terms, C by CV on ``folds``. Returns its coefficients on the design matrix's
    features (a column's weight times its values' log-odds) and its intercept, both
    before prior correction."""
    n_indicators = int(encoder.offsets[-1])
    weight = _class_weight(y)

    def design(train, test):
        table = _logodds(cols, y, n_indicators, train)
        z = _oof_logodds(cols, y, n_indicators, train, groups, random_state)
        return np.hstack([z, linear[train]]), np.hstack(
            [table[cols[test]], linear[test]]
        )

    c = _best_c(design, y, folds, weight)
    rows = np.arange(len(y))
    z = _oof_logodds(cols, y, n_indicators, rows, groups, random_state)
    clf = _logistic(c, weight).fit(np.hstack([z, linear]), y)
    w = clf.coef_.ravel()
    n_columns = cols.shape[1]
    per_value = _logodds(cols, y, n_indicators, rows) * np.repeat(
        w[:n_columns], np.diff(encoder.offsets)
    )
    return np.concatenate([per_value, w[n_columns:]]), float(clf.intercept_[0])


def _logistic(c, weight):
    return LogisticRegression(C=c, class_weight=weight, max_iter=5000, tol=1e-6)


def _prior_corrected(clf, x, weight):
    logit = clf.decision_function(x)
    if weight:
        logit = logit - math.log(weight[1] / weight[0])
    return 1 / (1 + np.exp(-logit))


# --------------------------------------------------------------------------- model
class LeadModel(Estimator):
    """P(won) of a lead, with its 1-100 score, tier and exact reasons.

    ``LeadModel(**hyperparameters).fit(LeadData(table, target))`` learns, on all the
    rows it is given: ``roles_`` (email/phone columns), ``min_count_``, ``prep_``
    (column kinds), ``encoder_``, ``coef_``, ``intercept_``, ``means_``,
    ``baseline_``, ``c_`` (the indicator regression's regularisation: ``c`` when
    given, else by 3-fold CV, or ``FALLBACK_C`` with under ``MIN_PER_FOLD`` leads of
    a class), ``blend_`` (the column-weight model's share in ``coef_``:
    :func:`blend_share` of the leads, 0 without the CV; its own C always by the CV)
    and ``thresholds_`` (``{"hot": .., "warm": ..}``: ``tier_thresholds``, or learnt
    so that 20 % of the training leads are hot and 30 % warm).
    """

    kind = "lead_scoring"
    _fitted_attribute = "coef_"

    def __init__(
        self,
        *,
        min_per_class=DEFAULT_MIN_PER_CLASS,
        min_count=None,
        tier_thresholds=None,
        roles=None,
        c=None,
        random_state=0,
    ):
        self.min_per_class = min_per_class
        self.min_count = min_count
        self.tier_thresholds = tier_thresholds
        self.roles = roles
        self.c = c
        self.random_state = random_state

    # ------------------------------------------------------------------ fitting
    def fit(self, data):
        """Learn from ``data`` (a :class:`LeadData`); returns the model itself.

        Every row is a training example; with ``data.groups`` the cross-validation
        choosing ``c_`` keeps each lead inside one fold and ``min_per_class`` counts
        leads.
        """
        table, y, __, groups = data.labelled_groups(self.min_per_class)
        roles = resolve_roles(table, self.roles)
        return self._fit_rows(
            table, y, roles, self.min_count or default_min_count(len(y)), self.c, groups
        )

    def _fit_rows(self, table, y, roles, min_count, c, groups=None):
        derived = derive_contact_columns(table, roles)
        prep = TabularPrep(min_count=min_count).fit(derived)
        if not prep.columns:
            raise PymeAiError(
                "no usable feature column (all are identifiers, text or empty)"
            )
        encoder = _Encoder.fit(prep, derived)
        cols, linear, __ = encoder.encode(derived)
        x = encoder.matrix(cols, linear)
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            clf, c, shift = _fit_logistic(x, y, self.random_state, c, groups)
            coef, intercept = clf.coef_.ravel().copy(), float(clf.intercept_[0])
            grouped = _grouped(groups)
            share = blend_share(_leads(y, groups))
            folds = _cv_folds(y, grouped, self.random_state) if share else None
            if folds is None:
                share = 0.0
            else:
                other, other_intercept = _fit_column_weights(
                    encoder, cols, linear, y, folds, grouped, self.random_state
                )
                coef = (1 - share) * coef + share * other
                intercept = (1 - share) * intercept + share * other_intercept
        self.roles_ = roles
        self.min_count_ = min_count
        self.prep_ = prep
        self.encoder_ = encoder
        self.c_ = c
        self.blend_ = share
        self.coef_ = coef
        self.intercept_ = intercept - shift
        self.means_ = np.asarray(x.mean(axis=0)).ravel()
        self.baseline_ = self.intercept_ + float(self.coef_ @ self.means_)
        # per column, the part of the baseline it contributes at the training means
        self.centre_ = np.bincount(
            encoder.group_of_features(),
            weights=self.coef_ * self.means_,
            minlength=len(encoder.groups),
        )
        if self.tier_thresholds:
            self.thresholds_ = {
                "hot": int(self.tier_thresholds["hot"]),
                "warm": int(self.tier_thresholds["warm"]),
            }
        else:
            self.thresholds_ = rate_thresholds(
                won_lost(y, groups)[0] / _leads(y, groups)
            )
        return self

    # ------------------------------------------------------------------ using
    @property
    def columns(self):
        """Feature columns (after email/phone columns are derived)."""
        self.check_fitted()
        return [name for name, __ in self.encoder_.groups]

    def required_columns(self):
        """Input columns the model reads (before email/phone columns are derived)."""
        self.check_fitted()
        contact = self.roles_.get("email", []) + self.roles_.get("phone", [])
        derived = {
            f"{name}_{s}" for name in contact for s in ("free", "valid", "region")
        }
        return [c for c in self.columns if c not in derived] + contact

    def _derived(self, table):
        missing = [name for name in self.required_columns() if name not in table]
        if missing:
            raise PymeAiError(f"missing columns: {', '.join(missing)}")
        return derive_contact_columns(table, self.roles_)

    def logit(self, table):
        derived = self._derived(table)
        cols, linear, __ = self.encoder_.encode(derived)
        # one active indicator per column and row: sum their coefficients
        logit = self.intercept_ + self.coef_[cols].sum(axis=1)
        if self.encoder_.linear:
            logit += linear @ self.coef_[int(self.encoder_.offsets[-1]) :]
        return logit

    def predict(self, table):
        """P(won) of every row of ``table`` (column -> values)."""
        return 1 / (1 + np.exp(-self.logit(table)))

    def score(self, data):
        """AUC of the predictions on labelled ``data`` (a :class:`LeadData`)."""
        table, y, __ = data.labelled()
        return roc_auc_score(y, self.predict(table))

    def contributions(self, table):
        """Signed logit contributions (rows x columns); rows sum to logit - baseline."""
        derived = self._derived(table)
        cols, linear, clean = self.encoder_.encode(derived)
        # one indicator per column and row: gather its coefficient
        contrib = self.coef_[cols]
        if self.encoder_.linear:
            n_indicators = int(self.encoder_.offsets[-1])
            contrib[:, self.encoder_.linear] += linear * self.coef_[n_indicators:]
        contrib -= self.centre_
        return contrib, clean, self.baseline_ + contrib.sum(axis=1)

    def rate(self, table, logit=None):
        """Per row: ``probability``, ``score`` (1-100) and ``tier``, without the
        reasons (vectorised: what a full rescoring stores)."""
        if logit is None:
            logit = self.logit(table)
        probability = 1 / (1 + np.exp(-logit))
        score = np.clip(np.round(probability * 100), 1, 100).astype(int)
        return {
            "probability": probability,
            "score": score,
            "tier": tiers_for(score, self.thresholds_),
        }

    def explain(self, table, n_reasons=3):
        """:meth:`rate` and, per row, ``reasons`` (``{"up": [...], "down": [...]}``,
        at most ``n_reasons`` each, strongest first; an item is ``{"column",
        "value", "contribution"}``): an exact breakdown of the logit, to compute
        for the rows shown rather than store."""
        contrib, clean, logit = self.contributions(table)
        rated = self.rate(table, logit)
        columns = self.columns
        values = [clean[name].tolist() for name in columns]
        categories = [
            labels if info.kind == "categorical" else None
            for info, (__, labels) in zip(
                self.prep_.columns, self.encoder_.groups, strict=True
            )
        ]
        originals = [table.get(name) for name in columns]
        booleans = {c.name for c in self.prep_.columns if c.kind == "boolean"}
        is_bool = [name in booleans for name in columns]
        top = np.argsort(-contrib, axis=1)[:, :n_reasons].tolist()
        bottom = np.argsort(contrib, axis=1)[:, :n_reasons].tolist()
        rounded = np.round(contrib, 4).tolist()

        def item(j, i, contribution):
            value = values[j][i]
            if categories[j] is not None:
                value = categories[j][value]
            if value is None or value == MISSING or value != value:  # nan
                value = None
            elif is_bool[j]:
                value = "yes" if value > 0.5 else "no"
            else:
                original = originals[j][i] if originals[j] is not None else None
                if value == RARE:
                    # unseen value, or a placeholder the training data never had
                    value = None if is_missing(original) else original or "other"
                elif original is not None and original != "":
                    value = original
                elif isinstance(value, float) and value.is_integer():
                    value = int(value)
            return {"column": columns[j], "value": value, "contribution": contribution}

        reasons = []
        for i, row in enumerate(rounded):
            reasons.append(
                {
                    "up": [item(j, i, row[j]) for j in top[i] if row[j] > 0],
                    "down": [item(j, i, row[j]) for j in bottom[i] if row[j] < 0],
                }
            )
        return dict(rated, reasons=reasons)


def format_reasons(reasons, labels=None):
    """Readable text: ``Lead Source = Google (+0.42); ...`` (ups first, then downs)."""
    labels = labels or {}
    parts = []
    for item in reasons.get("up", []) + reasons.get("down", []):
        value = "—" if item["value"] is None else item["value"]
        label = labels.get(item["column"], item["column"])
        parts.append(f"{label} = {value} ({item['contribution']:+.2f})")
    return "; ".join(parts)


# --------------------------------------------------------------------------- holdout
def evaluate(
    data,
    *,
    extra_scores=None,
    naive_bayes_columns=None,
    test_size=0.25,
    **hyperparameters,
):
    """Holdout report of a :class:`LeadModel` with ``hyperparameters`` on ``data``.

    Returns a :class:`~pyme_ai.training.TrainingResult` whose ``metrics`` come from a
    stratified holdout the evaluated model never saw, and whose ``model`` is refitted
    on all rows with the regularisation chosen on the training part.
    ``report["baselines"]`` has the same metrics for naive Bayes, a plain logistic
    regression, naive Bayes restricted to each ``naive_bayes_columns`` entry (name ->
    columns) and any ``extra_scores`` (name -> probabilities aligned with the rows of
    ``data``) on the same holdout rows.

    With ``data.groups`` (several rows per lead) the holdout keeps every lead on one
    side (:func:`~pyme_ai.evaluation.stratified_group_holdout`, stratified by
    outcome); the models train on every row of the training leads, and every metric,
    baseline, ``extra_scores`` entry and ``report["holdout"]`` is computed on one row
    per held-out lead, drawn at random (seeded by ``random_state``), so each lead
    counts once and ``metrics["n"]`` is a number of leads. Data whose groups all have
    one row gives exactly the numbers of the same data without groups.

    ``report`` keys: ``baselines``, ``holdout``, ``thresholds`` (from the leads'
    win rate), ``won``/``lost`` (leads), ``groups`` (True when ``data.groups`` was
    given), ``rows`` (labelled rows), ``leads`` (distinct leads among them; ``rows``
    without groups), ``holdout_rows`` (test rows before one per lead is drawn),
    ``dropped_rows``, ``columns``, ``c``, ``train_seconds``. ``n_rows`` of the
    result is the number of
    labelled rows the final model is trained on.
    """
    started = time.monotonic()
    params = LeadModel(**hyperparameters).get_params()
    table, y, keep, groups = data.labelled_groups(params["min_per_class"])
    dropped = n_rows(data.table) - len(keep)
    # roles and min_count are decided once, on all rows, for both fits
    roles = resolve_roles(table, params["roles"])
    min_count = params["min_count"] or default_min_count(len(y))
    random_state = params["random_state"]
    grouped = _grouped(groups)
    if grouped is None:
        train_idx, test_idx = stratified_holdout(y, test_size, random_state)
        held_out = test_idx
    else:
        train_idx, test_idx = stratified_group_holdout(
            y, grouped, test_size, random_state
        )
        held_out = one_per_group(test_idx, grouped, random_state)
    train_table, test_table = subset(table, train_idx), subset(table, held_out)
    y_train, y_test = y[train_idx], y[held_out]
    train_groups = None if grouped is None else grouped[train_idx]

    holdout_model = LeadModel(**params)._fit_rows(
        train_table, y_train, roles, min_count, params["c"], train_groups
    )
    holdout = {"model": holdout_model.predict(test_table)}
    metrics = classification_report(y_test, holdout["model"])

    ref_train = derive_contact_columns(train_table, roles)
    ref_test = derive_contact_columns(test_table, roles)
    prep_ref = TabularPrep(min_count=min_count).fit(ref_train)
    holdout["naive_bayes"] = naive_bayes_scores(prep_ref, ref_train, y_train, ref_test)
    holdout["logistic"] = logistic_scores(prep_ref, ref_train, y_train, ref_test)
    for name, columns in (naive_bayes_columns or {}).items():
        holdout[name] = naive_bayes_scores(
            prep_ref, ref_train, y_train, ref_test, set(columns)
        )
    baselines = {
        name: classification_report(y_test, scores)
        for name, scores in holdout.items()
        if name != "model"
    }
    for name, scores in (extra_scores or {}).items():
        scores = np.asarray(scores, dtype=float)[keep][held_out]
        ok = ~np.isnan(scores)
        if ok.sum() and len(set(y_test[ok])) == 2:
            baselines[name] = classification_report(y_test[ok], scores[ok])

    model = LeadModel(**params)._fit_rows(
        table, y, roles, min_count, holdout_model.c_, grouped
    )
    n_won, n_lost = won_lost(y, grouped)
    contributions, __, __ = holdout_model.contributions(test_table)
    return TrainingResult(
        model=model,
        metrics=metrics,
        primary_metric="auc",
        higher_is_better=True,
        n_rows=len(y),
        report={
            "baselines": baselines,
            "holdout": holdout_summary(
                y_test, holdout, contributions, holdout_model.columns
            ),
            "thresholds": model.thresholds_,
            "won": n_won,
            "lost": n_lost,
            "groups": groups is not None,
            "rows": len(y),
            "leads": _leads(y, groups),
            "holdout_rows": len(test_idx),
            "dropped_rows": dropped,
            "columns": model.prep_.summary(),
            "c": model.c_,
            "train_seconds": time.monotonic() - started,
        },
    )


def won_lost(y, groups=None):
    """Won and lost leads among the rows ``y``: rows, or distinct ``groups``."""
    if groups is None:
        return int(y.sum()), int(len(y) - y.sum())
    return len(np.unique(groups[y == 1])), len(np.unique(groups[y == 0]))


def _leads(y, groups=None):
    return len(y) if groups is None else len(np.unique(groups))


def one_per_group(index, groups, random_state=0):
    """Sorted subset of the row indices ``index``: one row of each group among them
    (``groups``: codes of all rows), drawn at random with seed ``random_state``."""
    index = np.asarray(index)
    shuffled = np.random.default_rng(random_state).permutation(index)
    __, first = np.unique(groups[shuffled], return_index=True)
    return np.sort(shuffled[first])
