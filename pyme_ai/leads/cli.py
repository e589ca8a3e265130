"""``pyme-ai leads``: train a lead scoring model, score leads, evaluate on a holdout.

Reads any CRM export as CSV (``,`` ``;`` or tab separated; "Select"-style placeholders
and blanks are missing values)::

    pyme-ai leads train leads.csv --target Converted --id "Lead Number" --model m.pyai
    pyme-ai leads score --model m.pyai leads.csv --out scores.csv
    pyme-ai leads evaluate leads.csv --target Converted --json
    pyme-ai leads sample --out leads.csv          # synthetic export to try it on

The outcome column must hold won/lost words (1/0, yes/no, won/lost, ganado/perdido,
...), or ``--positive VALUE`` names the won value and, when the column has more than
two values, ``--negative VALUES`` the lost ones (rows with other values, e.g. open
leads, are left out and counted on stderr). Anything else is refused with the values
found. Blank outcomes are left out (counted on stderr); duplicated ``--id`` values are
refused.
"""

from __future__ import annotations

import csv
import json
from collections import Counter

from .. import persistence
from ..base import PymeAiError
from ..cli import (
    KEY_HELP,
    CommandError,
    add_command,
    add_key_argument,
    check_output,
    int_in,
    load_model,
    signing_key,
    warn,
)
from ..tabular import is_missing, read_csv
from . import sample
from .model import (
    NEGATIVE_WORDS,
    POSITIVE_WORDS,
    LeadData,
    LeadModel,
    evaluate,
    format_reasons,
)
from .pilot import pilot_html

#: Distinct values quoted in an error message before "and N more".
LISTED = 8
MAX_SAMPLE_ROWS = 1_000_000

REPORT_METRICS = ("auc", "brier", "log_loss", "lift_10", "lift_20")


def register(subparsers):
    sub = add_command(
        subparsers,
        "leads",
        "lead scoring: train, score and evaluate on CRM exports",
        __doc__,
    )

    tr = sub.add_parser("train", help="train and save a model", epilog=KEY_HELP)
    _data_args(tr)
    tr.add_argument("--model", required=True, help="model file to write")
    tr.set_defaults(func=cmd_train)

    sc = sub.add_parser("score", help="score every row of a CSV", epilog=KEY_HELP)
    sc.add_argument("--model", required=True, help="model file written by train")
    sc.add_argument("data", help="CSV with the same columns as the training data")
    sc.add_argument("--out", required=True, help="CSV to write (id, probability, …)")
    add_key_argument(sc)
    sc.set_defaults(func=cmd_score)

    ev = sub.add_parser("evaluate", help="holdout report against reference models")
    _data_args(ev)
    ev.add_argument("--json", action="store_true", help="machine-readable output")
    ev.set_defaults(func=cmd_evaluate)

    pi = sub.add_parser(
        "pilot",
        help="one HTML page: does the AI work on this export, against Odoo's scoring",
    )
    pi.add_argument("data", nargs="?", help="CSV export of won and lost leads")
    pi.add_argument("--sample", action="store_true", help="use a synthetic export")
    pi.add_argument("--target", help="outcome column (default with --sample: won)")
    pi.add_argument("--lang", choices=("es", "en"), default="es")
    pi.add_argument("--out", required=True, help="HTML file to write")
    for flag in ("--positive", "--negative", "--id"):
        pi.add_argument(flag)
    pi.add_argument("--drop", default="")
    pi.add_argument("--min-per-class", type=int_in(2, 10**9), default=20)
    pi.add_argument("--seed", type=int_in(0, 2**32 - 1), default=0)
    pi.set_defaults(func=cmd_pilot)

    sa = sub.add_parser("sample", help="write a synthetic CRM export to try the CLI")
    sa.add_argument("--out", required=True, help="CSV to write")
    sa.add_argument("--rows", type=int_in(1, MAX_SAMPLE_ROWS), default=600)
    sa.set_defaults(func=cmd_sample)


def _data_args(parser):
    parser.add_argument("data", help="CSV export of won and lost leads")
    parser.add_argument("--target", required=True, help="outcome column")
    parser.add_argument(
        "--positive",
        help="value of the outcome column meaning won (default: 1/yes/won)",
    )
    parser.add_argument(
        "--negative",
        help="with --positive: comma-separated values meaning lost (default: the one"
        " other value); rows with any other value are left out",
    )
    parser.add_argument("--id", help="identifier column (kept out of the features)")
    parser.add_argument("--drop", default="", help="comma-separated columns to ignore")
    parser.add_argument("--min-per-class", type=int_in(2, 10**9), default=20)
    parser.add_argument("--seed", type=int_in(0, 2**32 - 1), default=0)


def _load(args):
    table = read_csv(args.data)
    dropped = _split(args.drop)
    for name in [args.target, args.id] + dropped:
        if name and name not in table:
            raise CommandError(
                f"{args.data}: no column named {name!r} (columns: {_names(table)})"
            )
    if args.target == args.id or args.target in dropped:
        raise CommandError(f"--target {args.target!r} is also given as --id or --drop")
    target = table.pop(args.target)
    if args.id:
        _check_unique_ids(args.data, args.id, table.pop(args.id))
    for name in dropped:
        table.pop(name, None)
    if not table:
        raise CommandError(
            f"{args.data}: no columns left to learn from besides the outcome"
            + (" and the id" if args.id else "")
        )
    return table, _outcomes(args, target)


def _names(table, limit=LISTED):
    names = list(table)
    more = len(names) - limit
    return ", ".join(names[:limit]) + (f" and {more} more" if more > 0 else "")


def _listed(counts):
    pairs = [f"{value!r} ({n})" for value, n in counts.most_common()]
    more = len(pairs) - LISTED
    return ", ".join(pairs[:LISTED]) + (f" and {more} more" if more > 0 else "")


def _check_unique_ids(path, column, ids):
    counts = Counter(str(v).strip() for v in ids if not is_missing(v))
    repeated = Counter({v: n for v, n in counts.items() if n > 1})
    if repeated:
        raise CommandError(
            f"{path}: the id column {column!r} repeats {len(repeated)} id(s):"
            f" {_listed(repeated)}; each lead must appear once"
        )


def _outcomes(args, values):
    """The outcome column as 1 (won), 0 (lost) or None (left out), refusing values
    that are neither (see the module docstring)."""
    text = [None if is_missing(v) else str(v).strip() for v in values]
    counts = Counter(v for v in text if v is not None)
    folded = {}
    for value, n in counts.items():
        folded[value.lower()] = folded.get(value.lower(), 0) + n
    column = f"{args.data}: the outcome column {args.target!r}"
    if args.negative and args.positive is None:
        raise CommandError("--negative needs --positive (the value meaning won)")
    if args.positive is None:
        unknown = Counter(
            {
                v: n
                for v, n in counts.items()
                if v.lower() not in POSITIVE_WORDS | NEGATIVE_WORDS
            }
        )
        if unknown:
            raise CommandError(
                f"{column} has values that are neither won (1/yes/won/...) nor lost"
                f" (0/no/lost/...): {_listed(unknown)}; values found:"
                f" {_listed(counts)}. Say which value means won with --positive"
                " (and which mean lost with --negative)"
            )
        y = [None if v is None else int(v.lower() in POSITIVE_WORDS) for v in text]
    else:
        positive = str(args.positive).strip().lower()
        if positive not in folded:
            raise CommandError(
                f"{column} never holds --positive {args.positive!r}; values found:"
                f" {_listed(counts) or 'none'}"
            )
        others = {v for v in folded if v != positive}
        if args.negative:
            negative = {v.lower() for v in _split(args.negative)}
            absent = sorted(negative - others)
            if absent:
                raise CommandError(
                    f"{column} never holds --negative value(s) {', '.join(absent)};"
                    f" values found: {_listed(counts)}"
                )
        elif len(others) > 1:
            raise CommandError(
                f"{column} has {len(folded)} different values: {_listed(counts)}; with"
                f" --positive {args.positive!r}, say which of the others mean lost"
                " with --negative (rows with other values are left out)"
            )
        else:
            negative = others
        y = []
        left_out = Counter()
        for v in text:
            if v is None or v.lower() == positive:
                y.append(None if v is None else 1)
            elif v.lower() in negative:
                y.append(0)
            else:
                y.append(None)
                left_out[v] += 1
        if left_out:
            warn(
                f"{sum(left_out.values())} rows whose outcome is neither won nor lost"
                f" are left out: {_listed(left_out)}"
            )
    blank = sum(v is None for v in text)
    if blank and counts:
        warn(f"{blank} rows without an outcome in {args.target!r} are left out")
    return y


def _split(text):
    return [name.strip() for name in (text or "").split(",") if name.strip()]


def _evaluate(args, loaded=None):
    table, target = loaded or _load(args)
    return evaluate(
        LeadData(table, target),
        min_per_class=args.min_per_class,
        random_state=args.seed,
        naive_bayes_columns=_native_columns(table),
    )


def _native_columns(table):
    """Odoo's native scoring reads stage, team and contact quality: the export's
    columns of those names, when it has them (else naive Bayes is the reference)."""
    wanted = {"stage", "team", "email_quality", "phone_quality", "country"}
    found = [name for name in table if name.strip().lower() in wanted]
    return {"odoo_native": found} if found else None


def cmd_pilot(args):
    check_output(args.out)
    if args.sample:
        if args.data:
            raise CommandError("give an export or --sample, not both")
        table = sample.as_table(sample.generate(600, seed=args.seed))
        table.pop("lead_id")
        args.target = args.target or "won"
        target = table.pop(args.target)
        loaded = (table, target)
    else:
        if not args.data or not args.target:
            raise CommandError("give an export and its --target column, or --sample")
        loaded = _load(args)
    result = _evaluate(args, loaded)
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write(pilot_html(result, loaded[0], args.lang))
    verdict = result.report["holdout"]["verdict"]
    print(f"pilot report written to {args.out} ({verdict['code']})")
    return 0


def cmd_train(args):
    check_output(args.model)
    result = _evaluate(args)
    model = result.model
    metadata = {
        "capability": "leads",
        "id_column": args.id,
        "target_column": args.target,
    }
    persistence.dump(model, args.model, signing_key(args.model), metadata)
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
    check_output(args.out)
    model, header = load_model(args.model, LeadModel.kind, args)
    metadata = header.get("metadata") or {}
    table = read_csv(args.data)
    id_column = metadata.get("id_column")
    if id_column and id_column not in table:
        raise CommandError(
            f"{args.data}: no column {id_column!r} (the id column the model was"
            f" trained with); columns: {_names(table)}"
        )
    ids = table.pop(id_column) if id_column else None
    if ids is not None:
        _check_unique_ids(args.data, id_column, ids)
    table.pop(metadata.get("target_column") or "", None)
    if not any(table.values()):
        raise CommandError(f"{args.data}: no leads to score (the file has no rows)")
    try:
        scored = model.explain(table)
    except PymeAiError as exc:
        raise CommandError(f"{args.data}: {exc}") from None
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
    check_output(args.out)
    sample.write(args.out, args.rows)
    print(f"wrote {args.rows} synthetic leads to {args.out} (target column: won)")
    return 0
