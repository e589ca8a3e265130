"""``pyme-ai payments sample`` and ``scan`` on the written files."""

import csv
import json

from pyme_ai.cli import main


def test_sample_then_scan(tmp_path, capsys):
    assert main(["payments", "sample", "--out", str(tmp_path)]) == 0
    bills = tmp_path / "payments_bills.csv"
    payments = tmp_path / "payments_payments.csv"
    with open(tmp_path / "payments_planted.csv", encoding="utf-8") as fh:
        planted = {row["id"]: row["planted"] for row in csv.DictReader(fh)}
    out = tmp_path / "flags.csv"
    code = main(
        ["payments", "scan", str(bills), "--payments", str(payments), "--out", str(out)]
    )
    assert code == 0
    assert "flagged" in capsys.readouterr().out
    with open(out, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and all(row["flagged"] == "1" for row in rows)
    flagged = {row["id"] for row in rows}
    duplicates = [i for i, kind in planted.items() if kind.startswith("duplicate")]
    assert sum(i in flagged for i in duplicates) >= 0.9 * len(duplicates)
    swaps = [i for i, kind in planted.items() if kind == "swap"]
    assert all(i in flagged for i in swaps)
    first = rows[0]
    assert json.loads(first["codes"])[0]["code"]
    assert first["reasons"]


def test_scan_reports_bad_input(tmp_path, capsys):
    path = tmp_path / "bills.csv"
    path.write_text("id,vendor\n1,A\n", encoding="utf-8")
    code = main(["payments", "scan", str(path), "--out", str(tmp_path / "x.csv")])
    assert code == 2
    assert "missing column" in capsys.readouterr().err
