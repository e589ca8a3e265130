"""``pyme-ai chat`` command line: round trips and clean errors."""

import json
from importlib import resources

import pytest

from pyme_ai.cli import main

SAMPLES = resources.files("pyme_ai") / "samples"
FAQ = str(SAMPLES / "chat_faq_sample.jsonl")
QUERIES = str(SAMPLES / "chat_queries_sample.jsonl")


@pytest.fixture(autouse=True)
def model_key(monkeypatch):
    # model files are signed with $PYME_AI_KEY (loading without one is refused)
    monkeypatch.setenv("PYME_AI_KEY", "test-shop-secret")


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("chat") / "faq.model"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYME_AI_KEY", "test-shop-secret")
        assert main(["chat", "train", FAQ, "--model", str(path)]) == 0
    return path


def _lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_train_prints_summary_and_json(tmp_path, capsys):
    path = tmp_path / "m.model"
    assert main(["chat", "train", FAQ, "--model", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["metrics"]["n_intents"] == 8
    assert 0 < out["metrics"]["threshold"] < 1
    assert out["report"]["default_lang"] == "es"
    assert path.stat().st_size > 0


def test_answer_round_trip(model_file, tmp_path):
    queries = tmp_path / "q.jsonl"
    queries.write_text(
        '{"text": "¿A qué hora abrís el sábado?", "intent": "ignored", "id": 7}\n'
        "\n"
        '{"text": "what is the capital of France"}\n'
        '{"text": "do you ship to Mexico?"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "a.jsonl"
    args = [
        "chat",
        "answer",
        "--model",
        str(model_file),
        str(queries),
        "--out",
        str(out),
    ]
    assert main(args) == 0
    rows = _lines(out)
    assert [r["text"] for r in rows] == [
        "¿A qué hora abrís el sábado?",
        "what is the capital of France",
        "do you ship to Mexico?",
    ]
    assert all(set(r) == {"text", "intent", "confidence", "lang"} for r in rows)
    assert [r["intent"] for r in rows] == ["opening_hours", None, "shipping"]
    assert [r["lang"] for r in rows] == ["es", "en", "en"]
    assert "¿A qué" in out.read_text(encoding="utf-8")  # UTF-8, not \\u escapes


def test_answer_to_stdout(model_file, capsys):
    assert (
        main(["chat", "answer", "--model", str(model_file), QUERIES, "--out", "-"]) == 0
    )
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert len(rows) == 46


def test_evaluate_with_model_and_with_train(model_file, capsys):
    assert (
        main(["chat", "evaluate", "--model", str(model_file), "--test", QUERIES]) == 0
    )
    table = capsys.readouterr().out
    assert "| all | 36 | 10 |" in table
    assert main(["chat", "evaluate", "--train", FAQ, "--test", QUERIES, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    overall = result["metrics"]["all"]
    assert overall["n_in_scope"] == 36 and overall["n_out_of_scope"] == 10
    assert overall["in_scope_accuracy"] >= 0.85
    assert overall["oos_recall"] >= 0.8
    assert (
        result["metrics"]["es"]["n_in_scope"] + result["metrics"]["en"]["n_in_scope"]
        == 36
    )


def test_evaluate_counts_unknown_intents_as_out_of_scope(model_file, tmp_path, capsys):
    test = tmp_path / "t.jsonl"
    test.write_text(
        '{"text": "do you rent bikes", "intent": "bike_rental"}\n'
        '{"text": "horario de hoy", "intent": "opening_hours"}\n',
        encoding="utf-8",
    )
    args = [
        "chat",
        "evaluate",
        "--model",
        str(model_file),
        "--test",
        str(test),
        "--json",
    ]
    assert main(args) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["unknown_test_intents"] == ["bike_rental"]
    assert result["metrics"]["all"]["n_out_of_scope"] == 1


def test_invalid_json_line_is_a_clean_error(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"text": "hola", "intent": "a"}\n{"text": oops}\n', encoding="utf-8"
    )
    assert main(["chat", "train", str(bad), "--model", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert "line 2" in err and "invalid JSON" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"text": "hola"}\n', "line 1: missing 'intent'"),
        ('["hola", "a"]\n', "line 1: expected a JSON object"),
        ('{"text": 5, "intent": "a"}\n', "line 1: 'text' must be a string"),
        ('{"text": "a", "intent": "x"}\n{"text": "b", "intent": "y"}\n', "at least 3"),
        ("", "no in-scope training examples"),
    ],
)
def test_bad_training_files(tmp_path, capsys, content, message):
    path = tmp_path / "faq.jsonl"
    path.write_text(content, encoding="utf-8")
    assert main(["chat", "train", str(path), "--model", str(tmp_path / "m")]) == 2
    assert message in capsys.readouterr().err


def test_answer_errors(model_file, tmp_path, capsys, monkeypatch):
    queries = tmp_path / "q.jsonl"
    queries.write_text('{"text": "hola"}\n{"intent": "x"}\n', encoding="utf-8")
    out = str(tmp_path / "a.jsonl")
    args = ["chat", "answer", "--model", str(model_file), str(queries), "--out", out]
    assert main(args) == 2
    assert "line 2: missing 'text'" in capsys.readouterr().err
    monkeypatch.setenv("PYME_AI_KEY", "another-key")
    assert (
        main(["chat", "answer", "--model", str(model_file), QUERIES, "--out", out]) == 2
    )
    assert "signature" in capsys.readouterr().err
    monkeypatch.delenv("PYME_AI_KEY")
    missing = str(tmp_path / "nope.model")
    assert main(["chat", "answer", "--model", missing, QUERIES, "--out", out]) == 2
    assert "nope.model: no such file" in capsys.readouterr().err


def test_model_signed_with_env_key(tmp_path, monkeypatch):
    monkeypatch.setenv("PYME_AI_KEY", "shop-secret")
    path = tmp_path / "m.model"
    assert main(["chat", "train", FAQ, "--model", str(path)]) == 0
    out = tmp_path / "a.jsonl"
    assert (
        main(["chat", "answer", "--model", str(path), QUERIES, "--out", str(out)]) == 0
    )
    monkeypatch.delenv("PYME_AI_KEY")
    assert (
        main(["chat", "answer", "--model", str(path), QUERIES, "--out", str(out)]) == 2
    )
