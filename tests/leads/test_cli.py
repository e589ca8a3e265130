"""``pyme-ai leads``: train, score and evaluate on CSV exports."""

import csv
import json

import pytest

from pyme_ai import persistence
from pyme_ai.cli import cli_key, main


@pytest.fixture(autouse=True)
def model_key(monkeypatch):
    # model files are signed with $PYME_AI_KEY (loading without one is refused)
    monkeypatch.setenv("PYME_AI_KEY", "test-shop-secret")


def test_cli_round_trip(tmp_path, capsys):
    data = tmp_path / "leads.csv"
    assert main(["leads", "sample", "--out", str(data), "--rows", "400"]) == 0
    model = tmp_path / "m.model"
    assert (
        main(
            [
                "leads",
                "train",
                str(data),
                "--target",
                "won",
                "--id",
                "lead_id",
                "--model",
                str(model),
            ]
        )
        == 0
    )
    out = tmp_path / "scores.csv"
    assert (
        main(["leads", "score", "--model", str(model), str(data), "--out", str(out)])
        == 0
    )
    with open(out, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with open(data, encoding="utf-8") as fh:
        ids = [row["lead_id"] for row in csv.DictReader(fh)]
    assert [row["id"] for row in rows] == ids
    assert set(rows[0]) == {"id", "probability", "score", "tier", "reasons"}
    capsys.readouterr()
    assert (
        main(
            [
                "leads",
                "evaluate",
                str(data),
                "--target",
                "won",
                "--id",
                "lead_id",
                "--json",
            ]
        )
        == 0
    )
    assert '"naive_bayes"' in capsys.readouterr().out


def test_cli_errors_are_one_line(tmp_path, capsys):
    data = tmp_path / "leads.csv"
    main(["leads", "sample", "--out", str(data), "--rows", "100"])
    assert main(["leads", "evaluate", str(data), "--target", "nope"]) == 2
    assert "no column named 'nope'" in capsys.readouterr().err
    bad = tmp_path / "bad.model"
    bad.write_bytes(b"garbage")
    assert main(["leads", "score", "--model", str(bad), str(data), "--out", "x"]) == 2
    assert "not a pyme_ai model artifact" in capsys.readouterr().err


def test_cli_refuses_a_model_file_of_another_kind(tmp_path, capsys):
    data = tmp_path / "leads.csv"
    main(["leads", "sample", "--out", str(data), "--rows", "50"])
    other = tmp_path / "other.model"
    persistence.dump({"faq": []}, other, cli_key(), {"kind": "website_chat"})
    assert main(["leads", "score", "--model", str(other), str(data), "--out", "x"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("pyme-ai: error: ") and err.count("\n") == 1
    assert "is a chat model (website_chat), not a lead scoring model" in err


def test_cli_insufficient_data_is_one_line(tmp_path, capsys):
    data = tmp_path / "leads.csv"
    main(["leads", "sample", "--out", str(data), "--rows", "30"])
    assert main(["leads", "evaluate", str(data), "--target", "won"]) == 2
    err = capsys.readouterr().err
    assert "not enough history to learn from" in err and err.count("\n") == 1


def test_pilot_report_agrees_with_evaluate_json(tmp_path, capsys):
    data = tmp_path / "leads.csv"
    assert main(["leads", "sample", "--out", str(data), "--rows", "900"]) == 0
    capsys.readouterr()
    args = [str(data), "--target", "won", "--id", "lead_id"]
    assert main(["leads", "evaluate", *args, "--json"]) == 0
    evaluated = json.loads(capsys.readouterr().out)["holdout"]["pyme_ai"]
    for lang, phrase in (("en", "leads it never saw"), ("es", "leads que no vio")):
        out = tmp_path / f"pilot_{lang}.html"
        assert main(["leads", "pilot", *args, "--lang", lang, "--out", str(out)]) == 0
        html = out.read_text("utf-8")
        assert phrase in html and "<svg" in html and "http" not in html.split("<svg")[0]
        found = round(evaluated["lift_20"] * 20)
        assert f"{found}\u00a0%" in html
    auc = f"{evaluated['auc']:.3f}"
    assert auc in (tmp_path / "pilot_en.html").read_text("utf-8")
    assert auc.replace(".", ",") in (tmp_path / "pilot_es.html").read_text("utf-8")


def test_pilot_on_the_bundled_sample_and_bad_calls(tmp_path, capsys):
    out = tmp_path / "informe.html"
    assert main(["leads", "pilot", "--sample", "--out", str(out)]) == 0
    assert "¿Funciona la IA con sus leads?" in out.read_text("utf-8")
    assert main(["leads", "pilot", "--out", str(out)]) == 2
    assert "--sample" in capsys.readouterr().err


def test_pilot_names_the_column_that_gives_the_outcome_away(tmp_path):
    data = tmp_path / "leads.csv"
    assert main(["leads", "sample", "--out", str(data), "--rows", "900"]) == 0
    with data.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for i, row in enumerate(rows):  # filled in once the deal closed
        row["Contrato"] = "firmado" if row["won"] == "1" or i % 50 == 0 else "no"
    leaky = tmp_path / "leaky.csv"
    with leaky.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    out = tmp_path / "informe.html"
    args = [str(leaky), "--target", "won", "--id", "lead_id", "--lang", "es"]
    assert main(["leads", "pilot", *args, "--out", str(out)]) == 0
    html = out.read_text("utf-8")
    assert "la columna Contrato ordena ella sola" in html
    assert "quitar la columna que delata el resultado" in html
