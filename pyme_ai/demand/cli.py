"""``pyme-ai demand``: forecast, evaluate, stockout and sample on CSV files.

Input is either long (one row per sale or move: ``--item``, ``--date``, ``--qty``
columns; periods without rows are zero demand) or, with ``--wide``, one row per item and
one column per period (``YYYY-MM`` or ``YYYY-MM-DD`` headers; blanks after an item's
last value mean "no more data"), e.g. the car-parts file::

    pyme-ai demand evaluate carparts_monthly_wide.csv --wide --horizon 12 --json

Model files (``--model-out`` / ``--model``) are signed with the key in the environment
variable ``PYME_AI_KEY``; without it ``--model-out`` signs with a public development key
(with a warning: not fit for sharing) and ``--model`` needs ``--insecure-dev-key``.

Bad input is refused with one line on stderr and exit status 2: dates spanning more
than 50 years (a 9999-12-31 placeholder), an ``--end`` over a year after the last sale,
a history of a single period, no positive demand at all, absurd horizons, lead times or
``--today`` dates, duplicated items in the stock file. Periods where returns exceed
sales (negative totals) count as zero demand: the CLI goes on and names the items
clipped on stderr.

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
from ..cli import (
    KEY_HELP,
    CommandError,
    add_command,
    add_key_argument,
    check_output,
    float_in,
    load_model,
    signing_key,
    warn,
)
from ..tabular import is_missing, read_csv, to_float
from .checks import check_horizon, check_quantiles
from .model import DEFAULT_QUANTILES, DemandModel, evaluate, holdout_evaluation
from .series import (
    PERIOD_DAYS,
    build_history,
    check_freq,
    history_from_wide,
    period_index,
    period_start,
    to_days,
)
from .stockout import KEYS as STOCKOUT_KEYS
from .stockout import parse_incoming

#: Longest forecast asked for, in days (5 years), and most rows a forecast CSV gets.
MAX_HORIZON_DAYS = 5 * 366
MAX_FORECAST_ROWS = 5_000_000
#: Largest items x periods history the CLI builds (fitting takes ~200 bytes a cell).
MAX_CELLS = 20_000_000
#: Longest lead time plus review period, in days (the stock projection's limit), and
#: how far ``--today`` and receipts may be from the first forecast day.
MAX_DAYS = 730
MAX_RECEIPT_DAYS = 10 * 366
#: An ``--end`` later than the last sale by more than this many days is refused.
MAX_END_GAP_DAYS = 366
#: Items named in a warning before "and N more".
LISTED = 5
#: Sales dates outside these years are placeholders or typos (9999-12-31, 0001-01-01).
YEARS = (1900, 2200)


def register(subparsers):
    sub = add_command(
        subparsers,
        "demand",
        "demand forecasts, backtests and stock-out estimates",
        __doc__,
    )

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
    so.add_argument(
        "--service-level",
        type=float_in(0, 1, open_low=True, open_high=True),
        default=0.95,
    )
    so.add_argument("--review-days", type=float_in(0, MAX_DAYS), default=7.0)
    so.add_argument(
        "--today", help="date of the stock figures (default: first forecast day)"
    )
    so.add_argument("--out", required=True, help="CSV to write")
    add_key_argument(so)
    so.set_defaults(func=cmd_stockout)

    sa = sub.add_parser("sample", help="write the synthetic sample CSV files")
    sa.add_argument("--out", required=True, help="directory to write into")
    sa.set_defaults(func=cmd_sample)


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
    """The demand history of ``args.history``, checked (see the module docstring)."""
    table = read_csv(args.history)
    if args.wide:
        history = history_from_wide(table, args.item)
        if args.freq and check_freq(args.freq) != history.freq:
            raise CommandError(
                f"the wide headers are {history.freq} periods, not {args.freq}"
            )
        item_col = args.item or next(iter(table))
        period_cols = [c for c in table if c != item_col]
        _check_years(to_days([c.strip()[:7] + "-01" for c in period_cols]), "a column")
        cells = np.array([[to_float(v) for v in table[c]] for c in period_cols])
        for c, row in zip(period_cols, cells, strict=True):
            values = table[c]
            blank = np.array([is_missing(v) for v in values], dtype=bool)
            bad = np.flatnonzero(np.isnan(row) & ~blank)
            if bad.size:
                raise CommandError(
                    f"{args.history}: line {bad[0] + 2}, column {c!r}:"
                    f" {values[bad[0]]!r} is not a number"
                )
        negative = (np.nan_to_num(cells) < 0).sum(axis=0)
        clipped = dict(zip(table[item_col], negative.tolist(), strict=True))
        return _checked(args, history, clipped)
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
    blank = [i for i, item in enumerate(items) if not str(item).strip()]
    if blank:
        raise CommandError(
            f"{args.history}: line {blank[0] + 2}: the item column {item_col!r} is"
            f" blank ({len(blank)} rows without an item)"
        )
    items = np.array(items, dtype=object)
    days = to_days(dates)
    if days.size and not np.isnat(days).any():
        _check_years(days, "a sale", items)
    if args.end is not None and days.size and not np.isnat(days).any():
        _check_end(args.end, days)
    history = build_history(items, days, qty, freq, end=args.end, max_cells=MAX_CELLS)
    return _checked(args, history, _negative_periods(items, days, qty, freq))


def _check_years(days, what, items=None):
    """Refuse dates outside :data:`YEARS` (placeholders such as 9999-12-31)."""
    years = days.astype("datetime64[Y]").astype(np.int64) + 1970
    for pick in (np.argmax, np.argmin):
        i = int(pick(years))
        if not YEARS[0] <= years[i] <= YEARS[1]:
            where = "" if items is None else f" (line {i + 2}, item {items[i]!r})"
            raise CommandError(
                f"{what} date {days[i]}{where} is outside the years"
                f" {YEARS[0]}-{YEARS[1]}: a placeholder or mistyped date?"
            )


def _check_end(end, days):
    end_day = to_days([end])[0]
    _check_years(np.array([end_day]), "the --end")
    latest = days.max()
    gap = int((end_day - latest).astype(np.int64))
    if gap > MAX_END_GAP_DAYS:
        raise CommandError(
            f"--end {end} is {gap:,} days after the last sale ({latest}); it must be"
            f" at most {MAX_END_GAP_DAYS} days after it"
        )


def _negative_periods(items, dates, qty, freq):
    """``{item: number of periods whose total is negative}`` (clipped to zero)."""
    neg = qty < 0
    if not neg.any():
        return {}
    suspects = np.isin(items, np.unique(items[neg]))
    periods = period_index(dates[suspects], freq)
    keys = np.array(
        [f"{item}\x00{p}" for item, p in zip(items[suspects], periods, strict=True)]
    )
    labels, inverse = np.unique(keys, return_inverse=True)
    totals = np.bincount(inverse, weights=qty[suspects])
    out = {}
    for label in labels[totals < 0]:
        item = label.split("\x00", 1)[0]
        out[item] = out.get(item, 0) + 1
    return out


def _listed(counts, unit):
    names = [f"{k!r} ({n} {unit}{'s' if n != 1 else ''})" for k, n in counts.items()]
    more = len(names) - LISTED
    return ", ".join(names[:LISTED]) + (f" and {more} more" if more > 0 else "")


def _checked(args, history, clipped):
    """Refuse a history with nothing to forecast; warn about clipped and short items."""
    clipped = {k: n for k, n in clipped.items() if n}
    sold = history.start < history.n_periods
    if not sold.any():
        raise CommandError(
            f"{args.history}: no item has any positive demand (every period total is"
            " zero or negative): nothing to forecast"
        )
    if history.lengths().max() < 2:
        last = history.dates()[0, -1]
        what = (
            f"the history covers a single {history.freq} period ({last})"
            if history.n_periods == 1
            else f"every item was first sold in the last {history.freq} period ({last})"
        )
        raise CommandError(
            f"{args.history}: {what}: at least 2 periods of history are needed for"
            " a forecast"
        )
    if clipped:
        warn(
            f"returns exceed sales (negative totals) in periods of {len(clipped)}"
            f" item(s), counted as zero demand there: {_listed(clipped, 'period')}"
        )
    short = history.items[sold & (history.lengths() < 2)]
    if short.size:
        names = ", ".join(repr(x) for x in short[:LISTED].tolist())
        more = short.size - LISTED
        warn(
            f"{short.size} item(s) first sold in the last period: their forecast"
            f" repeats that one period and is not reliable: {names}"
            + (f" and {more} more" if more > 0 else "")
        )
    return history


def _horizon(args, freq, n_items=1):
    default = {"D": 28, "W": 13, "M": 12}[freq]
    horizon = check_horizon(default if args.horizon is None else args.horizon)
    limit = int(MAX_HORIZON_DAYS / PERIOD_DAYS[freq])
    if horizon > limit:
        raise CommandError(
            f"--horizon {horizon} is too long: at most {limit} {freq} periods (5 years)"
        )
    if horizon * n_items > MAX_FORECAST_ROWS:
        raise CommandError(
            f"the forecast would have {horizon * n_items:,} rows ({n_items:,} items x"
            f" {horizon} periods), more than {MAX_FORECAST_ROWS:,}: use a shorter"
            " --horizon or a coarser --freq"
        )
    return horizon


def _fit(args, per_method=False):
    quantiles = _quantiles(args.quantiles)
    history = load_history(args)
    horizon = _horizon(args, history.freq, history.n_items)
    result = evaluate(
        history,
        per_method=per_method,
        freq=history.freq,
        horizon=horizon,
        quantiles=quantiles,
    )
    return result, horizon, quantiles


def cmd_forecast(args):
    check_output(args.out)
    check_output(args.model_out)
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
        key = signing_key(args.model_out)
        persistence.dump(model, args.model_out, key, {"capability": "demand"})
    metric = result.metrics.get("rmsse")
    known = metric is not None and metric == metric
    print(
        f"{model.n_items} items, {horizon} periods ({model.freq_}) -> {args.out}; "
        "backtest RMSSE of the per-item choice: "
        f"{_num(metric) if known else 'n/a (history too short for a backtest)'}"
    )
    return 0


def _num(value):
    return f"{float(value):.4g}"


def cmd_evaluate(args):
    quantiles = _quantiles(args.quantiles)
    history = load_history(args)
    horizon = _horizon(args, history.freq, history.n_items)
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
    check_output(args.out)
    if args.model:
        model = load_model(args.model, DemandModel.kind, args)[0]
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
    if not items:
        raise CommandError(f"{args.stock}: no items (the file has no rows)")
    known = set(model.items_.tolist())
    ids = [_match(item, known) for item in items]
    _check_stock(args, model, ids, lead, incoming)
    rows = model.stockout(
        ids, on_hand, lead, incoming, args.service_level, args.review_days, args.today
    )
    header = [key for key in STOCKOUT_KEYS if key != "today"]
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


def _check_stock(args, model, ids, lead, incoming):
    """Duplicated items, lead times, ``--today`` and receipt dates within bounds."""
    seen = {}
    for row, item in enumerate(ids, start=2):
        if item in seen:
            raise CommandError(
                f"{args.stock}: item {item!r} appears twice (rows {seen[item]} and"
                f" {row}); give one row per item"
            )
        seen[item] = row
    for item, days in zip(ids, lead, strict=True):
        if not 0 <= days <= MAX_DAYS - args.review_days:
            raise CommandError(
                f"{args.stock}: item {item!r} has a lead time of {days:g} days; lead"
                f" time plus review period must be between 0 and {MAX_DAYS} days"
            )
    start = period_start(model.first_period_.min(), model.freq_)
    if args.today is not None:
        today = to_days([args.today])[0]
        if np.isnat(today):
            raise CommandError("--today must be a date (YYYY-MM-DD)")
        gap = int((today - start).astype(np.int64))
        if abs(gap) > MAX_DAYS:
            raise CommandError(
                f"--today {args.today} is {abs(gap):,} days from the first forecast"
                f" day ({start}); it must be within {MAX_DAYS} days of it"
            )
    for item, receipts in zip(ids, incoming, strict=True):
        for when, __ in receipts:
            gap = int((to_days([when])[0] - start).astype(np.int64))
            if abs(gap) > MAX_RECEIPT_DAYS:
                raise CommandError(
                    f"{args.stock}: item {item!r} has a receipt dated {when}, over"
                    f" 10 years from the first forecast day ({start}): a placeholder"
                    " date?"
                )


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
