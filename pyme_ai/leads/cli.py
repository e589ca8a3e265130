"""``pyme-ai leads``: train a lead scoring model, score leads, evaluate on a holdout.

Reads any CRM export as CSV (``,`` ``;`` or tab separated; "Select"-style placeholders
and blanks are missing values)::

    pyme-ai leads train leads.csv --target Converted --id "Lead Number" --model m.pyai
    pyme-ai leads score --model m.pyai leads.csv --out scores.csv
    pyme-ai leads evaluate leads.csv --target Converted --json
    pyme-ai leads sample --out leads.csv          # synthetic export to try it on
"""

from __future__ import annotations

import csv
import json

from .. import persistence
from ..cli import KEY_HELP, CommandError, cli_key
from ..tabular import read_csv
from . import sample
from .model import LeadData, LeadModel, evaluate, format_reasons

REPORT_METRICS = ("auc", "brier", "log_loss", "lift_10", "lift_20")


def register(subparsers):
    parser = subparsers.add_parser(
        "leads",
        help="lead scoring: train, score and evaluate on CRM exports",
        description=__doc__.split("\n\n")[0],
    )
    sub = parser.add_subparsers(dest="leads_command", metavar="ACTION")
    parser.set_defaults(func=lambda args: parser.print_help() or 2)

    tr = sub.add_parser("train", help="train and save a model", epilog=KEY_HELP)
    _data_args(tr)
    tr.add_argument("--model", required=True, help="model file to write")
    tr.set_defaults(func=cmd_train)

    sc = sub.add_parser("score", help="score every row of a CSV", epilog=KEY_HELP)
    sc.add_argument("--model", required=True, help="model file written by train")
    sc.add_argument("data", help="CSV with the same columns as the training data")
    sc.add_argument("--out", required=True, help="CSV to write (id, probability, …)")
    sc.set_defaults(func=cmd_score)

    ev = sub.add_parser("evaluate", help="holdout report against reference models")
    _data_args(ev)
    ev.add_argument("--json", action="store_true", help="machine-readable output")
    ev.set_defaults(func=cmd_evaluate)

    sa = sub.add_parser("sample", help="write a synthetic CRM export to try the CLI")
    sa.add_argument("--out", required=True, help="CSV to write")
    sa.add_argument("--rows", type=int, default=600)
    sa.set_defaults(func=cmd_sample)


def _data_args(parser):
    parser.add_argument("data", help="CSV export of won and lost leads")
    parser.add_argument("--target", required=True, help="outcome column")
    parser.add_argument(
        "--positive",
        help="value of the outcome column meaning won (default: 1/yes/won)",
    )
    parser.add_argument("--id", help="identifier column (kept out of the features)")
    parser.add_argument("--drop", default="", help="comma-separated columns to ignore")
    parser.add_argument("--min-per-class", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)


def _load(args):
    table = read_csv(args.data)
    for name in [args.target, args.id] + _split(args.drop):
        if name and name not in table:
            raise CommandError(f"{args.data}: no column named {name!r}")
    target = table.pop(args.target)
    if args.id:
        table.pop(args.id)
    for name in _split(args.drop):
        table.pop(name)
    return table, target


def _split(text):
    return [name.strip() for name in (text or "").split(",") if name.strip()]


def _evaluate(args):
    table, target = _load(args)
    return evaluate(
        LeadData(table, target, positive=args.positive),
        min_per_class=args.min_per_class,
        random_state=args.seed,
    )


def cmd_train(args):
    result = _evaluate(args)
    model = result.model
    metadata = {
        "capability": "leads",
        "id_column": args.id,
        "target_column": args.target,
    }
    persistence.dump(model, args.model, cli_key(), metadata)
    m = result.metrics
    hot, warm = model.thresholds_["hot"], model.thresholds_["warm"]
    print(
        f"trained on {result.n_rows} leads; holdout AUC {m['auc']:.3f}, "
        f"Brier {m['brier']:.3f}, lift@10% {m['lift_10']:.2f}; "
        f"tiers: hot >= {hot}, warm >= {warm}"
    )
    print(f"model written to {args.model}")
    return 0


def cmd_score(args):
    with open(args.model, "rb") as fh:
        data = fh.read()
    try:
        model = persistence.loads(data, cli_key(), kind=LeadModel.kind)
    except persistence.PersistenceError as exc:
        raise CommandError(f"{args.model}: {exc}") from exc
    metadata = persistence.inspect(data)["metadata"]
    table = read_csv(args.data)
    id_column = metadata.get("id_column")
    ids = table.pop(id_column) if id_column in table else None
    table.pop(metadata.get("target_column") or "", None)
    scored = model.explain(table)
    n = len(scored["score"])
    with open(args.out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "probability", "score", "tier", "reasons"])
        for i in range(n):
            writer.writerow(
                [
                    ids[i] if ids is not None else i + 1,
                    f"{scored['probability'][i]:.4f}",
                    scored["score"][i],
                    scored["tier"][i],
                    format_reasons(scored["reasons"][i]),
                ]
            )
    print(f"scored {n} leads into {args.out}")
    return 0


def cmd_evaluate(args):
    result = _evaluate(args)
    rows = {"pyme_ai": result.metrics, **result.report["baselines"]}
    if args.json:
        print(
            json.dumps(
                {
                    "holdout": rows,
                    "n_rows": result.n_rows,
                    "won": result.report["won"],
                    "lost": result.report["lost"],
                    "thresholds": result.report["thresholds"],
                },
                indent=2,
            )
        )
        return 0
    print(
        f"holdout of {result.metrics['n']} leads "
        f"({result.report['won']} won / {result.report['lost']} lost in all)"
    )
    print("| model | " + " | ".join(REPORT_METRICS) + " |")
    print("|---" * (len(REPORT_METRICS) + 1) + "|")
    for name, metrics in rows.items():
        cells = " | ".join(f"{metrics[key]:.4f}" for key in REPORT_METRICS)
        print(f"| {name} | {cells} |")
    return 0


def cmd_sample(args):
    sample.write(args.out, args.rows)
    print(f"wrote {args.rows} synthetic leads to {args.out} (target column: won)")
    return 0
