import datetime as dt

from pyme_ai.leads import columns

NOW = dt.datetime(2026, 12, 1, 12, 0)


def test_ids_and_codes_are_language_free_values():
    assert columns.as_ref([[12, None, 0]], None) == ["#12", None, None]
    assert columns.as_value([["opportunity", "", None]], None) == [
        "opportunity",
        None,
        None,
    ]
    assert columns.as_amount([[1500, None, 2.5]], None) == [1500.0, 0.0, 2.5]


def test_days_since_reads_datetimes_and_iso_strings_alike():
    starts = [NOW - dt.timedelta(days=3, hours=12), None, NOW + dt.timedelta(days=1)]
    fast = columns.days_since([starts], [NOW] * 3)
    assert fast == [3.5, None, 0.0]  # never negative
    as_text = [s.isoformat(sep=" ") if s else None for s in starts]
    assert columns.days_since([as_text], [NOW] * 3) == fast
    assert columns.days_between(dt.date(2026, 11, 1), NOW) is None


def test_phone_region_of_the_first_number_set():
    phones = ["+34 612 345 678", None, "612 345 678"]
    mobiles = ["+33 6 12 34 56 78", "+52 55 1234 5678", None]
    assert columns.first_set([phones, mobiles], None) == [
        "+34 612 345 678",
        "+52 55 1234 5678",
        "612 345 678",
    ]
    assert columns.phone_region_of([phones, mobiles], None) == ["ES", "MX", None]
