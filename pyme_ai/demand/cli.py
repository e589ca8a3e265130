"""``pyme-ai demand``: forecast, evaluate, stockout and sample on CSV files.

Input is either long (one row per sale or move: ``--item``, ``--date``, ``--qty``
columns; periods without rows are zero demand) or, with ``--wide``, one row per item and
one column per period (``YYYY-MM`` or ``YYYY-MM-DD`` headers; blanks after an item's
last value mean "no more data"), e.g. the car-parts file::

    pyme-ai demand evaluate carparts_monthly_wide.csv --wide --horizon 12 --json

Model files (``--model-out`` / ``--model``) are signed with the key in the environment
variable ``PYME_AI_KEY``, or the development key ``pyme-ai-cli`` when it is unset.

The wide file can also be turned into the long format with one line of Python::

    python -c "import csv,sys; r=csv.reader(open(sys.argv[1])); h=next(r); w=csv.writer(sys.stdout); w.writerow(['item','date','qty']); [w.writerow([x[0],h[i]+'-01',v]) for x in r for i,v in enumerate(x) if i and v]" carparts_monthly_wide.csv > carparts_long.csv

(then ``--item item --date date --qty qty --freq M``; every part then runs to the last
month of the file, its missing months being zero demand).
"""  # noqa: E501

from __future__ import annotations

import csv
import json
import sys

import numpy as np

from .. import persistence
from ..cli import KEY_HELP, CommandError, cli_key
from ..tabular import read_csv, to_float
from .checks import check_horizon, check_quantiles
from .model import DEFAULT_QUANTILES, DemandModel, evaluate, holdout_evaluation
from .series import build_history, check_freq, history_from_wide
from .stockout import parse_incoming


def register(subparsers):
    parser = subparsers.add_parser(
        "demand",
        help="demand forecasts, backtests and stock-out estimates",
        description=__doc__.split("\n\n")[0],
    )
    sub = parser.add_subparsers(dest="demand_command", metavar="ACTION")
    parser.set_defaults(func=lambda args: _usage(parser))

    fc = sub.add_parser(
        "forecast", help="per-item forecast with cumulative quantiles", epilog=KEY_HELP
    )
    _history_args(fc)
    fc.add_argument("--out", required=True, help="forecast CSV to write")
    fc.add_argument("--model-out", help="also save the fitted model (signed) here")
    fc.set_defaults(func=cmd_forecast)

    ev = sub.add_parser(
        "evaluate", help="hold out the last horizon and score every method"
    )
    _history_args(ev)
    ev.add_argument("--json", action="store_true", help="print JSON instead of a table")
    ev.set_defaults(func=cmd_evaluate)

    so = sub.add_parser(
        "stockout",
        help="stock-out dates, probabilities and order suggestions",
        epilog=KEY_HELP,
    )
    _history_args(so, optional=True)
    so.add_argument(
        "--model", help="a model saved by 'forecast --model-out' (instead of HISTORY)"
    )
    so.add_argument(
        "--stock", required=True, help="stock CSV: item, on hand, lead time, incoming"
    )
    so.add_argument(
        "--stock-item", help="item column of the stock CSV (default: --item)"
    )
    so.add_argument(
        "--on-hand", default="on_hand", help="on-hand column (default on_hand)"
    )
    so.add_argument(
        "--lead-time",
        default="lead_time",
        help="lead time column, in days (default lead_time)",
    )
    so.add_argument(
        "--incoming",
        default="incoming",
        help="optional receipts column, e.g. '2024-05-01:10;2024-06-01:5'",
    )
    so.add_argument("--service-level", type=float, default=0.95)
    so.add_argument("--review-days", type=float, default=7.0)
    so.add_argument(
        "--today", help="date of the stock figures (default: first forecast day)"
    )
    so.add_argument("--out", required=True, help="CSV to write")
    so.set_defaults(func=cmd_stockout)

    sa = sub.add_parser("sample", help="write the synthetic sample CSV files")
    sa.add_argument("--out", required=True, help="directory to write into")
    sa.set_defaults(func=cmd_sample)


def _usage(parser):
    parser.print_help()
    return 2


def _history_args(p, optional=False):
    p.add_argument(
        "history",
        nargs="?" if optional else None,
        metavar="HISTORY.csv",
        help="demand history CSV (long, or wide with --wide)",
    )
    p.add_argument(
        "--wide",
        action="store_true",
        help="one row per item, one column per period (YYYY-MM or YYYY-MM-DD)",
    )
    p.add_argument(
        "--item", default=None, help="item column (default 'item'; wide: first)"
    )
    p.add_argument("--date", default="date", help="date column (default 'date')")
    p.add_argument("--qty", default="qty", help="quantity column (default 'qty')")
    p.add_argument(
        "--freq", default=None, help="D, W or M (default D; wide: from headers)"
    )
    p.add_argument(
        "--end", default=None, help="last date of the history (default: latest)"
    )
    p.add_argument(
        "--horizon", default=None, help="periods to forecast (default 28 D, 13 W, 12 M)"
    )
    p.add_argument(
        "--quantiles",
        default=",".join(f"{q:g}" for q in DEFAULT_QUANTILES),
        help="cumulative quantiles, comma-separated (default 0.5,0.9,0.95)",
    )


def _quantiles(text):
    try:
        values = [float(x) for x in str(text).split(",") if x.strip()]
    except ValueError:
        raise CommandError(
            f"--quantiles must be numbers like 0.5,0.9 (got {text!r})"
        ) from None
    return check_quantiles(values)


def _column(table, name, what):
    if name not in table:
        raise CommandError(
            f"unknown {what} column {name!r} (columns: {', '.join(table)})"
        )
    return table[name]


def load_history(args):
    table = read_csv(args.history)
    if args.wide:
        history = history_from_wide(table, args.item)
        if args.freq and check_freq(args.freq) != history.freq:
            raise CommandError(
                f"the wide headers are {history.freq} periods, not {args.freq}"
            )
        return history
    item_col = args.item or "item"
    items = _column(table, item_col, "item")
    dates = _column(table, args.date, "date")
    qty_text = _column(table, args.qty, "quantity")
    qty = np.array([to_float(v) for v in qty_text], dtype=float)
    bad = np.flatnonzero(np.isnan(qty))
    if bad.size:
        raise CommandError(
            f"column {args.qty!r} row {bad[0] + 2}: "
            f"{qty_text[bad[0]]!r} is not a number"
        )
    freq = check_freq(args.freq or "D")
    return build_history(np.array(items, dtype=object), dates, qty, freq, end=args.end)


def _horizon(args, freq):
    default = {"D": 28, "W": 13, "M": 12}[freq]
    return check_horizon(default if args.horizon is None else args.horizon)


def _fit(args, per_method=False):
    quantiles = _quantiles(args.quantiles)
    history = load_history(args)
    horizon = _horizon(args, history.freq)
    result = evaluate(
        history,
        per_method=per_method,
        freq=history.freq,
        horizon=horizon,
        quantiles=quantiles,
    )
    return result, horizon, quantiles


def cmd_forecast(args):
    result, horizon, quantiles = _fit(args)
    model = result.model
    out = model.forecast(horizon, quantiles)
    header = ["item", "step", "date", "mean", "cum_mean"]
    header += [f"cum_q{q:g}" for q in quantiles] + ["method", "demand_class"]
    with open(args.out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        dates = out["dates"].astype(str)
        for i, item in enumerate(out["items"].tolist()):
            for h in range(horizon):
                row = [
                    item,
                    h + 1,
                    dates[i, h],
                    _num(out["step_mean"][i, h]),
                    _num(out["cum_mean"][i, h]),
                ]
                row += [_num(out["cum_quantiles"][q][i, h]) for q in quantiles]
                row += [out["method"][i], out["demand_class"][i]]
                writer.writerow(row)
    if args.model_out:
        persistence.dump(model, args.model_out, cli_key(), {"capability": "demand"})
    metric = result.metrics.get("rmsse")
    print(
        f"{model.n_items} items, {horizon} periods ({model.freq_}) -> {args.out}; "
        "backtest RMSSE of the per-item choice: "
        f"{_num(metric) if metric == metric else 'n/a'}"
    )
    return 0


def _num(value):
    return f"{float(value):.4g}"


def cmd_evaluate(args):
    quantiles = _quantiles(args.quantiles)
    history = load_history(args)
    horizon = _horizon(args, history.freq)
    report = holdout_evaluation(history, horizon, quantiles)
    if "choice" not in report:
        raise CommandError(f"no item has enough history to hold out {horizon} periods")
    if args.json:
        json.dump(report, sys.stdout, indent=2, sort_keys=True)
        print()
    else:
        print(
            f"holdout: last {horizon} periods ({report['freq']}), "
            f"{report['n_items']} items"
        )
        print(format_table(report, quantiles))
    return 0


def format_table(report, quantiles):
    """Markdown table: one row per method and one for the per-item choice."""
    cols = ["rmsse", "mase"] + [f"pinball_{q:g}" for q in quantiles]
    cols += [f"coverage_{q:g}" for q in quantiles]
    lines = ["| method | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    rows = list(report["methods"].items()) + [("per-item choice", report["choice"])]
    for name, row in rows:
        cells = [f"{row.get(c, float('nan')):.4f}" for c in cols]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def cmd_stockout(args):
    if args.model:
        try:
            model = persistence.load(args.model, cli_key(), kind=DemandModel.kind)
        except persistence.PersistenceError as exc:
            raise CommandError(f"cannot load model {args.model}: {exc}") from None
    elif args.history:
        model = _fit(args)[0].model
    else:
        raise CommandError("give a HISTORY.csv or --model")
    stock = read_csv(args.stock)
    item_col = args.stock_item or args.item or ("part" if args.wide else "item")
    if args.stock_item is None and item_col not in stock:
        item_col = next(iter(stock))
    items = _column(stock, item_col, "stock item")
    on_hand = [
        _number(v, args.on_hand) for v in _column(stock, args.on_hand, "on-hand")
    ]
    lead = [
        _number(v, args.lead_time) for v in _column(stock, args.lead_time, "lead-time")
    ]
    incoming = [parse_incoming(v) for v in stock.get(args.incoming, [""] * len(items))]
    known = set(model.items_.tolist())
    ids = [_match(item, known) for item in items]
    rows = model.stockout(
        ids, on_hand, lead, incoming, args.service_level, args.review_days, args.today
    )
    header = [
        "item",
        "stockout_date",
        "days_to_stockout",
        "stockout_probability",
        "days_of_cover",
        "reorder_point",
        "max_level",
        "inventory_position",
        "order_qty",
        "mean_daily",
        "method",
    ]
    with open(args.out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow([_cell(row[k]) for k in header])
    at_risk = sum(1 for r in rows if r["stockout_probability"] >= 0.5)
    print(
        f"{len(rows)} items, {at_risk} likely to run out within lead time -> {args.out}"
    )
    return 0


def _match(item, known):
    if item in known:
        return item
    raise CommandError(f"item {item!r} of the stock file has no demand history")


def _number(value, column):
    x = to_float(value)
    if x != x:
        raise CommandError(f"column {column!r}: {value!r} is not a number")
    return x


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def cmd_sample(args):
    from .sample import write_samples

    paths = write_samples(args.out)
    print("wrote " + ", ".join(str(p) for p in paths))
    return 0
