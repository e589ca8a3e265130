"""Demand forecasting benchmark: accuracy on car parts, calibration, speed.

Run from the repository root: ``python bench/demand.py``.

1. Car parts (``../shared/datasets/demand/carparts_monthly_wide.csv``; 2,674 parts,
monthly):
   each part's last 12 months are cut off, the engine is fitted on the rest, and every
   single method and the per-item choice are scored on the cut-off months. Items count
   when their RMSSE scale is defined (two months since the first sale, not constant).
   Pinball losses are for demand cumulated over the 12 months, divided by 12 x the
   item's MASE scale. Targets: the per-item choice has a lower mean RMSSE than every
   single method (``ma3`` is the average of the last 3 periods that Odoo's
   replenishment report shows), and the 0.9 cumulative quantile covers 87-93 % of the
   outcomes.
2. Synthetic sets with known regular, trending, seasonal, intermittent and lumpy
   demand (``pyme_ai.demand.sample.generate_kind``): each set alone and all together,
   the last 12 weeks held out. Targets per set and, for every demand class (ADI/CV²)
   with at least 40 scored items, per class: 0.9 cumulative quantile covering 87-93 %
   and RMSSE of the per-item choice no worse than the best single method of that
   class (the calibration map and level term are fitted per demand class).
3. Known promotions (``pyme_ai.demand.sample.generate_promotions``, 300 items x 208
   weeks, one week in eight promoted, last 12 weeks held out with their promotions
   known in advance): RMSSE and 0.9 coverage without and with promotions. Targets:
   on the set with a planted uplift promotions are used and lower the RMSSE (0.9
   quantile covering 87-93 %); on the set whose flags are noise they are reported
   not used and nothing changes. The car parts set has no promotions.
4. Speed: fitting 10,000 items x 3 years of synthetic daily history (seeded,
intermittent),
   horizon 28 days, on one core (thread pools are limited to 1 before numpy loads). The
   fit includes the per-item choice, the calibration and the model's own holdout
   backtest.

Prints markdown tables and one PASS/FAIL line per target; exits 1 when a target fails,
and 2 with a message saying where the data is expected when the dataset is missing.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pyme_ai.demand import evaluate, holdout_evaluation  # noqa: E402
from pyme_ai.demand.cli import format_table  # noqa: E402
from pyme_ai.demand.sample import (  # noqa: E402
    KINDS,
    generate_kind,
    generate_matrix,
    generate_promotions,
)
from pyme_ai.demand.series import history_from_matrix, history_from_wide  # noqa: E402
from pyme_ai.tabular import read_csv  # noqa: E402

DATASET = REPO.parent / "shared" / "datasets" / "demand" / "carparts_monthly_wide.csv"
HORIZON = 12
QUANTILES = (0.5, 0.9)
COVERAGE_RANGE = (0.87, 0.93)
#: Classes with fewer scored items cannot show 87-93 % coverage reliably (with 15
#: items, coverage moves in steps of 6.7 points): reported, not judged.
MIN_CLASS_ITEMS = 40
SYNTHETIC_ITEMS = 300
SYNTHETIC_WEEKS = 208
SYNTHETIC_HORIZON = 12


def check(ok, text):
    """Print a PASS/FAIL line; 1 when the target is missed."""
    print(f"{'PASS' if ok else 'FAIL'}: {text}")
    return int(not ok)


def covered(coverage):
    return COVERAGE_RANGE[0] <= coverage <= COVERAGE_RANGE[1]


def class_table(report):
    """Per demand class (ADI/CV² of the training history): items, coverage of the
    0.9 cumulative quantile, RMSSE of the choice and of the best single method."""
    lines = [
        "| class | items | coverage q0.9 | RMSSE choice | best single method | "
        "its RMSSE |",
        "|---|---|---|---|---|---|",
    ]
    rows = []
    for code, val in sorted(report["classes"].items()):
        best_name, best = min(val["methods"].items(), key=lambda kv: kv[1]["rmsse"])
        choice = val["choice"]
        lines.append(
            f"| {code} | {val['n_items']} | {choice['coverage_0.9']:.3f} | "
            f"{choice['rmsse']:.4f} | {best_name} | {best['rmsse']:.4f} |"
        )
        rows.append((code, val["n_items"], choice, best_name, best))
    return "\n".join(lines), rows


def judge_classes(label, rows):
    failures = 0
    for code, n, choice, best_name, best in rows:
        if n < MIN_CLASS_ITEMS:
            print(
                f"INFO: {label} / {code}: {n} items, too few to judge "
                f"(coverage {choice['coverage_0.9']:.1%}, RMSSE "
                f"{choice['rmsse']:.4f} vs {best_name} {best['rmsse']:.4f})"
            )
            continue
        cov = choice["coverage_0.9"]
        failures += check(
            covered(cov),
            f"{label} / {code}: 0.9 quantile covers {cov:.1%} (target 87-93 %)",
        )
        failures += check(
            choice["rmsse"] <= best["rmsse"] + 1e-9,
            f"{label} / {code}: RMSSE {choice['rmsse']:.4f}"
            f" <= best single method {best_name} {best['rmsse']:.4f}",
        )
    return failures


def synthetic():
    """Each known pattern as its own set (300 items, 4 years weekly: seasonality is
    detected from 3 full years, last 12 weeks
    held out), then all of them together; per ADI/CV² class within each."""
    failures = 0
    print(
        f"\n## Synthetic sets: {SYNTHETIC_ITEMS} items x {SYNTHETIC_WEEKS} weeks each "
        f"(seeded), last {SYNTHETIC_HORIZON} weeks held out\n"
    )
    summary = [
        "| set | items | coverage q0.9 | RMSSE choice | best single method "
        "| its RMSSE |",
        "|---|---|---|---|---|---|",
    ]
    all_names, all_values = [], []
    per_class = {}
    for kind in KINDS:
        names, values = generate_kind(kind, SYNTHETIC_ITEMS, SYNTHETIC_WEEKS, seed=7)
        all_names.append(names)
        all_values.append(values)
        history = history_from_matrix(names, values, "W", np.full(len(names), 3000))
        report = holdout_evaluation(history, SYNTHETIC_HORIZON, QUANTILES)
        best_name, best = min(report["methods"].items(), key=lambda kv: kv[1]["rmsse"])
        choice = report["choice"]
        summary.append(
            f"| {kind} | {report['n_items']} | {choice['coverage_0.9']:.3f} | "
            f"{choice['rmsse']:.4f} | {best_name} | {best['rmsse']:.4f} |"
        )
        per_class[kind] = class_table(report)
        cov = choice["coverage_0.9"]
        failures += check(covered(cov), f"set {kind}: 0.9 quantile covers {cov:.1%}")
        failures += check(
            choice["rmsse"] <= best["rmsse"] + 1e-9,
            f"set {kind}: RMSSE {choice['rmsse']:.4f} <= "
            f"{best_name} {best['rmsse']:.4f}",
        )
    print("\n" + "\n".join(summary))
    for kind, (table, __) in per_class.items():
        print(f"\n### {kind}: per demand class\n\n{table}")
    names = np.concatenate(all_names)
    history = history_from_matrix(
        names, np.vstack(all_values), "W", np.full(len(names), 3000)
    )
    report = holdout_evaluation(history, SYNTHETIC_HORIZON, QUANTILES)
    table, rows = class_table(report)
    print(
        f"\n### All synthetic sets together ({report['n_items']} items)\n\n"
        f"{format_table(report, QUANTILES)}\n\nper demand class:\n\n{table}\n"
    )
    failures += judge_classes("synthetic, all sets", rows)
    return failures


def promotions():
    """Planted uplift vs noise flags: with and without promotions."""
    print(
        f"\n## Known promotions: {SYNTHETIC_ITEMS} items x {SYNTHETIC_WEEKS} weeks "
        f"(seeded), last {SYNTHETIC_HORIZON} weeks held out, their promotions known\n"
    )
    lines = [
        "| set | RMSSE without | RMSSE with | coverage q0.9 without | with | "
        "decision |",
        "|---|---|---|---|---|---|",
    ]
    out = {}
    for label, uplift in (("planted uplift", True), ("noise flags", False)):
        names, values, flags = generate_promotions(
            SYNTHETIC_ITEMS, SYNTHETIC_WEEKS, seed=7, uplift=uplift
        )
        history = history_from_matrix(names, values, "W", np.full(len(names), 3000))
        plain = holdout_evaluation(history, SYNTHETIC_HORIZON, QUANTILES, False)
        promo = holdout_evaluation(
            history, SYNTHETIC_HORIZON, QUANTILES, False, promotions=(flags, flags)
        )
        a, b, rep = plain["choice"], promo["choice"], promo["promotions"]
        lines.append(
            f"| {label} | {a['rmsse']:.4f} | {b['rmsse']:.4f} | "
            f"{a['coverage_0.9']:.3f} | {b['coverage_0.9']:.3f} | {rep['status']} "
            f"(inner backtest {rep['rmsse_without']:.3f} -> {rep['rmsse_with']:.3f}, "
            f"uplift {rep['uplift']:+.2f}) |"
        )
        out[uplift] = a, b, rep
    print("\n".join(lines) + "\n")
    a, b, rep = out[True]
    failures = check(
        rep["status"] == "used" and b["rmsse"] < a["rmsse"],
        f"planted uplift: promotions {rep['status']}, "
        f"RMSSE {a['rmsse']:.4f} -> {b['rmsse']:.4f}",
    )
    failures += check(
        covered(b["coverage_0.9"]),
        f"planted uplift with promotions: 0.9 quantile covers {b['coverage_0.9']:.1%}",
    )
    a, b, rep = out[False]
    failures += check(
        rep["status"] != "used" and abs(b["rmsse"] - a["rmsse"]) < 1e-12,
        f"noise flags: promotions {rep['status']} (not "
        f"used), RMSSE {a['rmsse']:.4f} -> {b['rmsse']:.4f} (no loss)",
    )
    print("INFO: the car parts set has no promotions (nothing to use or report)")
    return failures


def carparts():
    start = time.perf_counter()
    history = history_from_wide(read_csv(DATASET))
    report = holdout_evaluation(history, HORIZON, QUANTILES)
    elapsed = time.perf_counter() - start
    print(
        f"## Car parts: last {HORIZON} months held out ({report['n_items']} of "
        f"{history.n_items} parts scored, selection rule: {report['selection']}, "
        f"reference: {report['reference']}, {elapsed:.1f} s)\n"
    )
    print(format_table(report, QUANTILES))
    print(
        "\n(the per-item choice's quantiles are built around the reference method's "
        "level, so its pinball and coverage equal that method's; see "
        "pyme_ai.demand.dist)"
    )
    counts = ", ".join(f"{k} {v}" for k, v in sorted(report["chosen_counts"].items()))
    print(f"\nmethods chosen: {counts}\n")
    table, rows = class_table(report)
    print(f"per demand class (ADI/CV² of the training months):\n\n{table}\n")
    failures = judge_classes("car parts", rows)
    choice = report["choice"]["rmsse"]
    for name, row in report["methods"].items():
        failures += check(
            choice < row["rmsse"],
            f"per-item choice RMSSE {choice:.4f} < {name} {row['rmsse']:.4f}",
        )
    cov = report["choice"]["coverage_0.9"]
    failures += check(
        covered(cov),
        f"0.9 cumulative quantile covers {cov:.1%} of outcomes "
        f"(target {COVERAGE_RANGE[0]:.0%}-{COVERAGE_RANGE[1]:.0%})",
    )
    return failures


def speed(n_items=10_000, n_days=3 * 365, horizon=28):
    names, qty = generate_matrix(n_items, n_days, seed=42)
    history = history_from_matrix(names, qty, "D", np.full(n_items, 20_000))
    start = time.perf_counter()
    result = evaluate(
        history, per_method=False, horizon=horizon, quantiles=(0.5, 0.9, 0.95)
    )
    fitted = time.perf_counter() - start
    start = time.perf_counter()
    out = result.model.forecast()
    predicted = time.perf_counter() - start
    print(
        f"\n## Speed: {n_items:,} items x {n_days} days (synthetic, seed 42), horizon "
        f"{horizon} days, one core\n"
    )
    print("| step | seconds |\n|---|---|")
    print(f"| fit (choice + calibration + holdout backtest) | {fitted:.1f} |")
    print(f"| forecast with cumulative quantiles 0.5/0.9/0.95 | {predicted:.1f} |")
    print(f"| total | {fitted + predicted:.1f} |")
    m = result.metrics
    print(
        "\nsynthetic holdout of the per-item choice: "
        f"RMSSE {m['rmsse']:.3f}, coverage of "
        f"q0.5/q0.9/q0.95 {m['coverage_0.5']:.3f}/{m['coverage_0.9']:.3f}/"
        f"{m['coverage_0.95']:.3f}; {out['step_mean'].shape[0]} items forecast"
    )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"(machine load average at the end: {load:.2f})")


def main():
    if not DATASET.exists():
        print(
            f"bench/demand.py: the car parts dataset is missing: {DATASET} "
            "(put carparts_monthly_wide.csv in ../shared/datasets/demand)",
            file=sys.stderr,
        )
        return 2
    failures = carparts()
    failures += synthetic()
    failures += promotions()
    if "--no-speed" not in sys.argv:
        speed()
    if failures:
        print(f"\n{failures} target(s) failed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
