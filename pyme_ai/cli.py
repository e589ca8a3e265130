"""``pyme-ai`` command line: one subcommand per capability.

Each capability package exposes ``cli.register(subparsers)``, which adds its
subcommand and sets ``func`` on the parsed arguments; ``func(args)`` returns the exit
code. Any :class:`~pyme_ai.base.PymeAiError` (bad input, too little data, an unusable
model file) or OS error (a file that cannot be read or written) is reported here, in one
place, as one line on stderr with exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys

from . import __version__
from .base import PymeAiError

#: Model files written by the CLI are signed with this key (a fixed dev key when unset).
KEY_ENV = "PYME_AI_KEY"
DEV_KEY = "pyme-ai-cli"
KEY_HELP = f"model files are signed with ${KEY_ENV} (default dev key {DEV_KEY!r})"

#: Capability packages, in the order they are listed in ``--help``.
CAPABILITIES = ("leads", "demand", "chat")


def cli_key():
    """The key signing and verifying CLI model files."""
    return os.environ.get(KEY_ENV) or DEV_KEY


class CommandError(PymeAiError):
    """A user error of the command line itself (an unknown column name, ...)."""


def build_parser():
    parser = argparse.ArgumentParser(
        prog="pyme-ai",
        description=(
            "pyme_ai engine: run lead scoring, demand forecasts and FAQ chat"
            " on CSV exports."
        ),
    )
    parser.add_argument("--version", action="version", version=f"pyme-ai {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in CAPABILITIES:
        if importlib.util.find_spec(f"pyme_ai.{name}") is None:
            continue
        importlib.import_module(f"pyme_ai.{name}.cli").register(sub)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args) or 0
    except (PymeAiError, OSError) as exc:
        print(f"pyme-ai: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
