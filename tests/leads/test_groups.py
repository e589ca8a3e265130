"""Several rows per lead (``LeadData.groups``): grouped holdout and CV folds."""

import numpy as np
import pytest

from pyme_ai.evaluation import stratified_group_holdout
from pyme_ai.leads import InsufficientDataError, LeadData, LeadModel, evaluate
from pyme_ai.leads.model import one_per_group
from pyme_ai.leads.sample import as_table, generate

N_LEADS, ROWS_PER_LEAD = 48, 8


def leaky(seed=0):
    """Every lead has a key of its own on all its rows and a random outcome: the key
    tells the outcome of a lead already seen, and nothing about a new one."""
    rng = np.random.default_rng(seed)
    won = rng.permutation([1] * (N_LEADS // 2) + [0] * (N_LEADS // 2))
    lead = np.repeat(np.arange(N_LEADS), ROWS_PER_LEAD)
    table = {"key": [f"k{i}" for i in lead]}
    return table, won[lead].tolist(), [f"lead-{i}" for i in lead]


def test_an_ungrouped_split_leaks_and_the_grouped_one_does_not():
    table, target, groups = leaky()
    plain = evaluate(LeadData(table, target), min_per_class=5)
    grouped = evaluate(LeadData(table, target, groups=groups), min_per_class=5)
    assert plain.metrics["auc"] > 0.95
    # every held-out key is unseen: one score for all, a coin toss
    assert grouped.metrics["auc"] == pytest.approx(0.5)
    assert grouped.report["groups"] is True and plain.report["groups"] is False
    assert grouped.report["rows"] == plain.report["rows"] == len(target)
    assert grouped.report["leads"] == N_LEADS and plain.report["leads"] == len(target)
    assert grouped.n_rows == len(target)


def test_holdout_counts_each_test_lead_once():
    table, target, groups = leaky()
    res = evaluate(LeadData(table, target, groups=groups), min_per_class=5)
    n = res.metrics["n"]
    assert res.report["holdout_rows"] == n * ROWS_PER_LEAD
    assert n == N_LEADS // 4
    assert res.report["holdout"]["n"] == n
    for scores in res.report["baselines"].values():
        assert scores["n"] == n


def test_no_group_on_both_sides_and_classes_in_both():
    rng = np.random.default_rng(1)
    groups = rng.integers(0, 300, 2000)
    y = (groups % 3 == 0).astype(int)
    train, test = stratified_group_holdout(y, groups, 0.25, random_state=4)
    assert not set(groups[train]) & set(groups[test])
    assert len(train) + len(test) == len(y)
    assert set(y[test]) == {0, 1}
    assert abs(len(np.unique(groups[test])) / 300 - 0.25) < 0.05
    assert abs(y[test].mean() - y.mean()) < 0.05
    picked = one_per_group(test, groups, random_state=4)
    assert sorted(groups[picked]) == sorted(set(groups[test]))
    assert set(picked) <= set(test)


def test_extra_scores_use_the_drawn_row_of_each_lead():
    table, target, groups = leaky()
    # a score that is right on one row of each lead and wrong on the others
    first = [i % ROWS_PER_LEAD == 0 for i in range(len(target))]
    extra = [t if f else 1 - t for t, f in zip(target, first, strict=True)]
    res = evaluate(
        LeadData(table, target, groups=groups),
        min_per_class=5,
        extra_scores={"x": extra},
    )
    assert res.report["baselines"]["x"]["n"] == res.metrics["n"]


def test_cv_folds_keep_leads_together():
    table, target, groups = leaky()
    plain = LeadModel(min_per_class=5).fit(LeadData(table, target))
    grouped = LeadModel(min_per_class=5).fit(LeadData(table, target, groups=groups))
    # seen keys predict the held-out fold: the least regularisation wins; unseen keys
    # tell nothing: the most regularisation wins
    assert plain.c_ > grouped.c_


def test_one_row_per_lead_is_the_same_as_no_groups():
    table = as_table(generate(400, seed=2))
    target = table.pop("won")
    ids = table.pop("lead_id")
    plain = evaluate(LeadData(table, target))
    grouped = evaluate(LeadData(table, target, groups=ids))
    assert grouped.metrics == plain.metrics
    assert grouped.report["baselines"] == plain.report["baselines"]
    a = LeadModel().fit(LeadData(table, target))
    b = LeadModel().fit(LeadData(table, target, groups=ids))
    assert a.c_ == b.c_
    np.testing.assert_allclose(a.coef_, b.coef_)


def test_min_per_class_counts_leads_with_groups():
    table, target, groups = leaky()
    with pytest.raises(InsufficientDataError, match="24 won and 24 lost"):
        LeadModel(min_per_class=30).fit(LeadData(table, target, groups=groups))
    LeadModel(min_per_class=30).fit(LeadData(table, target))  # 192 rows each
    data = LeadData(table, target, groups=groups)
    __, y, keep, codes = data.labelled_groups()
    assert len(codes) == len(y) == len(keep) and len(np.unique(codes)) == N_LEADS


def test_missing_group_is_a_lead_of_its_own_and_lengths_are_checked():
    data = LeadData({"a": ["x", "y", "x"]}, [1, 0, 1], groups=[None, None, 7])
    assert len(set(data.labelled_groups()[3])) == 3
    with pytest.raises(Exception, match="2 groups for 3 rows"):
        LeadData({"a": ["x", "y", "x"]}, [1, 0, 1], groups=[1, 2]).labelled_groups()


def test_win_rate_tiers_and_counts_are_per_lead_not_per_row():
    # won leads pass three stages (three rows), lost ones close in the first
    rng = np.random.default_rng(3)
    won, lost = 30, 70
    target = [1] * (3 * won) + [0] * lost
    groups = [f"w{i // 3}" for i in range(3 * won)] + [f"l{i}" for i in range(lost)]
    table = {"source": [str(v) for v in rng.integers(0, 3, len(target))]}
    result = evaluate(LeadData(table, target, groups=groups), min_per_class=5)
    assert (result.report["won"], result.report["lost"]) == (won, lost)
    # warm from the leads' win rate (30 %), not the rows' (90 of 160)
    assert result.report["thresholds"] == {"hot": 45, "warm": 30}
    assert result.model.thresholds_ == {"hot": 45, "warm": 30}


def test_column_weights_learn_each_lead_from_other_leads():
    from pyme_ai.leads.model import _cv_folds, _fit_column_weights, group_codes

    table, target, groups = leaky()
    model = LeadModel(min_per_class=5).fit(LeadData(table, target, groups=groups))
    cols, linear, __ = model.encoder_.encode(table)
    y, codes = np.array(target), group_codes(groups)
    weights = {}
    for name, by in (("plain", None), ("grouped", codes)):
        folds = _cv_folds(y, by, 0)
        coef, __ = _fit_column_weights(model.encoder_, cols, linear, y, folds, by, 0)
        weights[name] = np.abs(coef).max()
    # a key's log-odds from other rows of its own lead tell its outcome; from other
    # leads they tell nothing, and the column gets no weight
    assert weights["plain"] > 1 and weights["grouped"] < 0.05
