"""The holdout verdict: curves, intervals, and when no verdict should be read."""

import json
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from pyme_ai.leads import (
    LeadData,
    calibration_svg,
    evaluate,
    gains_svg,
    holdout_summary,
)
from pyme_ai.leads.sample import as_table, generate
from pyme_ai.leads.verdict import calibration_table, found_share, gains_curve

LABELS = {"model": "IA", "reference": "Odoo", "random": "Azar", "x": "x", "y": "y"}


def test_ties_are_taken_at_random_not_in_row_order():
    y = [1] * 10 + [0] * 40  # won leads first, as created
    assert found_share(y, [0.5] * 50, 0.2) == pytest.approx(0.2)
    assert found_share(y, list(range(50, 0, -1)), 0.2) == 1.0
    # 10 leads tie at the cut for 5 slots, 4 of them won
    prob = [0.9] * 5 + [0.5] * 10 + [0.1] * 35
    y = [1, 1, 0, 0, 0] + [1, 1, 1, 1, 0, 0, 0, 0, 0, 0] + [1, 0] * 17 + [0]
    assert found_share(y, prob, 0.2) == pytest.approx((2 + 4 * 5 / 10) / sum(y))


def test_gains_curve_by_hand():
    y = [1, 0, 1, 0, 0, 0, 0, 0, 0, 1]
    prob = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05]
    curve = gains_curve(y, prob, points=5)
    # top 20 % (2 leads) hold 1 of the 3 sales, top 40 % two of them
    assert curve == [0.0, 0.3333, 0.6667, 0.6667, 0.6667, 1.0]
    table = calibration_table(y, prob, bins=2)
    assert table == [(0.21, 0.2, 5), (0.7, 0.4, 5)]


def test_verdict_on_a_real_holdout_names_the_reference_and_agrees_with_lift():
    table = as_table(generate(1200, seed=3))
    target = table.pop("won")
    table.pop("lead_id")
    result = evaluate(
        LeadData(table, target), naive_bayes_columns={"odoo_native": ["source"]}
    )
    summary = result.report["holdout"]
    json.dumps(summary)  # stored as JSON on the registry record
    verdict = summary["verdict"]
    assert summary["reference"] == "odoo_native"
    assert verdict["code"] in ("better", "not_better")
    # the model's probabilities have no ties: its share is its lift
    assert verdict["found"] == round(result.metrics["lift_20"] * 20)
    native = result.report["baselines"]["odoo_native"]["lift_20"]
    assert abs(verdict["reference_found"] - native * 20) <= 6  # ties at random
    assert (verdict["code"] == "better") == (
        verdict["found"] > verdict["reference_found"]
    )
    low, high = summary["intervals"]["auc"]
    assert low <= result.metrics["auc"] <= high and high - low < 0.2
    assert summary["gains"]["model"][0] == 0 and summary["gains"]["model"][-1] == 1
    svg = gains_svg(summary, LABELS)
    root = ET.fromstring(svg)
    assert len(root.findall("{http://www.w3.org/2000/svg}polyline")) == 3


def test_too_few_and_leakage_give_no_verdict():
    rng = np.random.default_rng(0)
    y = np.array([1] * 8 + [0] * 22)
    few = holdout_summary(y, {"model": rng.random(30), "naive_bayes": rng.random(30)})
    assert few["verdict"] == {"code": "too_few", "n": 30, "positives": 8, "needed": 40}
    assert "intervals" not in few
    y = np.array([1] * 50 + [0] * 150)
    leak = holdout_summary(y, {"model": y + rng.random(200) * 0.1})
    assert leak["verdict"]["code"] == "leakage" and leak["verdict"]["auc"] == 1.0
    chart = gains_svg(leak, LABELS)  # no reference: model and random only
    assert chart.count("<polyline") == 2 and "Odoo" not in chart


@pytest.mark.parametrize("label", ["<script>", "Ventas & más"])
def test_chart_escapes_its_labels(label):
    summary = {"gains": {"model": [0, 0.5, 1]}, "reference": None}
    svg = gains_svg(summary, dict(LABELS, model=label))
    ET.fromstring(svg)
    assert "<script>" not in svg


def test_calibration_chart_has_a_dot_per_bin_where_the_bin_is():
    summary = {"calibration": [(0.1, 0.05, 40), (0.5, 0.6, 10), (0.9, 0.9, 40)]}
    labels = {"model": "IA", "ideal": "Exacto", "x": "x", "y": "<y>"}
    root = ET.fromstring(calibration_svg(summary, labels))
    ns = "{http://www.w3.org/2000/svg}"
    dots = root.findall(f"{ns}circle")
    assert len(dots) == 3
    # across: the predicted probability; up: the observed rate (SVG y grows down)
    xs = [float(d.get("cx")) for d in dots]
    ys = [float(d.get("cy")) for d in dots]
    assert xs == sorted(xs) and ys[0] > ys[1] > ys[2]
    # a bin of 10 leads draws a smaller dot than a bin of 40
    radii = [float(d.get("r")) for d in dots]
    assert radii[1] < radii[0] == radii[2]
    assert len(root.findall(f"{ns}polyline")) == 2  # the model and the diagonal
    assert root.get("aria-label") == "<y>"
    empty = ET.fromstring(calibration_svg({"calibration": []}, labels))
    assert not empty.findall(f"{ns}circle")


def test_a_column_that_carries_the_model_is_named_as_leakage():
    rng = np.random.default_rng(1)
    y = np.array([1] * 60 + [0] * 140)
    noise = rng.normal(size=(200, 3))
    # "status" tells the outcome almost exactly; the others are weak
    contrib = np.column_stack([y * 2.0 + rng.normal(0, 0.3, 200), noise * 0.3])
    model = 1 / (1 + np.exp(-contrib.sum(axis=1)))
    columns = ["status", "source", "team", "revenue"]
    leak = holdout_summary(y, {"model": model}, contrib, columns)
    assert leak["verdict"]["code"] == "leakage"
    assert leak["verdict"]["column"] == "status"
    assert leak["verdict"]["column_auc"] >= 0.95
    # many columns each adding a little: a verdict, no column to blame
    weak = np.column_stack([y * 0.5 + rng.normal(0, 1, 200) for _ in range(8)])
    model = 1 / (1 + np.exp(-weak.sum(axis=1)))
    summary = holdout_summary(y, {"model": model}, weak, [f"c{i}" for i in range(8)])
    assert summary["verdict"]["code"] == "no_reference"
    assert "column" not in summary["verdict"]
