"""Vendor bill references: normalisation, edit distance, sequence numbers.

``normalize_reference`` makes the ways one invoice number gets typed compare equal:
case, spaces, punctuation, accents, leading zeros and the year written with four or
two digits::

    >>> normalize_reference("F-2024/0012") == normalize_reference("f2024-12")
    True
    >>> normalize_reference("FV 24/00012")
    'fv 24 12'
"""

from __future__ import annotations

import re
import unicodedata

_GROUPS = re.compile(r"[a-z]+|\d+")


def _fold(text):
    text = unicodedata.normalize("NFKD", str(text).lower())
    return "".join(char for char in text if not unicodedata.combining(char))


def normalize_reference(reference):
    """Letter and digit groups of ``reference`` joined by one space: lower case,
    accents folded, leading zeros dropped, and (when there are several numbers) a
    four-digit year 19xx/20xx written with its last two digits."""
    if reference is None:
        return ""
    groups = _GROUPS.findall(_fold(reference))
    numbers = sum(1 for group in groups if group.isdigit())
    out = []
    for group in groups:
        if group.isdigit():
            group = group.lstrip("0") or "0"
            if numbers > 1 and len(group) == 4 and group[:2] in ("19", "20"):
                group = group[2:]
        out.append(group)
    return " ".join(out)


def edit_distance(a, b, limit=None):
    """Edit distance between ``a`` and ``b`` counting an adjacent transposition as
    one edit (optimal string alignment); ``limit + 1`` as soon as it is known to
    exceed ``limit``."""
    if a == b:
        return 0
    if limit is not None and abs(len(a) - len(b)) > limit:
        return limit + 1
    if len(a) < len(b):
        a, b = b, a
    before, previous = None, list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            cost = min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (char_a != char_b),
            )
            if (
                before is not None
                and j > 1
                and char_a == b[j - 2]
                and a[i - 2] == char_b
            ):
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        if limit is not None and min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]


def number_gap(older, newer):
    """``newer - older`` when two normalised references differ in exactly one number
    (as successive invoices of a vendor do: "alq 24 1", "alq 24 2"), else None."""
    groups_a, groups_b = older.split(), newer.split()
    if len(groups_a) != len(groups_b):
        return None
    gap = None
    for x, y in zip(groups_a, groups_b, strict=True):
        if x == y:
            continue
        if gap is not None or not (x.isdigit() and y.isdigit()):
            return None
        gap = int(y) - int(x)
    return gap


def is_sequence(older, newer, between=0):
    """True when ``newer`` plausibly is another invoice of the vendor's numbering
    than ``older``: they differ in one number, by at most ``2 * between + 4`` (either
    way: bills are not always entered in order), ``between`` being how many bills of
    the vendor were entered in between."""
    gap = number_gap(older, newer)
    if gap is None:
        return _new_year(older, newer)
    return 0 < abs(gap) <= 2 * between + 4


def _new_year(older, newer):
    """The numbering restarted with the year: "rec 23 12" then "rec 24 1"."""
    groups_a, groups_b = older.split(), newer.split()
    if len(groups_a) != len(groups_b):
        return False
    changed = [(x, y) for x, y in zip(groups_a, groups_b, strict=True) if x != y]
    if len(changed) != 2 or not all(x.isdigit() and y.isdigit() for x, y in changed):
        return False
    (year_a, year_b), (seq_a, seq_b) = changed
    return len(year_a) == 2 and abs(int(year_b) - int(year_a)) == 1


def flat_reference(reference):
    """Letters and digits of ``reference`` only, lower case, accents folded."""
    return "".join(_GROUPS.findall(_fold(reference))) if reference else ""


def near_reference(a, b):
    """References (normalised or flat) within a small edit distance: 1, or 2 from 8
    characters on, compared without their spaces."""
    flat_a, flat_b = a.replace(" ", ""), b.replace(" ", "")
    if min(len(flat_a), len(flat_b)) < 4:
        return False
    limit = 1 if max(len(flat_a), len(flat_b)) < 8 else 2
    return edit_distance(flat_a, flat_b, limit) <= limit
