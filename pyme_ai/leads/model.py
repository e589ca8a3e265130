"""Lead scoring: an additive logistic model over binned columns, with exact reasons.

Every input column becomes a group of 0/1 indicator features (its categories, or the
quantile bins of a number, or yes/no/missing), plus derived columns for emails (free or
corporate domain, valid) and phones (valid, country) found by content. An L2 logistic
regression on those indicators is an additive model: the logit of a lead is

    baseline + sum over columns of contribution(column)

with ``contribution = sum(coef * (x - training mean))`` over the column's indicators, so
the reasons shown for a score are the model itself, not a separate heuristic.
"""

from __future__ import annotations

import math
import time
import warnings

import numpy as np
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.naive_bayes import CategoricalNB
from sklearn.preprocessing import StandardScaler

from ..evaluation import classification_report, stratified_holdout
from ..tabular import (
    MISSING,
    RARE,
    TabularPrep,
    _mapped,
    is_missing,
    n_rows,
    to_category,
)
from ..training import TrainingResult
from .contact import derive_contact_columns, resolve_roles

TIERS = ("hot", "warm", "cold")
#: Share of training leads in the hot and warm tiers when thresholds are learnt.
HOT_SHARE, WARM_SHARE = 0.2, 0.3
DEFAULT_MIN_PER_CLASS = 20
N_BINS = 8
C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
POSITIVE_WORDS = {"1", "1.0", "true", "yes", "y", "si", "sí", "won", "ganado", "ganada"}
NEGATIVE_WORDS = {"0", "0.0", "false", "no", "n", "lost", "perdido", "perdida"}


class InsufficientDataError(ValueError):
    """Too few won or lost examples to learn from."""


# --------------------------------------------------------------------------- target
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
                    _mapped(lambda v, ix=index, r=rare: ix.get(to_category(v), r), raw),
                    dtype=np.int64,
                )
                clean[info.name] = local
                cols[:, g] = local + self.offsets[g]
                continue
            values = TabularPrep._numeric(info, raw, self.prep.reference_date)
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
        n = len(cols)
        indptr = np.arange(0, cols.size + 1, len(self.groups))
        indicators = sparse.csr_matrix(
            (np.ones(cols.size), cols.ravel(), indptr),
            shape=(n, int(self.offsets[-1])),
        )
        x = sparse.hstack([indicators, sparse.csr_matrix(linear)], format="csr")
        return x, clean


def _fit_logistic(x, y, random_state, c=None):
    """L2 logistic regression, C by 3-fold CV log loss, prior-corrected weights."""
    n_pos, n_neg = int(y.sum()), int(len(y) - y.sum())
    imbalanced = min(n_pos, n_neg) / len(y) < 0.1
    weight = {0: len(y) / (2 * n_neg), 1: len(y) / (2 * n_pos)} if imbalanced else None
    best_c, best_loss = c or C_GRID[0], math.inf
    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=random_state)
    if c is None and min(n_pos, n_neg) >= 6:
        for c in C_GRID:
            loss = 0.0
            for train, test in folds.split(np.zeros(len(y)), y):
                clf = _logistic(c, weight).fit(x[train], y[train])
                p = np.clip(_prior_corrected(clf, x[test], weight), 1e-12, 1 - 1e-12)
                loss -= np.sum(y[test] * np.log(p) + (1 - y[test]) * np.log(1 - p))
            if loss < best_loss:
                best_c, best_loss = c, loss
    clf = _logistic(best_c, weight).fit(x, y)
    shift = math.log(weight[1] / weight[0]) if weight else 0.0
    return clf, best_c, shift


def _logistic(c, weight):
    return LogisticRegression(C=c, class_weight=weight, max_iter=5000, tol=1e-6)


def _prior_corrected(clf, x, weight):
    logit = clf.decision_function(x)
    if weight:
        logit = logit - math.log(weight[1] / weight[0])
    return 1 / (1 + np.exp(-logit))


# --------------------------------------------------------------------------- model
class LeadModel:
    """A fitted lead scorer: ``score(table)`` -> probability, score, tier, reasons."""

    def __init__(self, prep, encoder, clf, shift, roles, thresholds, feature_means):
        self.prep = prep
        self.encoder = encoder
        self.coef = clf.coef_.ravel().copy()
        self.intercept = float(clf.intercept_[0]) - shift
        self.roles = roles
        self.thresholds = thresholds
        self.means = feature_means
        self.baseline = self.intercept + float(self.coef @ self.means)
        group_of = encoder.group_of_features()
        # per column, the part of the baseline it contributes at the training means
        self._centre = np.bincount(
            group_of, weights=self.coef * self.means, minlength=len(encoder.groups)
        )

    @property
    def columns(self):
        return [name for name, __ in self.encoder.groups]

    def required_columns(self):
        """Input columns the model reads (before email/phone columns are derived)."""
        contact = self.roles.get("email", []) + self.roles.get("phone", [])
        derived = {
            f"{name}_{s}" for name in contact for s in ("free", "valid", "region")
        }
        return [c for c in self.columns if c not in derived] + contact

    def _derived(self, table):
        missing = [name for name in self.required_columns() if name not in table]
        if missing:
            raise ValueError(f"missing columns: {', '.join(missing)}")
        return derive_contact_columns(table, self.roles)

    def _prepare(self, table):
        return self.encoder.transform(self._derived(table))

    def logit(self, table):
        x, __ = self._prepare(table)
        return self.intercept + x @ self.coef

    def predict_proba(self, table):
        return 1 / (1 + np.exp(-self.logit(table)))

    def contributions(self, table):
        """Signed logit contributions (rows x columns); rows sum to logit - baseline."""
        cols, linear, clean = self.encoder.encode(self._derived(table))
        # one indicator per column and row: gather its coefficient
        contrib = self.coef[cols]
        if self.encoder.linear:
            n_indicators = int(self.encoder.offsets[-1])
            contrib[:, self.encoder.linear] += linear * self.coef[n_indicators:]
        contrib -= self._centre
        return contrib, clean, self.baseline + contrib.sum(axis=1)

    def score(self, table, n_reasons=3):
        """Per row: probability, score (1-100), tier and reasons up/down."""
        contrib, clean, logit = self.contributions(table)
        probability = 1 / (1 + np.exp(-logit))
        score = np.clip(np.round(probability * 100), 1, 100).astype(int)
        tier = tiers_for(score, self.thresholds)
        columns = self.columns
        values = [clean[name].tolist() for name in columns]
        categories = [
            labels if info.kind == "categorical" else None
            for info, (__, labels) in zip(
                self.prep.columns, self.encoder.groups, strict=True
            )
        ]
        originals = [table.get(name) for name in columns]
        booleans = {c.name for c in self.prep.columns if c.kind == "boolean"}
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
        return {
            "probability": probability,
            "score": score,
            "tier": tier,
            "reasons": reasons,
        }


def tiers_for(score, thresholds):
    score = np.asarray(score)
    return np.where(
        score >= thresholds["hot"],
        "hot",
        np.where(score >= thresholds["warm"], "warm", "cold"),
    ).tolist()


def format_reasons(reasons, labels=None):
    """Readable text: ``Lead Source = Google (+0.42); ...`` (ups first, then downs)."""
    labels = labels or {}
    parts = []
    for item in reasons.get("up", []) + reasons.get("down", []):
        value = "—" if item["value"] is None else item["value"]
        label = labels.get(item["column"], item["column"])
        parts.append(f"{label} = {value} ({item['contribution']:+.2f})")
    return "; ".join(parts)


# --------------------------------------------------------------------------- training
def _fit_model(table, y, min_count, roles, random_state, tier_thresholds, c=None):
    derived = derive_contact_columns(table, roles)
    prep = TabularPrep(min_count=min_count).fit(derived)
    if not prep.columns:
        raise ValueError(
            "no usable feature column (all are identifiers, text or empty)"
        )
    encoder = _Encoder.fit(prep, derived)
    x, __ = encoder.transform(derived)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf, c, shift = _fit_logistic(x, y, random_state, c)
    means = np.asarray(x.mean(axis=0)).ravel()
    model = LeadModel(
        prep, encoder, clf, shift, roles, {"hot": 101, "warm": 101}, means
    )
    if tier_thresholds:
        model.thresholds = {
            "hot": int(tier_thresholds["hot"]),
            "warm": int(tier_thresholds["warm"]),
        }
    else:
        train_scores = np.clip(np.round(model.predict_proba(table) * 100), 1, 100)
        hot = int(np.quantile(train_scores, 1 - HOT_SHARE))
        warm = int(np.quantile(train_scores, 1 - HOT_SHARE - WARM_SHARE))
        model.thresholds = {
            "hot": max(hot, 2),
            "warm": min(max(warm, 1), max(hot, 2) - 1),
        }
    model.c = c
    return model


def _naive_bayes(prep_train, train_table, y_train, test_table, only=None):
    """Categorical naive Bayes over categorical/boolean columns (Odoo's native way).

    ``only`` restricts it to some columns (e.g. the fields Odoo's scoring uses).
    """
    cols = [
        c
        for c in prep_train.columns
        if c.kind in ("categorical", "boolean") and (only is None or c.name in only)
    ]
    if not cols:
        return np.full(n_rows(test_table), y_train.mean())

    def encode(table, fitted):
        clean = prep_train.transform(table)
        out = np.zeros((len(next(iter(clean.values()))), len(cols)), dtype=int)
        for k, info in enumerate(cols):
            values = clean[info.name]
            if info.kind == "boolean":
                out[:, k] = np.where(np.isnan(values), 2, values > 0.5)
            else:
                index = {cat: i for i, cat in enumerate(info.categories)}
                out[:, k] = [index[v] for v in values]
        return out

    sizes = [3 if c.kind == "boolean" else len(c.categories) for c in cols]
    nb = CategoricalNB(alpha=0.1, min_categories=sizes)
    nb.fit(encode(train_table, True), y_train)
    return nb.predict_proba(encode(test_table, False))[:, 1]


def _plain_logistic(prep_train, train_table, y_train, test_table):
    scaler = StandardScaler()
    x_train = scaler.fit_transform(prep_train.to_matrix(train_table))
    x_test = scaler.transform(prep_train.to_matrix(test_table))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = LogisticRegression(max_iter=5000).fit(x_train, y_train)
    return clf.predict_proba(x_test)[:, 1]


def _subset(table, index):
    return {name: [values[i] for i in index] for name, values in table.items()}


def train(
    table,
    target,
    *,
    positive=None,
    min_per_class=DEFAULT_MIN_PER_CLASS,
    extra_scores=None,
    naive_bayes_columns=None,
    random_state=0,
    tier_thresholds=None,
    roles=None,
    test_size=0.25,
    min_count=None,
):
    """Learn P(won) from ``table`` (column -> values) and ``target`` (won/lost values).

    Returns a :class:`~pyme_ai.training.TrainingResult` whose ``model`` is a
    :class:`LeadModel` refitted on all rows, and whose metrics come from a stratified
    holdout the evaluated model never saw; ``report["baselines"]`` has the same metrics
    for naive Bayes, a plain logistic regression, naive Bayes restricted to each
    ``naive_bayes_columns`` entry (name -> columns) and any ``extra_scores``
    (name -> probabilities aligned with the rows) on the same holdout rows.
    """
    started = time.monotonic()
    y_all, usable = parse_target(list(target), positive)
    dropped = int((~usable).sum())
    keep = np.flatnonzero(usable)
    table = _subset(table, keep) if dropped else dict(table)
    y = y_all[keep]
    n_won, n_lost = int(y.sum()), int(len(y) - y.sum())
    if n_won < min_per_class or n_lost < min_per_class:
        raise InsufficientDataError(
            f"not enough history to learn from: {n_won} won and {n_lost} lost "
            f"examples, at least {min_per_class} of each are needed"
        )
    roles = resolve_roles(table, roles)
    min_count = min_count or max(5, min(20, len(y) // 200))
    train_idx, test_idx = stratified_holdout(y, test_size, random_state)
    train_table, test_table = _subset(table, train_idx), _subset(table, test_idx)
    y_train, y_test = y[train_idx], y[test_idx]

    holdout_model = _fit_model(
        train_table, y_train, min_count, roles, random_state, tier_thresholds
    )
    ours = holdout_model.predict_proba(test_table)
    metrics = classification_report(y_test, ours)

    prep_ref = TabularPrep(min_count=min_count).fit(
        derive_contact_columns(train_table, roles)
    )
    ref_test = derive_contact_columns(test_table, roles)
    ref_train = derive_contact_columns(train_table, roles)
    baselines = {
        "naive_bayes": classification_report(
            y_test, _naive_bayes(prep_ref, ref_train, y_train, ref_test)
        ),
        "logistic": classification_report(
            y_test, _plain_logistic(prep_ref, ref_train, y_train, ref_test)
        ),
    }
    for name, columns in (naive_bayes_columns or {}).items():
        scores = _naive_bayes(prep_ref, ref_train, y_train, ref_test, set(columns))
        baselines[name] = classification_report(y_test, scores)
    for name, scores in (extra_scores or {}).items():
        scores = np.asarray(scores, dtype=float)[keep][test_idx]
        ok = ~np.isnan(scores)
        if ok.sum() and len(set(y_test[ok])) == 2:
            baselines[name] = classification_report(y_test[ok], scores[ok])

    # the final model reuses the regularisation chosen on the training part
    model = _fit_model(
        table, y, min_count, roles, random_state, tier_thresholds, holdout_model.c
    )
    return TrainingResult(
        model=model,
        metrics=metrics,
        primary_metric="auc",
        higher_is_better=True,
        n_rows=len(y),
        report={
            "baselines": baselines,
            "thresholds": model.thresholds,
            "won": n_won,
            "lost": n_lost,
            "dropped_rows": dropped,
            "columns": model.prep.summary(),
            "c": model.c,
            "train_seconds": time.monotonic() - started,
        },
    )


def evaluate(table, target, **kwargs):
    """The holdout report of :func:`train` (ours and the references), as a dict."""
    result = train(table, target, **kwargs)
    return {"ours": result.metrics, **result.report["baselines"]}, result
