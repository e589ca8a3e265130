"""Malformed input through the real console command: one clear line, exit status 2.

Every case runs ``python -m pyme_ai ...`` in a subprocess (the entry point users run)
on crafted files and asserts the exit status, a specific fragment of the message on
stderr and that no traceback is printed. Cases with exit status 0 are the documented
warnings (returns clipped to zero demand, rows left out): the command goes on and says
so on stderr.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from pyme_ai import persistence
from pyme_ai.cli import DEV_KEY

SAMPLES = resources.files("pyme_ai") / "samples"
FAQ = str(SAMPLES / "chat_faq_sample.jsonl")
QUERIES = str(SAMPLES / "chat_queries_sample.jsonl")
DEMAND = str(SAMPLES / "demand_sample.csv")
STOCK = str(SAMPLES / "demand_stock_sample.csv")
KEY = "test-shop-secret"


def pyme_ai(*args, key=KEY, cwd=None):
    """Run the console command; ``key=None`` runs it without $PYME_AI_KEY."""
    env = {k: v for k, v in os.environ.items() if k != "PYME_AI_KEY"}
    if key is not None:
        env["PYME_AI_KEY"] = key
    env["PYTHONWARNINGS"] = "ignore"
    return subprocess.run(
        [sys.executable, "-m", "pyme_ai", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
        cwd=cwd,
    )


# ------------------------------------------------------------------ crafted files
def _write_rows(path, header, rows, encoding="utf-8"):
    with open(path, "w", newline="", encoding=encoding) as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("bad")
    leads = d / "leads.csv"
    assert pyme_ai("leads", "sample", "--out", leads, "--rows", "300").returncode == 0
    with open(leads, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    won = header.index("won")
    _write_rows(d / "one_class.csv", header, [r[:won] + ["0"] for r in body])
    labels = ["Won", "Lost", "Pending"]
    _write_rows(
        d / "three_labels.csv",
        header,
        [r[:won] + [labels[i % 3]] for i, r in enumerate(body)],
    )
    _write_rows(d / "dup_ids.csv", header, [["L1"] + r[1:] for r in body[:5]] + body)
    _write_rows(d / "header_only.csv", header, [])
    _write_rows(d / "only_target.csv", ["won"], [[str(i % 2)] for i in range(100)])
    (d / "empty.csv").write_bytes(b"")
    (d / "nul.csv").write_bytes(b"a,won\n1\x00,1\n")
    (d / "unclosed.csv").write_text('a,won\n"abc,1\n2,0\n', encoding="utf-8")
    (d / "repeated.csv").write_text("a,a,won\n1,2,1\n", encoding="utf-8")
    (d / "ragged.csv").write_text("a,b,won\n1,2,1,4,5\n", encoding="utf-8")
    spanish = [r[:2] + ["España"] + r[3:] for r in body]
    _write_rows(d / "latin1.csv", header, spanish, encoding="latin-1")
    _write_rows(d / "utf16.csv", header, spanish, encoding="utf-16")

    def demand(name, lines, header="item,date,qty"):
        (d / name).write_text(header + "\n" + "".join(lines), encoding="utf-8")

    days = [f"2024-01-{k:02d}" for k in range(1, 29)]
    demand(
        "all_negative.csv", [f"A{i},{day},-{i + 1}\n" for i in range(3) for day in days]
    )
    with open(DEMAND, newline="", encoding="utf-8") as fh:
        sample = list(csv.reader(fh))
    _write_rows(
        d / "one_negative.csv",
        sample[0],
        [[p, t, f"-{q}" if p == "P00003" else q] for p, t, q in sample[1:]],
    )
    demand("one_observation.csv", ["X,2024-03-01,5\n"])
    far = [f"I{i},2024-01-{i % 28 + 1:02d},3\n" for i in range(300)]
    demand("far_future.csv", far + ["I0,9999-12-31,1\n"])
    demand("far_past.csv", [f"A,{day},2\n" for day in days] + ["B,0001-01-01,1\n"])
    demand("long_span.csv", [f"A,{day},2\n" for day in days] + ["B,1950-06-01,1\n"])
    demand("all_zero.csv", [f"A,{day},0\n" for day in days])
    demand("blank_item.csv", [f",{day},1\n" for day in days])
    demand("bad_qty.csv", ["A,2024-01-01,abc\n"])
    demand("bad_date.csv", ["A,2024-13-45,1\n"])
    demand("header_only_demand.csv", [])
    demand("wide_text.csv", ["A,x,2\n"], header="part,2020-01,2020-02")
    demand("wide_far.csv", ["A,1,2\n"], header="part,9999-11,9999-12")
    stock = "product,on_hand,lead_time,incoming\n"
    (d / "stock_dup.csv").write_text(stock + "P00000,5,3,\nP00000,6,3,\n")
    (d / "stock_lead.csv").write_text(stock + "P00000,5,1e9,\n")
    (d / "stock_receipt.csv").write_text(stock + "P00000,5,3,9999-12-31:5\n")
    (d / "stock_unknown.csv").write_text(stock + "ZZZ,5,3,\n")

    (d / "faq_utf16.jsonl").write_bytes(Path(FAQ).read_text("utf-8").encode("utf-16"))
    (d / "faq_latin1.jsonl").write_bytes(
        Path(FAQ).read_text("utf-8").encode("latin-1", "replace")
    )
    (d / "deep.jsonl").write_text("[" * 100_000 + "\n", encoding="utf-8")
    (d / "not_object.jsonl").write_text('"just a string"\n', encoding="utf-8")
    (d / "empty.jsonl").write_bytes(b"")

    models = d / "models"
    models.mkdir()
    assert (
        pyme_ai("chat", "train", FAQ, "--model", models / "chat.model").returncode == 0
    )
    train_leads = ("leads", "train", leads, "--target", "won", "--id", "lead_id")
    assert pyme_ai(*train_leads, "--model", models / "leads.model").returncode == 0
    assert (
        pyme_ai(
            "demand",
            "forecast",
            DEMAND,
            "--item",
            "product",
            "--out",
            d / "fc.csv",
            "--model-out",
            models / "demand.model",
        ).returncode
        == 0
    )
    dev = pyme_ai(*train_leads, "--model", models / "dev.model", key=None)
    assert dev.returncode == 0
    return d


L, D = "{d}/leads.csv", "{d}/models"
OUT = "{d}/out.csv"

#: (case, argv with {d} = the crafted files' folder, exit status, stderr fragment)
CASES = [
    # ---- the table
    (
        "min-per-class 0 on a one-class file",
        "leads train {d}/one_class.csv --target won --min-per-class 0 --model {d}/m",
        2,
        "argument --min-per-class: must be between 2 and",
    ),
    (
        "one-class file",
        "leads train {d}/one_class.csv --target won --model {d}/m",
        2,
        "0 won and 300 lost examples",
    ),
    ("binary file", "leads train /bin/ls --target won --model {d}/m", 2, "NUL bytes"),
    (
        "--positive never occurs",
        "leads train {d}/three_labels.csv --target won --positive Ganado --model {d}/m",
        2,
        "never holds --positive 'Ganado'; values found: 'Won' (100), 'Lost' (100),"
        " 'Pending' (100)",
    ),
    (
        "--positive with other labels present",
        "leads train {d}/three_labels.csv --target won --positive Won --model {d}/m",
        2,
        "has 3 different values: 'Won' (100), 'Lost' (100), 'Pending' (100); with"
        " --positive 'Won', say which of the others mean lost with --negative",
    ),
    (
        "labels neither won nor lost",
        "leads train {d}/three_labels.csv --target won --model {d}/m",
        2,
        "neither won (1/yes/won/...) nor lost (0/no/lost/...): 'Pending' (100)",
    ),
    (
        "--negative names the lost label, the others are left out",
        "leads train {d}/three_labels.csv --target won --positive Won --negative Lost"
        " --model {d}/m",
        0,
        "100 rows whose outcome is neither won nor lost are left out: 'Pending' (100)",
    ),
    (
        "leads score given a chat model",
        f"leads score --model {D}/chat.model {L} --out {OUT}",
        2,
        "chat.model is a chat model (website_chat), not a lead scoring model"
        " (lead_scoring); make one with `pyme-ai leads train`",
    ),
    (
        "demand forecast, all quantities negative",
        "demand forecast {d}/all_negative.csv --out " + OUT,
        2,
        "no item has any positive demand",
    ),
    (
        "demand forecast, one negative item (warned, forecast written)",
        "demand forecast {d}/one_negative.csv --item product --out " + OUT,
        0,
        "pyme-ai: warning: returns exceed sales (negative totals) in periods of 1"
        " item(s), counted as zero demand there: 'P00003' (",
    ),
    (
        "demand forecast, one item with one observation",
        "demand forecast {d}/one_observation.csv --out " + OUT,
        2,
        "the history covers a single D period (2024-03-01): at least 2 periods",
    ),
    (
        "--freq D with one date 9999-12-31 among 300 items",
        "demand forecast {d}/far_future.csv --freq D --out " + OUT,
        2,
        "a sale date 9999-12-31 (line 302, item 'I0') is outside the years 1900-2200",
    ),
    # ---- encodings and file shapes
    ("empty file", "leads train {d}/empty.csv --target won --model {d}/m", 2, "empty"),
    (
        "header only",
        "leads train {d}/header_only.csv --target won --model {d}/m",
        2,
        "0 won and 0 lost examples",
    ),
    (
        "header only, scoring",
        f"leads score --model {D}/leads.model {{d}}/header_only.csv --out {OUT}",
        2,
        "no leads to score",
    ),
    (
        "NUL bytes",
        "leads train {d}/nul.csv --target won --model {d}/m",
        2,
        "not a text file (it contains NUL bytes",
    ),
    (
        "unclosed quote",
        "leads train {d}/unclosed.csv --target won --model {d}/m",
        2,
        "line 2: a quoted field is never closed",
    ),
    (
        "repeated column",
        "leads train {d}/repeated.csv --target won --model {d}/m",
        2,
        "the CSV header repeats a column name: 'a'",
    ),
    (
        "ragged row",
        "leads train {d}/ragged.csv --target won --model {d}/m",
        2,
        "line 2 has 5 fields, header has 3",
    ),
    (
        "missing column",
        "leads train " + L + " --target nope --model {d}/m",
        2,
        "no column named 'nope' (columns: lead_id, source,",
    ),
    (
        "only the target column",
        "leads train {d}/only_target.csv --target won --model {d}/m",
        2,
        "no columns left to learn from besides the outcome",
    ),
    (
        "target also dropped",
        "leads train " + L + " --target won --drop won --model {d}/m",
        2,
        "--target 'won' is also given as --id or --drop",
    ),
    (
        "duplicated ids",
        "leads train {d}/dup_ids.csv --target won --id lead_id --model {d}/m",
        2,
        "the id column 'lead_id' repeats 1 id(s): 'L1' (5)",
    ),
    (
        "duplicated ids, scoring",
        f"leads score --model {D}/leads.model {{d}}/dup_ids.csv --out {OUT}",
        2,
        "repeats 1 id(s): 'L1' (5)",
    ),
    (
        "scoring file without the model's id column",
        f"leads score --model {D}/leads.model {{d}}/only_target.csv --out {OUT}",
        2,
        "no column 'lead_id' (the id column the model was trained with)",
    ),
    (
        "latin-1 file is read",
        "leads train {d}/latin1.csv --target won --model {d}/m",
        0,
        "",
    ),
    (
        "UTF-16 file is read",
        "leads train {d}/utf16.csv --target won --model {d}/m",
        0,
        "",
    ),
    (
        "unreadable path",
        "leads train {d}/nope.csv --target won --model {d}/m",
        2,
        "nope.csv: No such file or directory",
    ),
    (
        "a directory as input",
        "leads train {d} --target won --model {d}/m",
        2,
        "Is a directory",
    ),
    (
        "output directory missing",
        "leads train " + L + " --target won --model {d}/no/such/dir/m",
        2,
        "the directory {d}/no/such/dir does not exist",
    ),
    (
        "output is a directory",
        f"leads score --model {D}/leads.model {L} --out {{d}}",
        2,
        "is a directory; give a file name to write",
    ),
    (
        "negative seed",
        "leads train " + L + " --target won --seed -1 --model {d}/m",
        2,
        "argument --seed: must be between 0 and 4294967295, got -1",
    ),
    (
        "sample rows -1",
        "leads sample --out {d}/s.csv --rows -1",
        2,
        "argument --rows: must be between 1 and 1000000, got -1",
    ),
    # ---- model files
    (
        "leads score given a demand model",
        f"leads score --model {D}/demand.model {L} --out {OUT}",
        2,
        "is a demand forecast model (demand_forecast), not a lead scoring model",
    ),
    (
        "chat answer given a lead model",
        f"chat answer --model {D}/leads.model {QUERIES} --out {OUT}",
        2,
        "is a lead scoring model (lead_scoring), not a chat model (website_chat)",
    ),
    (
        "demand stockout given a chat model",
        f"demand stockout --model {D}/chat.model --stock {STOCK} --out {OUT}",
        2,
        "is a chat model (website_chat), not a demand forecast model",
    ),
    (
        "a binary file as model",
        f"leads score --model /bin/ls {L} --out {OUT}",
        2,
        "not a pyme_ai model artifact (bad magic)",
    ),
    # ---- demand
    (
        "a date far in the past",
        "demand forecast {d}/far_past.csv --out " + OUT,
        2,
        "a sale date 0001-01-01 (line 30, item 'B') is outside the years",
    ),
    (
        "dates spanning over 50 years",
        "demand forecast {d}/long_span.csv --out " + OUT,
        2,
        "the dates span 1950-06-01 to 2024-01-28, more than 50 years: item 'B'",
    ),
    (
        "all quantities zero",
        "demand forecast {d}/all_zero.csv --out " + OUT,
        2,
        "no item has any positive demand",
    ),
    (
        "blank item",
        "demand forecast {d}/blank_item.csv --out " + OUT,
        2,
        "line 2: the item column 'item' is blank (28 rows without an item)",
    ),
    (
        "quantity not a number",
        "demand forecast {d}/bad_qty.csv --out " + OUT,
        2,
        "column 'qty' row 2: 'abc' is not a number",
    ),
    (
        "unreadable date",
        "demand forecast {d}/bad_date.csv --out " + OUT,
        2,
        "unreadable date '2024-13-45'",
    ),
    (
        "demand header only",
        "demand forecast {d}/header_only_demand.csv --out " + OUT,
        2,
        "the demand history is empty",
    ),
    (
        "wide cell not a number",
        "demand forecast {d}/wide_text.csv --wide --out " + OUT,
        2,
        "line 2, column '2020-01': 'x' is not a number",
    ),
    (
        "wide header far in the future",
        "demand forecast {d}/wide_far.csv --wide --out " + OUT,
        2,
        "a column date 9999-11-01 is outside the years 1900-2200",
    ),
    (
        "absurd horizon",
        f"demand forecast {DEMAND} --item product --horizon 1000000000 --out {OUT}",
        2,
        "--horizon 1000000000 is too long: at most 1830 D periods (5 years)",
    ),
    (
        "negative horizon",
        f"demand forecast {DEMAND} --item product --horizon -3 --out {OUT}",
        2,
        "horizon must be a positive whole number",
    ),
    (
        "--end placeholder",
        f"demand forecast {DEMAND} --item product --end 9999-12-31 --out {OUT}",
        2,
        "the --end date 9999-12-31 is outside the years 1900-2200",
    ),
    (
        "--end years after the last sale",
        f"demand forecast {DEMAND} --item product --end 2030-01-01 --out {OUT}",
        2,
        "--end 2030-01-01 is 1,827 days after the last sale (2024-12-31)",
    ),
    (
        "monthly history too short for a backtest (no crash)",
        f"demand forecast {DEMAND} --item product --freq M --horizon 12 --out {OUT}",
        0,
        "",
    ),
    (
        "forecast output directory missing",
        f"demand forecast {DEMAND} --item product --out {{d}}/nodir/fc.csv",
        2,
        "nodir does not exist",
    ),
    (
        "stock file repeats an item",
        f"demand stockout {DEMAND} --item product --stock {{d}}/stock_dup.csv"
        f" --out {OUT}",
        2,
        "item 'P00000' appears twice (rows 2 and 3)",
    ),
    (
        "absurd lead time",
        f"demand stockout {DEMAND} --item product --stock {{d}}/stock_lead.csv"
        f" --out {OUT}",
        2,
        "has a lead time of 1e+09 days; lead time plus review period must be"
        " between 0 and 730 days",
    ),
    (
        "receipt on a placeholder date",
        f"demand stockout {DEMAND} --item product --stock {{d}}/stock_receipt.csv"
        f" --out {OUT}",
        2,
        "has a receipt dated 9999-12-31, over 10 years from the first forecast day",
    ),
    (
        "stock item without history",
        f"demand stockout {DEMAND} --item product --stock {{d}}/stock_unknown.csv"
        f" --out {OUT}",
        2,
        "item 'ZZZ' of the stock file has no demand history",
    ),
    (
        "--today far in the future",
        f"demand stockout {DEMAND} --item product --stock {STOCK} --today 9999-12-31"
        f" --out {OUT}",
        2,
        "--today 9999-12-31 is 2,912,807 days from the first forecast day",
    ),
    (
        "service level out of range",
        f"demand stockout {DEMAND} --item product --stock {STOCK}"
        f" --service-level 1.5 --out {OUT}",
        2,
        "argument --service-level: must be a number in (0, 1), got '1.5'",
    ),
    # ---- chat
    (
        "UTF-16 JSONL",
        "chat train {d}/faq_utf16.jsonl --model {d}/m",
        2,
        "not UTF-8 text (it looks like UTF-16)",
    ),
    (
        "Latin-1 JSONL",
        "chat train {d}/faq_latin1.jsonl --model {d}/m",
        2,
        "not UTF-8 text, byte",
    ),
    ("binary JSONL", "chat train /bin/ls --model {d}/m", 2, "(a binary file?)"),
    (
        "deeply nested JSON",
        f"chat answer --model {D}/chat.model {{d}}/deep.jsonl --out {OUT}",
        2,
        "invalid JSON (nested too deeply)",
    ),
    (
        "JSONL line not an object",
        f"chat answer --model {D}/chat.model {{d}}/not_object.jsonl --out {OUT}",
        2,
        "line 1: expected a JSON object",
    ),
    (
        "empty queries",
        f"chat answer --model {D}/chat.model {{d}}/empty.jsonl --out {OUT}",
        2,
        "no queries (the file has no lines)",
    ),
    (
        "threshold out of range",
        f"chat answer --model {D}/chat.model {QUERIES} --out {OUT} --threshold 5",
        2,
        "argument --threshold: must be a number in [0, 1], got '5'",
    ),
    (
        "chat model output directory missing",
        f"chat train {FAQ} --model {{d}}/nodir/m",
        2,
        "nodir does not exist",
    ),
]


@pytest.mark.parametrize(
    ("argv", "status", "fragment"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_malformed_input(files, argv, status, fragment):
    result = pyme_ai(*argv.format(d=files).split())
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == status, result.stderr
    assert fragment.format(d=files) in result.stderr
    if status == 2:
        assert (
            result.stderr.strip()
            .splitlines()[-1]
            .startswith(("pyme-ai: error: ", "pyme-ai "))
        )


# ------------------------------------------------------------------ model-file keys
def test_loading_without_a_key_is_refused_unless_insecure_dev_key(files):
    argv = ["leads", "score", "--model", files / "models" / "dev.model"]
    argv += [files / "leads.csv", "--out", files / "scores.csv"]
    refused = pyme_ai(*argv, key=None)
    assert refused.returncode == 2
    assert "no key to verify model files with: set PYME_AI_KEY" in refused.stderr
    assert "--insecure-dev-key" in refused.stderr
    assert "Traceback" not in refused.stderr
    allowed = pyme_ai(*argv, "--insecure-dev-key", key=None)
    assert allowed.returncode == 0, allowed.stderr
    assert "scored 300 leads" in allowed.stdout
    # a file signed with the development key does not verify with a real key
    other = pyme_ai(*argv, key=KEY)
    assert other.returncode == 2 and "signature does not verify" in other.stderr


@pytest.mark.parametrize(
    "argv",
    [
        "chat answer --model {d}/models/chat.model " + QUERIES + " --out {d}/a.jsonl",
        "chat evaluate --model {d}/models/chat.model --test " + QUERIES,
        "demand stockout --model {d}/models/demand.model --stock "
        + STOCK
        + " --stock-item product --out {d}/so.csv",
    ],
    ids=["chat answer", "chat evaluate", "demand stockout"],
)
def test_every_loading_command_needs_a_key(files, argv):
    result = pyme_ai(*argv.format(d=files).split(), key=None)
    assert result.returncode == 2
    assert "set PYME_AI_KEY" in result.stderr and "Traceback" not in result.stderr
    assert pyme_ai(*argv.format(d=files).split(), key=KEY).returncode == 0


def test_training_without_a_key_warns_the_file_is_not_for_sharing(files, tmp_path):
    model = tmp_path / "m.model"
    result = pyme_ai("chat", "train", FAQ, "--model", model, key=None)
    assert result.returncode == 0
    assert "pyme-ai: warning: $PYME_AI_KEY is not set" in result.stderr
    assert "insecure development key" in result.stderr
    assert "not fit for sharing" in result.stderr
    # signed with the development key, not unsigned
    assert persistence.load(model, DEV_KEY, kind="website_chat").kind == "website_chat"
    quiet = pyme_ai("chat", "train", FAQ, "--model", model, key=KEY)
    assert quiet.returncode == 0 and "warning" not in quiet.stderr


def test_header_kind_is_checked_before_the_signature(files):
    # a chat model signed with another key is named as a chat model, not a bad
    # signature, and nothing is unpickled to find out
    result = pyme_ai(
        "leads",
        "score",
        "--model",
        files / "models" / "chat.model",
        files / "leads.csv",
        "--out",
        files / "s.csv",
        key="another-key",
    )
    assert result.returncode == 2
    assert "is a chat model (website_chat)" in result.stderr


# ------------------------------------------------------------------ engine bounds
def test_history_dates_and_size_are_bounded_before_allocation():
    import numpy as np

    from pyme_ai.demand.checks import DemandDataError
    from pyme_ai.demand.series import build_history

    items = np.array([f"I{i}" for i in range(300)] + ["I0"], dtype=object)
    dates = [f"2024-01-{i % 28 + 1:02d}" for i in range(300)] + ["9999-12-31"]
    qty = np.ones(len(items))
    with pytest.raises(DemandDataError, match="more than 50 years: item 'I0'"):
        build_history(items, dates, qty, "D")
    with pytest.raises(DemandDataError, match="the end date 9999-12-31 is far after"):
        build_history(items[:-1], dates[:-1], qty[:-1], "D", end="9999-12-31")
    with pytest.raises(DemandDataError, match=r"300 items x 28 D periods = 8,400"):
        build_history(items[:-1], dates[:-1], qty[:-1], "D", max_cells=1000)
    history = build_history(items[:-1], dates[:-1], qty[:-1], "D")
    assert history.values.shape == (300, 28)
