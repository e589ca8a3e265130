"""Stored record values turned into feature columns (ids, codes and numbers).

Each reader takes ``values`` (one list per field read, aligned by row) and ``when``
(the moment each row is seen at) and returns one column. Used by the Odoo adapter
on what it reads with SQL: the table is the same whatever language the users who
wrote the history speak.
"""

from __future__ import annotations

import datetime as dt

from .contact import calling_region


def days_between(start, end):
    """Days from ``start`` to ``end`` (datetimes or ISO strings), at least 0; None
    when either is missing or not a moment."""
    if not start or not end:
        return None
    start, end = (
        dt.datetime.fromisoformat(v) if isinstance(v, str) else v for v in (start, end)
    )
    if not isinstance(start, dt.datetime) or not isinstance(end, dt.datetime):
        return None
    return max((end - start).total_seconds() / 86400.0, 0.0)


def as_ref(values, when):
    """A many2one as its id code ("#12"): the same in every interface language."""
    return [f"#{value}" if value else None for value in values[0]]


def as_value(values, when):
    return [v or None for v in values[0]]


def as_amount(values, when):
    return [float(v or 0.0) for v in values[0]]


def first_set(values, when):
    """The first value set among the fields, per row."""
    out = values[0]
    for more in values[1:]:
        out = [a or b for a, b in zip(out, more, strict=True)]
    return [v or None for v in out]


def days_since(values, when):
    """Days from the field's moment to the row's."""
    try:  # datetimes, as read from a database
        return [
            max((m - v).total_seconds() / 86400, 0.0) if v else None
            for v, m in zip(values[0], when, strict=True)
        ]
    except TypeError:
        return [days_between(v, m) for v, m in zip(values[0], when, strict=True)]


def phone_region_of(values, when):
    """Calling region of the first phone number set."""
    return [calling_region(number) for number in first_set(values, when)]
