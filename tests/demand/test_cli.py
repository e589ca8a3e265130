"""``pyme-ai demand``: CSV round trips and clean errors."""

import csv
import json

import pytest

from pyme_ai import cli
from pyme_ai.demand.sample import write_samples


@pytest.fixture(autouse=True)
def only_demand(monkeypatch):
    # the other capabilities are built elsewhere; test this one on its own
    monkeypatch.setattr(cli, "CAPABILITIES", ("demand",))


@pytest.fixture(autouse=True)
def model_key(monkeypatch):
    # model files are signed with $PYME_AI_KEY (loading without one is refused)
    monkeypatch.setenv("PYME_AI_KEY", "test-shop-secret")


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    return write_samples(tmp_path_factory.mktemp("samples"))


def _rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_forecast_writes_one_row_per_item_and_step(samples, tmp_path, capsys):
    history, _ = samples
    out = tmp_path / "fc.csv"
    code = cli.main(
        [
            "demand",
            "forecast",
            str(history),
            "--item",
            "product",
            "--horizon",
            "5",
            "--quantiles",
            "0.9,0.5",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    assert "24 items, 5 periods (D)" in capsys.readouterr().out
    rows = _rows(out)
    assert rows[0] == [
        "item",
        "step",
        "date",
        "mean",
        "cum_mean",
        "cum_q0.5",
        "cum_q0.9",
        "method",
        "demand_class",
    ]
    body = rows[1:]
    assert len(body) == 24 * 5
    first = body[:5]
    assert [r[1] for r in first] == ["1", "2", "3", "4", "5"]
    assert [r[2] for r in first] == [f"2025-01-0{d}" for d in range(1, 6)]
    cum = [float(r[4]) for r in first]
    assert cum == sorted(cum) and float(first[0][3]) == pytest.approx(cum[0], rel=1e-3)
    for r in body:
        assert 0 <= float(r[5]) <= float(r[6])
        assert r[8] in {"smooth", "erratic", "intermittent", "lumpy", "none"}


def test_evaluate_json(samples, capsys):
    history, _ = samples
    code = cli.main(
        [
            "demand",
            "evaluate",
            str(history),
            "--item",
            "product",
            "--horizon",
            "14",
            "--json",
        ]
    )
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["horizon"] == 14 and report["n_items"] == 24
    assert {"ma3", "ses", "croston", "sba", "tsb", "pooled"} <= set(report["methods"])
    row = report["choice"]
    assert {"rmsse", "mase", "pinball_0.9", "coverage_0.9", "coverage_0.5"} <= set(row)


def test_evaluate_table(samples, capsys):
    history, _ = samples
    assert cli.main(["demand", "evaluate", str(history), "--item", "product"]) == 0
    out = capsys.readouterr().out
    assert "| method | rmsse | mase |" in out and "| per-item choice |" in out


def test_stockout_from_history_and_from_a_saved_model(samples, tmp_path, monkeypatch):
    history, stock = samples
    model = tmp_path / "model.bin"
    fc = tmp_path / "fc.csv"
    item = ["--item", "product"]
    forecast = ["demand", "forecast", str(history), *item, "--out", str(fc)]
    assert cli.main([*forecast, "--model-out", str(model)]) == 0
    direct, saved = tmp_path / "a.csv", tmp_path / "b.csv"
    stockout = ["demand", "stockout", "--stock", str(stock)]
    assert cli.main([*stockout, str(history), *item, "--out", str(direct)]) == 0
    from_model = [*stockout, "--model", str(model), "--stock-item", "product"]
    assert cli.main([*from_model, "--out", str(saved)]) == 0
    rows = _rows(direct)
    assert rows[0][:4] == [
        "item",
        "stockout_date",
        "days_to_stockout",
        "stockout_probability",
    ]
    assert rows == _rows(saved)
    assert len(rows) == 25
    for r in rows[1:]:
        assert 0 <= float(r[3]) <= 1 and float(r[6]) >= float(r[5]) >= 0
    # a model signed with another key is refused cleanly
    monkeypatch.setenv("PYME_AI_KEY", "another-key")
    assert cli.main([*stockout, "--model", str(model), "--out", str(saved)]) == 2


def test_wide_input(tmp_path, capsys):
    months = [f"2020-{m:02d}" for m in range(1, 13)] + [
        f"2021-{m:02d}" for m in range(1, 13)
    ]
    path = tmp_path / "wide.csv"
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["part"] + months)
        for i in range(30):
            cells = [str((i + k) % 4) for k in range(24)]
            if i == 0:
                cells[-3:] = ["", "", ""]  # no data after 2021-09
            w.writerow([f"p{i}"] + cells)
    out = tmp_path / "fc.csv"
    assert (
        cli.main(
            [
                "demand",
                "forecast",
                str(path),
                "--wide",
                "--horizon",
                "3",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    rows = _rows(out)
    dates = {r[0]: r[2] for r in rows[1:] if r[1] == "1"}
    assert dates["p0"] == "2021-10-01" and dates["p1"] == "2022-01-01"
    assert (
        cli.main(
            ["demand", "evaluate", str(path), "--wide", "--horizon", "3", "--json"]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out.split("\n", 1)[1])["freq"] == "M"


def test_sample_command(tmp_path):
    assert cli.main(["demand", "sample", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "demand_sample.csv").stat().st_size > 1000
    assert _rows(tmp_path / "demand_stock_sample.csv")[0] == [
        "product",
        "on_hand",
        "lead_time",
        "incoming",
    ]


@pytest.mark.parametrize(
    "extra,message",
    [
        (["--item", "nope"], "unknown item column 'nope'"),
        (
            ["--item", "product", "--horizon", "-3"],
            "horizon must be a positive whole number",
        ),
        (["--item", "product", "--quantiles", "0.5,1.5"], "strictly between 0 and 1"),
        (["--item", "product", "--freq", "Q"], "unknown frequency"),
    ],
)
def test_bad_input_gives_one_clean_line(samples, tmp_path, capsys, extra, message):
    history, _ = samples
    code = cli.main(
        ["demand", "forecast", str(history), "--out", str(tmp_path / "x.csv")] + extra
    )
    assert code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert err.count("\n") == 1


def test_stockout_refuses_a_saved_model_of_another_kind(samples, tmp_path, capsys):
    from pyme_ai import persistence
    from pyme_ai.demand import DemandModel

    other = DemandModel.constant(["a"], 1.0)
    other.kind = "lead_scoring"  # the header says another capability
    path = tmp_path / "other.bin"
    persistence.dump(other, path, cli.cli_key())
    __, stock = samples
    code = cli.main(
        [
            "demand",
            "stockout",
            "--model",
            str(path),
            "--stock",
            str(stock),
            "--out",
            str(tmp_path / "x.csv"),
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "not a demand forecast model (demand_forecast)" in err
