"""Reference scorers the lead model is compared with on the same holdout rows.

Both take a :class:`~pyme_ai.tabular.TabularPrep` fitted on the training rows and
return the test rows' probabilities of winning.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import CategoricalNB
from sklearn.preprocessing import StandardScaler

from ..tabular import n_rows


def naive_bayes_scores(prep_train, train_table, y_train, test_table, only=None):
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

    def encode(table):
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
    nb.fit(encode(train_table), y_train)
    return nb.predict_proba(encode(test_table))[:, 1]


def logistic_scores(prep_train, train_table, y_train, test_table):
    """Plain logistic regression on the standardised one-hot/median-filled matrix."""
    scaler = StandardScaler()
    x_train = scaler.fit_transform(prep_train.to_matrix(train_table))
    x_test = scaler.transform(prep_train.to_matrix(test_table))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = LogisticRegression(max_iter=5000).fit(x_train, y_train)
    return clf.predict_proba(x_test)[:, 1]
