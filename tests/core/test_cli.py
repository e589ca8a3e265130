"""The base ``pyme-ai`` command: version, help, error handling."""

import argparse
import importlib.util
import subprocess
import sys

import pytest

from pyme_ai import __version__, cli, persistence
from pyme_ai.base import InsufficientDataError, PymeAiError
from pyme_ai.persistence import CorruptArtifactError


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"pyme-ai {__version__}"


def test_help_lists_every_installed_capability(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: pyme-ai")
    assert "--version" in out
    for name in cli.CAPABILITIES:
        if importlib.util.find_spec(f"pyme_ai.{name}"):
            assert name in out


def test_no_command_prints_help_and_exits_2(capsys):
    assert cli.main([]) == 2
    assert "usage: pyme-ai" in capsys.readouterr().out


def test_unknown_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["no-such-command"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def _parser_with(func):
    parser = argparse.ArgumentParser(prog="pyme-ai")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("demo").set_defaults(func=func)
    return parser


@pytest.mark.parametrize(
    "error_class",
    [
        cli.CommandError,
        PymeAiError,
        InsufficientDataError,
        CorruptArtifactError,
        OSError,
    ],
)
def test_user_errors_are_one_line_exit_2(monkeypatch, capsys, error_class):
    def fail(args):
        raise error_class("bad input")

    monkeypatch.setattr(cli, "build_parser", lambda: _parser_with(fail))
    assert cli.main(["demo"]) == 2
    captured = capsys.readouterr()
    assert captured.err == "pyme-ai: error: bad input\n"
    assert captured.out == ""


def test_a_bug_is_not_hidden_as_a_user_error(monkeypatch):
    def fail(args):
        raise KeyError("bug")

    monkeypatch.setattr(cli, "build_parser", lambda: _parser_with(fail))
    with pytest.raises(KeyError):
        cli.main(["demo"])


def test_command_error_is_a_domain_error():
    assert issubclass(cli.CommandError, PymeAiError)


def test_func_exit_code_is_returned(monkeypatch):
    monkeypatch.setattr(cli, "build_parser", lambda: _parser_with(lambda args: 3))
    assert cli.main(["demo"]) == 3
    monkeypatch.setattr(cli, "build_parser", lambda: _parser_with(lambda args: None))
    assert cli.main(["demo"]) == 0


def test_python_dash_m_entry_point():
    result = subprocess.run(
        [sys.executable, "-m", "pyme_ai", "--version"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"pyme-ai {__version__}"
    assert result.stderr == ""


# ------------------------------------------------------------------ model-file keys
def test_signing_key_warns_without_a_key(monkeypatch, capsys):
    monkeypatch.delenv(cli.KEY_ENV, raising=False)
    assert cli.signing_key("m.model") == cli.DEV_KEY
    err = capsys.readouterr().err
    assert err.startswith("pyme-ai: warning: $PYME_AI_KEY is not set: m.model")
    assert "not fit for sharing" in err
    monkeypatch.setenv(cli.KEY_ENV, "shop-secret")
    assert cli.signing_key("m.model") == "shop-secret"
    assert capsys.readouterr().err == ""


def test_loading_key_needs_a_key_or_the_explicit_flag(monkeypatch):
    monkeypatch.delenv(cli.KEY_ENV, raising=False)
    with pytest.raises(cli.CommandError, match="set PYME_AI_KEY .*--insecure-dev-key"):
        cli.loading_key(argparse.Namespace(insecure_dev_key=False))
    assert cli.loading_key(argparse.Namespace(insecure_dev_key=True)) == cli.DEV_KEY
    monkeypatch.setenv(cli.KEY_ENV, "shop-secret")
    assert cli.loading_key(argparse.Namespace(insecure_dev_key=True)) == "shop-secret"


def test_load_model_checks_the_header_kind_first(tmp_path, monkeypatch):
    from pyme_ai.demand import DemandModel

    monkeypatch.setenv(cli.KEY_ENV, "shop-secret")
    path = tmp_path / "d.model"
    persistence.dump(DemandModel.constant(["a"], 1.0), path, "another-key")
    args = argparse.Namespace(insecure_dev_key=False)
    # another kind: named, whatever the key
    with pytest.raises(cli.CommandError, match="is a demand forecast model"):
        cli.load_model(str(path), "lead_scoring", args)
    # right kind, wrong key
    with pytest.raises(cli.CommandError, match="signature does not verify"):
        cli.load_model(str(path), "demand_forecast", args)
    persistence.dump(DemandModel.constant(["a"], 1.0), path, "shop-secret")
    model, header = cli.load_model(str(path), "demand_forecast", args)
    assert model.kind == header["kind"] == "demand_forecast"


def test_check_output_refuses_before_any_work(tmp_path):
    cli.check_output(str(tmp_path / "ok.csv"))
    cli.check_output("-")
    with pytest.raises(cli.CommandError, match="does not exist"):
        cli.check_output(str(tmp_path / "nope" / "x.csv"))
    with pytest.raises(cli.CommandError, match="is a directory"):
        cli.check_output(str(tmp_path))


def test_bounded_argument_types():
    assert cli.int_in(1, 5)("3") == 3
    for text in ("0", "6", "x", "1.5"):
        with pytest.raises(argparse.ArgumentTypeError):
            cli.int_in(1, 5)(text)
    unit = cli.float_in(0, 1, open_low=True, open_high=True)
    assert unit("0.5") == 0.5
    for text in ("0", "1", "nan", "inf", "x"):
        with pytest.raises(argparse.ArgumentTypeError):
            unit(text)


def test_os_errors_name_the_file(monkeypatch, capsys):
    def fail(args):
        raise FileNotFoundError(2, "No such file or directory", "data.csv")

    monkeypatch.setattr(cli, "build_parser", lambda: _parser_with(fail))
    assert cli.main(["demo"]) == 2
    assert capsys.readouterr().err == (
        "pyme-ai: error: data.csv: No such file or directory\n"
    )
