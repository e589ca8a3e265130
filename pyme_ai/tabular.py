"""Tabular preparation of records, shared by every capability.

A *table* is a mapping ``column name -> sequence of values`` (CSV exports give
strings; the Odoo adapters give Python values). :class:`TabularPrep` learns, per column,
its kind and what it needs, then turns any table with those columns into clean arrays
and a numeric matrix:

- placeholders such as ``"Select"`` or ``"N/A"`` and blanks are missing values;
- ``Yes/No``-like columns are booleans, mostly-numeric columns numbers, mostly-date
  columns ages in days against a reference date;
- categories rarer than ``min_count`` fold into ``RARE``; identifiers, free text,
  constant and empty columns are set aside (reported in :attr:`TabularPrep.dropped`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from dataclasses import dataclass, field

import numpy as np

from .base import PymeAiError

MISSING = "__missing__"
RARE = "__rare__"
#: Values that mean "nothing was entered" (compared case-insensitively, stripped).
PLACEHOLDERS = frozenset(
    {
        "",
        "select",
        "seleccionar",
        "-",
        "--",
        "?",
        "n/a",
        "na",
        "nan",
        "none",
        "null",
        "nil",
    }
)
TRUE_WORDS = frozenset({"yes", "y", "true", "t", "si", "sí", "s", "1", "1.0"})
FALSE_WORDS = frozenset({"no", "n", "false", "f", "0", "0.0"})
DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y",
    "%Y/%m/%d",
)

KINDS = ("numeric", "boolean", "categorical", "date", "id", "text", "constant", "empty")


class TabularError(PymeAiError):
    """The table cannot be prepared (unknown column, empty table, unreadable file)."""


# --------------------------------------------------------------------------- reading
def read_csv(source, delimiter=None):
    """Read a CSV export into a table of strings, keeping column order.

    ``source`` is a path or a text file object. The delimiter (``,`` ``;`` tab or
    ``|``) is sniffed when not given. Bytes are decoded as UTF-16/UTF-32 when they
    start with that BOM, else as UTF-8 (with or without BOM), then Windows-1252, then
    Latin-1. A binary file, an unclosed quote or a field over the csv module's size
    limit is a :class:`TabularError` naming the file and the line.
    """
    where = "" if hasattr(source, "read") else f"{source}: "
    if hasattr(source, "read"):
        text = source.read()
    else:
        with open(source, "rb") as fh:
            raw = fh.read()
        text = decode_text(raw, str(source))
    if not text.strip():
        raise TabularError(f"{where}the CSV file is empty")
    if "\x00" in text:
        raise TabularError(
            f"{where}not a text CSV file (it contains NUL bytes): export it as a"
            " UTF-8 CSV"
        )
    if delimiter is None:
        first = text.split("\n", 1)[0]
        delimiter = max(",;\t|", key=first.count)
    rows = _parse_rows(text, delimiter, where)
    header = [name.strip() for name in rows[0]]
    seen = set()
    repeated = [name for name in header if name in seen or seen.add(name)]
    if repeated:
        raise TabularError(
            f"{where}the CSV header repeats a column name: "
            + ", ".join(repr(name) for name in dict.fromkeys(repeated))
        )
    body = [row for row in rows[1:] if any(cell.strip() for cell in row)]
    columns = {name: [] for name in header}
    for line_no, row in enumerate(body, start=2):
        if len(row) > len(header):
            raise TabularError(
                f"{where}line {line_no} has {len(row)} fields, header has {len(header)}"
            )
        row = row + [""] * (len(header) - len(row))
        for name, cell in zip(header, row, strict=True):
            columns[name].append(cell)
    return columns


#: Byte-order marks, longest first (UTF-32 LE starts with the UTF-16 LE one).
BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def decode_text(raw, name="the file"):
    """Text of a file's bytes: by its BOM, else UTF-8, Windows-1252, Latin-1.

    Bytes with NUL characters and no BOM (a binary file, or UTF-16 without BOM) are a
    :class:`TabularError`: no 8-bit encoding would read them right.
    """
    for bom, encoding in BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise TabularError(
                    f"{name}: starts with a {encoding.upper()} byte-order mark but"
                    f" is not valid {encoding.upper()} ({exc.reason} at byte"
                    f" {exc.start})"
                ) from None
    if b"\x00" in raw:
        raise TabularError(
            f"{name}: not a text file (it contains NUL bytes; a binary file or UTF-16"
            " without byte-order mark?): save it as UTF-8"
        )
    for encoding in ("utf-8", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _parse_rows(text, delimiter, where):
    """Rows of ``text``; strict quoting first (to catch an unclosed quote), then the
    csv module's tolerant reading of stray quotes."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    rows, line = [], 0
    try:
        for row in reader:
            rows.append(row)
            line = reader.line_num
        return rows
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise TabularError(
                f"{where}line {line + 1}: a quoted field is never closed"
            ) from None
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error as exc:
        raise TabularError(f"{where}line {reader.line_num}: {exc}") from None


def n_rows(table):
    lengths = {len(values) for values in table.values()}
    if len(lengths) > 1:
        raise TabularError("columns have different lengths")
    return lengths.pop() if lengths else 0


# -------------------------------------------------------------------- cell parsing
def is_missing(value):
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str):
        return value.strip().lower() in PLACEHOLDERS
    return False


def to_float(value):
    """A number from a cell, or nan.

    Accepts ``1,5`` as 1.5 and ``1.234,5`` as 1234.5.
    """
    if is_missing(value):
        return math.nan
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float | np.number):
        return float(value)
    text = str(value).strip().replace(" ", "")
    if "," in text:
        if "." in text and text.rfind(",") < text.rfind("."):
            text = text.replace(",", "")  # 1,234.5
        else:
            text = text.replace(".", "").replace(",", ".")  # 1.234,5 or 1,5
    try:
        return float(text)
    except ValueError:
        return math.nan


def to_bool(value):
    """1.0 / 0.0 / nan from yes-no words, booleans and 0/1."""
    if isinstance(value, bool):
        return float(value)
    if is_missing(value):
        return math.nan
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return 1.0
    if word in FALSE_WORDS:
        return 0.0
    return math.nan


def to_date(value):
    """A ``datetime.date`` from a cell, or None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if is_missing(value):
        return None
    text = str(value).strip()[:19]
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def to_category(value):
    if is_missing(value):
        return MISSING
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def map_distinct(fn, values):
    """``[fn(v) for v in values]``, computing each distinct value once."""
    values = list(values)
    try:
        cache = {v: fn(v) for v in set(values)}
    except TypeError:  # unhashable
        return [fn(v) for v in values]
    return list(map(cache.__getitem__, values))


# --------------------------------------------------------------------------- detection
def detect_kind(values, threshold=0.95, id_min_rows=50, sample=5000):
    """The kind of a column (one of :data:`KINDS`) from its values.

    Only an even sample of at most ``sample`` values is looked at.
    """
    values = list(values)
    if len(values) > sample:
        values = values[:: math.ceil(len(values) / sample)]
    present = [v for v in values if not is_missing(v)]
    if not present:
        return "empty"
    distinct = {to_category(v) for v in present}
    if len(distinct) == 1:
        return "constant"
    # every distinct value a yes/no word (any case or spelling: "Yes", "yes", "sí")
    if all(isinstance(v, bool) for v in present) or all(
        not math.isnan(to_bool(v)) for v in distinct
    ):
        return "boolean"
    numbers = [to_float(v) for v in present]
    parsed = sum(not math.isnan(x) for x in numbers)
    if parsed >= threshold * len(present):
        whole = all(math.isnan(x) or float(x).is_integer() for x in numbers)
        if whole and len(distinct) == len(present) >= id_min_rows:
            return "id"
        return "numeric"
    if sum(to_date(v) is not None for v in present) >= threshold * len(present):
        return "date"
    if len(present) >= id_min_rows and len(distinct) >= threshold * len(present):
        mean_len = sum(len(str(v)) for v in present) / len(present)
        return "text" if mean_len > 30 or " " in str(present[0]) else "id"
    return "categorical"


def _known(cat, known):
    return cat if cat in known else RARE


@dataclass
class ColumnInfo:
    name: str
    kind: str
    categories: list = field(
        default_factory=list
    )  # categorical: kept values (+ RARE/MISSING)
    median: float = 0.0  # numeric/boolean/date: fill value for the matrix
    has_missing: bool = False


class TabularPrep:
    """Learns column kinds and encodings from a training table; applies them to any
    table."""

    def __init__(
        self, min_count=10, max_categories=50, kinds=None, reference_date=None
    ):
        self.min_count = min_count
        self.max_categories = max_categories
        self.forced_kinds = dict(kinds or {})
        self.reference_date = reference_date
        self.columns: list[ColumnInfo] = []
        self.dropped: dict[str, str] = {}

    # ------------------------------------------------------------------ fitting
    def fit(self, table):
        rows = n_rows(table)
        if rows == 0:
            raise TabularError("cannot learn from an empty table")
        self.columns, self.dropped = [], {}
        dates = []
        for name, values in table.items():
            kind = self.forced_kinds.get(name) or detect_kind(values)
            if kind not in KINDS:
                raise TabularError(f"unknown kind {kind!r} for column {name!r}")
            if kind in ("id", "text", "constant", "empty"):
                self.dropped[name] = kind
                continue
            info = ColumnInfo(name, kind)
            if kind == "categorical":
                cats = map_distinct(to_category, values)
                counts = {}
                for cat in cats:
                    counts[cat] = counts.get(cat, 0) + 1
                kept = sorted(
                    (
                        c
                        for c, n in counts.items()
                        if n >= self.min_count and c != MISSING
                    ),
                    key=lambda c: (-counts[c], c),
                )[: self.max_categories]
                info.has_missing = MISSING in counts
                info.categories = (
                    kept + [RARE] + ([MISSING] if info.has_missing else [])
                )
            else:
                if kind == "date":
                    dates.extend(d for d in map_distinct(to_date, values) if d)
                arr = self.numeric_values(
                    info, values, reference=None if kind != "date" else "defer"
                )
                if kind != "date":
                    info.has_missing = bool(np.isnan(arr).any())
                    info.median = (
                        float(np.nanmedian(arr)) if (~np.isnan(arr)).any() else 0.0
                    )
            self.columns.append(info)
        if self.reference_date is None:
            self.reference_date = max(dates) if dates else dt.date.today()
        for info in self.columns:
            if info.kind == "date":
                arr = self.numeric_values(info, table[info.name], self.reference_date)
                info.has_missing = bool(np.isnan(arr).any())
                info.median = (
                    float(np.nanmedian(arr)) if (~np.isnan(arr)).any() else 0.0
                )
        return self

    # ------------------------------------------------------------------ applying
    @staticmethod
    def numeric_values(info, values, reference):
        """Floats of a numeric, boolean or date column (dates: days before
        ``reference``); nan = missing."""
        if info.kind == "boolean":
            return np.array(map_distinct(to_bool, values), dtype=float)
        if info.kind == "date":
            if reference == "defer":
                return np.zeros(len(values))
            return np.array(
                [
                    (reference - d).days if d else math.nan
                    for d in map_distinct(to_date, values)
                ],
                dtype=float,
            )
        if not any(isinstance(v, str) for v in values):
            try:  # numbers and None (as read from a database): nothing to parse
                return np.array(values, dtype=float)
            except (TypeError, ValueError):
                pass
        return np.array(map_distinct(to_float, values), dtype=float)

    def _check_fitted(self):
        if not self.columns and not self.dropped:
            raise TabularError("TabularPrep is not fitted")

    def transform(self, table, reference_date=None):
        """Clean arrays per kept column: floats (nan = missing) or category strings."""
        self._check_fitted()
        missing = [c.name for c in self.columns if c.name not in table]
        if missing:
            raise TabularError(f"missing columns: {', '.join(missing)}")
        reference = reference_date or self.reference_date
        out = {}
        for info in self.columns:
            values = table[info.name]
            if info.kind == "categorical":
                known = set(info.categories)
                cats = map_distinct(
                    lambda v, known=known: _known(to_category(v), known), values
                )
                out[info.name] = np.array(cats, dtype=object)
            else:
                out[info.name] = self.numeric_values(info, values, reference)
        return out

    def feature_names(self):
        """Names of the matrix columns, as ``column`` or ``column=value``."""
        names = []
        for info in self.columns:
            if info.kind == "categorical":
                names.extend(f"{info.name}={cat}" for cat in info.categories)
            else:
                names.append(info.name)
                if info.has_missing:
                    names.append(f"{info.name}={MISSING}")
        return names

    def feature_columns(self):
        """For each matrix column, the source column it comes from (explanations)."""
        sources = []
        for info in self.columns:
            if info.kind == "categorical":
                sources.extend([info.name] * len(info.categories))
            else:
                sources.extend([info.name] * (2 if info.has_missing else 1))
        return sources

    def to_matrix(self, table, reference_date=None):
        """Numeric matrix: one-hot categories; numbers with median fill + missing
        indicator."""
        clean = self.transform(table, reference_date)
        blocks = []
        for info in self.columns:
            values = clean[info.name]
            if info.kind == "categorical":
                index = {cat: i for i, cat in enumerate(info.categories)}
                block = np.zeros((len(values), len(index)))
                block[np.arange(len(values)), [index[v] for v in values]] = 1.0
                blocks.append(block)
            else:
                nan = np.isnan(values)
                blocks.append(np.where(nan, info.median, values)[:, None])
                if info.has_missing:
                    blocks.append(nan.astype(float)[:, None])
        if not blocks:
            raise TabularError("no usable columns")
        return np.hstack(blocks)

    def summary(self):
        """Kinds per column, for reports."""
        kept = {c.name: c.kind for c in self.columns}
        return {"kept": kept, "dropped": dict(self.dropped)}
