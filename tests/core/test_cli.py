"""The base ``pyme-ai`` command: version, help, error handling."""

import argparse
import importlib.util
import subprocess
import sys

import pytest

from pyme_ai import __version__, cli
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
