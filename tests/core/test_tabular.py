"""Tabular preparation: cell parsing, kind detection, encoding, CSV reading."""

import datetime as dt
import io
import math

import numpy as np
import pytest

from pyme_ai import tabular as tb
from pyme_ai.tabular import MISSING, RARE, TabularError, TabularPrep

REF = dt.date(2024, 3, 31)


# -------------------------------------------------------------------------------- cells
@pytest.mark.parametrize(
    "value", ["", "   ", "Select", "SELECT", " Seleccionar ", "N/A", "-", "null", None]
)
def test_placeholders_and_blanks_are_missing(value):
    assert tb.is_missing(value)
    assert math.isnan(tb.to_float(value))
    assert math.isnan(tb.to_bool(value))
    assert tb.to_date(value) is None
    assert tb.to_category(value) == MISSING


def test_real_values_are_not_missing():
    for value in ("0", 0, "Selected", "no", False, 0.0):
        assert not tb.is_missing(value)
    assert tb.is_missing(float("nan"))


@pytest.mark.parametrize(
    "text, number",
    [
        ("1,5", 1.5),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        (" 12 ", 12.0),
        ("1 234,50", 1234.5),
        ("-3,25", -3.25),
        ("7", 7.0),
        (7, 7.0),
        (True, 1.0),
        (np.int64(3), 3.0),
    ],
)
def test_to_float_accepts_comma_decimals(text, number):
    assert tb.to_float(text) == number


def test_to_float_garbage_is_nan():
    assert math.isnan(tb.to_float("abc"))
    assert math.isnan(tb.to_float("12 units"))


@pytest.mark.parametrize(
    "word, expected",
    [
        ("Yes", 1.0),
        ("no", 0.0),
        ("Sí", 1.0),
        ("si", 1.0),
        ("TRUE", 1.0),
        ("f", 0.0),
        ("1", 1.0),
        ("0.0", 0.0),
        (True, 1.0),
        (False, 0.0),
    ],
)
def test_to_bool(word, expected):
    assert tb.to_bool(word) == expected


def test_to_bool_unknown_word_is_nan():
    assert math.isnan(tb.to_bool("maybe"))
    assert math.isnan(tb.to_bool("2"))


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2024-03-01", dt.date(2024, 3, 1)),
        ("2024-03-01 10:20:30", dt.date(2024, 3, 1)),
        ("2024-03-01T10:20:30", dt.date(2024, 3, 1)),
        ("2024-03-01 10:20:30.123456", dt.date(2024, 3, 1)),
        ("01/03/2024", dt.date(2024, 3, 1)),  # day first, as in Spain
        ("2024/03/01", dt.date(2024, 3, 1)),
        (dt.datetime(2024, 3, 1, 23, 59), dt.date(2024, 3, 1)),
        (dt.date(2024, 3, 1), dt.date(2024, 3, 1)),
        ("yesterday", None),
        ("31/02/2024", None),
    ],
)
def test_to_date(value, expected):
    assert tb.to_date(value) == expected


def test_to_category_normalises_spaces_and_whole_floats():
    assert tb.to_category("  Google   Ads ") == "Google Ads"
    assert tb.to_category(3.0) == "3"
    assert tb.to_category(2.5) == "2.5"


# -------------------------------------------------------------------------------- kinds
@pytest.mark.parametrize(
    "values, kind",
    [
        (["Yes", "No", "Select", "No"], "boolean"),
        (["Yes", "no", "YES", ""], "boolean"),  # inconsistent case is still yes/no
        ([True, False, None], "boolean"),
        (["0", "1", "1"], "boolean"),
        (["1,5", "2,25", "", "3"], "numeric"),
        (["1", "2", "5", "Select"], "numeric"),
        (["2024-01-01", "01/02/2024", "N/A"], "date"),
        (["Madrid", "Sevilla", "Madrid"], "categorical"),
        ([str(i) for i in range(60)], "id"),
        ([f"REF{i:05d}" for i in range(60)], "id"),
        ([f"free text answer number {i} with spaces" for i in range(60)], "text"),
        (["a", "a", "Select", ""], "constant"),
        (["", "Select", None, "n/a"], "empty"),
    ],
)
def test_detect_kind(values, kind):
    assert tb.detect_kind(values) == kind


def test_few_distinct_integers_are_numeric_not_id():
    assert tb.detect_kind([str(i) for i in range(10)]) == "numeric"


# --------------------------------------------------------------------------------- prep
def _table(n=60):
    """Synthetic lead export: every kind of column, with placeholders."""
    rng = np.random.default_rng(11)
    sources = ["Google"] * 25 + ["Referral"] * 20 + ["Fair"] * 3 + ["Radio"] * 2
    sources += ["Select"] * (n - len(sources))
    rng.shuffle(sources)
    day0 = dt.date(2024, 1, 1)
    return {
        "Lead Number": [str(1000 + i) for i in range(n)],
        "Source": sources,
        "Do Not Email": ["Yes" if i % 3 == 0 else "No" for i in range(n)],
        "Budget": [f"{i},5" if i % 10 else "" for i in range(n)],
        "Created": [(day0 + dt.timedelta(days=i)).isoformat() for i in range(n)],
        "Country": ["Spain"] * n,
        "Notes": ["Select"] * (n // 2) + [""] * (n - n // 2),
    }


def test_fit_detects_kinds_and_drops_useless_columns():
    prep = TabularPrep(min_count=5).fit(_table())
    assert prep.summary() == {
        "kept": {
            "Source": "categorical",
            "Do Not Email": "boolean",
            "Budget": "numeric",
            "Created": "date",
        },
        "dropped": {"Lead Number": "id", "Country": "constant", "Notes": "empty"},
    }


def test_reference_date_defaults_to_latest_training_date():
    prep = TabularPrep(min_count=5).fit(_table())
    assert prep.reference_date == dt.date(2024, 2, 29)  # 2024-01-01 + 59 days


def test_transform_values():
    table = _table()
    prep = TabularPrep(min_count=5, reference_date=REF).fit(table)
    clean = prep.transform(table)
    assert set(clean) == {"Source", "Do Not Email", "Budget", "Created"}
    # booleans
    assert clean["Do Not Email"][:4].tolist() == [1.0, 0.0, 0.0, 1.0]
    # comma decimals; blank -> nan
    assert math.isnan(clean["Budget"][0]) and clean["Budget"][1] == 1.5
    assert clean["Budget"][12] == 12.5
    # dates -> age in days against the reference date: 2024-01-01 -> 2024-03-31
    assert clean["Created"][0] == (REF - dt.date(2024, 1, 1)).days == 90
    assert clean["Created"][59] == 31
    # rare sources (3 and 2 rows < min_count 5) fold into RARE, placeholders -> MISSING
    cats = dict(zip(table["Source"], clean["Source"], strict=True))
    assert cats == {
        "Google": "Google",
        "Referral": "Referral",
        "Fair": RARE,
        "Radio": RARE,
        "Select": MISSING,
    }


def test_transform_other_table_unseen_and_missing_values():
    prep = TabularPrep(min_count=5, reference_date=REF).fit(_table())
    new = {
        "Source": ["Google", "TikTok", "Select", "Fair"],
        "Do Not Email": ["No", "Yes", "", "maybe"],
        "Budget": ["2,5", "abc", "", "1.000,0"],
        "Created": ["2024-03-30", "30/03/2024", "", "2024-04-30"],
        "Extra": ["ignored"] * 4,
    }
    clean = prep.transform(new)
    assert clean["Source"].tolist() == ["Google", RARE, MISSING, RARE]
    assert clean["Do Not Email"][:2].tolist() == [0.0, 1.0]
    assert math.isnan(clean["Do Not Email"][2]) and math.isnan(clean["Do Not Email"][3])
    assert clean["Budget"][0] == 2.5 and clean["Budget"][3] == 1000.0
    assert clean["Created"][:2].tolist() == [1.0, 1.0]
    assert clean["Created"][3] == -30.0
    # another reference date shifts ages
    later = prep.transform(new, reference_date=dt.date(2024, 4, 30))
    assert later["Created"][0] == 31.0


def test_missing_at_transform_without_missing_in_training_is_rare():
    table = {"Color": ["red"] * 10 + ["blue"] * 10, "Size": [str(i) for i in range(20)]}
    prep = TabularPrep(min_count=5).fit(table)
    info = prep.columns[0]
    assert info.categories == ["blue", "red", RARE]
    assert prep.transform({"Color": ["Select", "red"], "Size": ["1", "2"]})[
        "Color"
    ].tolist() == [RARE, "red"]


def test_max_categories_keeps_the_most_frequent():
    values = ["a"] * 30 + ["b"] * 20 + ["c"] * 15 + ["d"] * 12
    prep = TabularPrep(min_count=10, max_categories=2).fit({"x": values})
    assert prep.columns[0].categories == ["a", "b", RARE]
    assert set(prep.transform({"x": ["c", "d", "a"]})["x"]) == {RARE, "a"}


def test_to_matrix_shape_names_and_encoding():
    table = _table()
    prep = TabularPrep(min_count=5, reference_date=REF).fit(table)
    names = prep.feature_names()
    assert names == [
        "Source=Google",
        "Source=Referral",
        f"Source={RARE}",
        f"Source={MISSING}",
        "Do Not Email",
        "Budget",
        f"Budget={MISSING}",
        "Created",
    ]
    assert prep.feature_columns() == [
        "Source",
        "Source",
        "Source",
        "Source",
        "Do Not Email",
        "Budget",
        "Budget",
        "Created",
    ]
    matrix = prep.to_matrix(table)
    assert matrix.shape == (60, len(names))
    assert not np.isnan(matrix).any()
    # one-hot: exactly one category per row
    assert np.array_equal(matrix[:, :4].sum(axis=1), np.ones(60))
    # missing budget: median fill + indicator
    budgets = [float(f"{i}.5") for i in range(60) if i % 10]
    assert matrix[0, 5] == pytest.approx(np.median(budgets))
    assert matrix[0, 6] == 1.0 and matrix[1, 6] == 0.0
    assert matrix[1, 5] == 1.5
    # one row of another table gives the same width
    one = {name: [values[3]] for name, values in table.items()}
    assert prep.to_matrix(one).shape == (1, len(names))
    np.testing.assert_array_equal(prep.to_matrix(one)[0], matrix[3])


def test_feature_columns_with_equal_sign_in_column_name():
    table = {"a=b": ["1", "2", "", "4"], "k": ["x"] * 2 + ["y"] * 2}
    prep = TabularPrep(min_count=1).fit(table)
    assert prep.feature_names() == ["a=b", f"a=b={MISSING}", "k=x", "k=y", f"k={RARE}"]
    assert prep.feature_columns() == ["a=b", "a=b", "k", "k", "k"]


def test_forced_kinds_and_errors():
    table = {"code": ["1", "2", "1", "3"], "n": ["1", "2", "3", "4"]}
    prep = TabularPrep(min_count=1, kinds={"code": "categorical"}).fit(table)
    assert prep.summary()["kept"]["code"] == "categorical"
    with pytest.raises(TabularError, match="unknown kind"):
        TabularPrep(kinds={"code": "money"}).fit(table)
    with pytest.raises(TabularError, match="missing columns"):
        prep.transform({"code": ["1"]})
    with pytest.raises(TabularError, match="not fitted"):
        TabularPrep().transform(table)
    with pytest.raises(TabularError, match="empty"):
        TabularPrep().fit({"a": []})
    with pytest.raises(TabularError, match="different lengths"):
        TabularPrep().fit({"a": ["1", "2"], "b": ["1"]})
    only_dropped = TabularPrep().fit({"c": ["same"] * 5})
    with pytest.raises(TabularError, match="no usable columns"):
        only_dropped.to_matrix({"c": ["same"]})


# ---------------------------------------------------------------------------------- CSV
def test_read_csv_semicolon_latin1(tmp_path):
    path = tmp_path / "export.csv"
    text = 'Año;Ciudad;Importe\n2020;Cádiz;"1.234,5"\n2021;Málaga;7\n'
    path.write_bytes(text.encode("latin-1"))
    assert tb.read_csv(path) == {
        "Año": ["2020", "2021"],
        "Ciudad": ["Cádiz", "Málaga"],
        "Importe": ["1.234,5", "7"],
    }


def test_read_csv_utf8_bom_crlf_quotes_blank_lines_and_short_rows(tmp_path):
    path = tmp_path / "export.csv"
    text = (
        '\ufeffName, City ,Notes\r\n"Pérez, Ana",León,"said ""hi"""\r\n'
        "\r\nLuis,Vigo\r\n"
    )
    path.write_bytes(text.encode("utf-8"))
    table = tb.read_csv(str(path))
    assert list(table) == ["Name", "City", "Notes"]  # BOM gone, names stripped
    assert table["Name"] == ["Pérez, Ana", "Luis"]
    assert table["City"] == ["León", "Vigo"]
    assert table["Notes"] == ['said "hi"', ""]


def test_read_csv_tab_pipe_and_explicit_delimiter():
    assert tb.read_csv(io.StringIO("a\tb\n1\t2\n")) == {"a": ["1"], "b": ["2"]}
    assert tb.read_csv(io.StringIO("a|b\n1|2\n")) == {"a": ["1"], "b": ["2"]}
    assert tb.read_csv(io.StringIO("a;b,c\n1;2,3\n"), delimiter=",") == {
        "a;b": ["1;2"],
        "c": ["3"],
    }


def test_read_csv_errors(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"  \n")
    with pytest.raises(TabularError, match="empty"):
        tb.read_csv(empty)
    with pytest.raises(TabularError, match="repeats"):
        tb.read_csv(io.StringIO("a,a\n1,2\n"))
    with pytest.raises(TabularError, match="line 3"):
        tb.read_csv(io.StringIO("a,b\n1,2\n1,2,3\n"))


def test_csv_to_matrix_end_to_end(tmp_path):
    rows = ["Origen;Visitas;Convertido;Alta"]
    for i in range(40):
        origin = ["Web", "Feria", "Select"][i % 3]
        converted = "Sí" if i % 4 == 0 else "No"
        rows.append(f"{origin};{i % 7},5;{converted};{i % 28 + 1:02d}/01/2024")
    path = tmp_path / "leads.csv"
    path.write_bytes(("\n".join(rows) + "\n").encode("latin-1"))
    table = tb.read_csv(path)
    prep = TabularPrep(min_count=5, reference_date=dt.date(2024, 2, 1)).fit(table)
    assert prep.summary()["kept"] == {
        "Origen": "categorical",
        "Visitas": "numeric",
        "Convertido": "boolean",
        "Alta": "date",
    }
    matrix = prep.to_matrix(table)
    assert matrix.shape == (40, len(prep.feature_names()))
    assert matrix[0].tolist()[-3:] == [0.5, 1.0, 31.0]


def test_numeric_values_of_numbers_and_of_text_agree():
    info = tb.ColumnInfo("x", "numeric")
    numbers = [1500, None, 2.5, True, float("nan")]
    text = ["1500", "", "2,5", "yes?", "n/a"]
    got = TabularPrep.numeric_values(info, numbers, None)
    np.testing.assert_array_equal(got, [1500.0, np.nan, 2.5, 1.0, np.nan])
    parsed = TabularPrep.numeric_values(info, text, None)
    np.testing.assert_array_equal(parsed, [1500.0, np.nan, 2.5, np.nan, np.nan])


def test_map_distinct_calls_once_per_distinct_value_and_keeps_order():
    calls = []

    def double(value):
        calls.append(value)
        return value * 2

    values = iter([3, "a", 3, 0, "a", 2.5, 3])
    assert tb.map_distinct(double, values) == [6, "aa", 6, 0, "aa", 5.0, 6]
    assert sorted(map(str, calls)) == ["0", "2.5", "3", "a"]
    # unhashable values are converted one by one
    assert tb.map_distinct(len, [[1], [1, 2], [1]]) == [1, 2, 1]
