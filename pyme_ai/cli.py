"""``pyme-ai`` command line: one subcommand per capability.

Each capability package exposes ``cli.register(subparsers)``, which adds its
subcommand and sets ``func`` on the parsed arguments; ``func(args)`` returns the exit
code. Any :class:`~pyme_ai.base.PymeAiError` (bad input, too little data, an unusable
model file) or OS error (a file that cannot be read or written) is reported here, in one
place, as one line on stderr with exit status 2; warnings (rows left out, values
clipped, an insecure key) are ``pyme-ai: warning: ...`` lines on stderr.

Model files are signed and verified with the key in ``PYME_AI_KEY``. Without it,
training still writes a model, signed with a public development key (and says so on
stderr: such a file can be forged by anyone, so it is not fit for sharing), and loading
one is refused unless ``--insecure-dev-key`` is given.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys

from . import __version__
from .base import PymeAiError

#: Model files written by the CLI are signed with this key.
KEY_ENV = "PYME_AI_KEY"
#: Public development key: used only when $PYME_AI_KEY is unset (with a warning when
#: writing, and only with --insecure-dev-key when loading).
DEV_KEY = "pyme-ai-cli"
INSECURE_FLAG = "--insecure-dev-key"
KEY_HELP = (
    f"model files are signed with ${KEY_ENV}; without it, training signs with a public"
    f" development key (not fit for sharing) and loading needs {INSECURE_FLAG}"
)
#: What each model kind is called and which command makes it (for error messages).
MODEL_KINDS = {
    "lead_scoring": ("lead scoring", "pyme-ai leads train"),
    "demand_forecast": ("demand forecast", "pyme-ai demand forecast --model-out"),
    "website_chat": ("chat", "pyme-ai chat train"),
}

#: Capability packages, in the order they are listed in ``--help``.
CAPABILITIES = ("leads", "demand", "chat", "payments")


def cli_key():
    """The key signing and verifying CLI model files ($PYME_AI_KEY, else the public
    development key; commands use :func:`signing_key` / :func:`load_model`)."""
    return os.environ.get(KEY_ENV) or DEV_KEY


class CommandError(PymeAiError):
    """A user error of the command line itself (an unknown column name, ...)."""


def warn(message):
    """One ``pyme-ai: warning: ...`` line on stderr."""
    print(f"pyme-ai: warning: {message}", file=sys.stderr)


def add_key_argument(parser):
    """``--insecure-dev-key`` for the commands that load a model file."""
    parser.add_argument(
        INSECURE_FLAG,
        action="store_true",
        help=(
            f"when ${KEY_ENV} is unset, accept a model file signed with the public"
            " development key (only for files you trained yourself)"
        ),
    )


def signing_key(path):
    """The key to sign the model written to ``path``; warns when it is the dev key."""
    key = os.environ.get(KEY_ENV)
    if key:
        return key
    warn(
        f"${KEY_ENV} is not set: {path} is signed with the insecure development key,"
        " which anyone can use to forge a model file, so it is not fit for sharing."
        f" Set {KEY_ENV} to a secret of your own (export {KEY_ENV}=...) and retrain"
        " before sharing it."
    )
    return DEV_KEY


def loading_key(args):
    """The key to verify a model file with: $PYME_AI_KEY, or the development key
    when ``--insecure-dev-key`` was given; otherwise a CommandError saying how."""
    key = os.environ.get(KEY_ENV)
    if key:
        return key
    if getattr(args, "insecure_dev_key", False):
        return DEV_KEY
    raise CommandError(
        f"no key to verify model files with: set {KEY_ENV} to the secret the model"
        f" was trained with (export {KEY_ENV}=...), or pass {INSECURE_FLAG} to load"
        " a model you trained yourself without a key"
    )


def kind_label(kind):
    """``'a chat model (website_chat)'`` for error messages."""
    if not kind:
        return "a model of no known kind"
    label = MODEL_KINDS.get(kind, (kind.replace("_", " "),))[0]
    article = "an" if label[:1].lower() in "aeiou" else "a"
    return f"{article} {label} model ({kind})"


def load_model(path, kind, args):
    """``(model, header)`` of the model file ``path``, which must hold a ``kind``
    model signed with the CLI key (see :func:`loading_key`).

    The header's kind is checked before anything is verified or unpickled, so a
    model of another capability is named as such.
    """
    from . import persistence

    check_input(path)
    with open(path, "rb") as fh:
        data = fh.read()
    try:
        header = persistence.inspect(data)
    except persistence.PersistenceError as exc:
        raise CommandError(f"{path}: {exc}") from None
    found = header.get("kind")
    if found != kind:
        made_by = MODEL_KINDS.get(kind, (None, None))[1]
        hint = f"; make one with `{made_by}`" if made_by else ""
        raise CommandError(
            f"{path} is {kind_label(found)}, not {kind_label(kind)}{hint}"
        )
    key = loading_key(args)
    try:
        model = persistence.loads(data, key, kind=kind)
    except persistence.SignatureMismatchError as exc:
        hint = (
            f" (checked with the development key: if it was trained with {KEY_ENV}"
            " set, set the same key)"
            if key == DEV_KEY
            else f" (checked with ${KEY_ENV}: it must be the key it was trained with)"
        )
        raise CommandError(f"{path}: {exc}{hint}") from None
    except persistence.PersistenceError as exc:
        raise CommandError(f"{path}: {exc}") from None
    return model, header


def check_input(path):
    """A readable regular file, else a CommandError naming ``path``."""
    if path == "-":
        return
    if not os.path.exists(path):
        raise CommandError(f"{path}: no such file")
    if os.path.isdir(path):
        raise CommandError(f"{path} is a directory, not a file")
    if not os.access(path, os.R_OK):
        raise CommandError(f"{path}: permission denied (cannot read it)")


def check_output(path):
    """Refuse before any work an output ``path`` that cannot be written."""
    if path is None or path == "-":
        return
    if os.path.isdir(path):
        raise CommandError(f"{path} is a directory; give a file name to write")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise CommandError(
            f"cannot write {path}: the directory {parent} does not exist"
        )
    if not os.access(parent, os.W_OK) or (
        os.path.exists(path) and not os.access(path, os.W_OK)
    ):
        raise CommandError(f"cannot write {path}: permission denied")


def int_in(low, high):
    """argparse type: a whole number in ``[low, high]``."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"must be a whole number, got {text!r}"
            ) from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"must be between {low} and {high}, got {value}"
            )
        return value

    return parse


def float_in(low, high, *, open_low=False, open_high=False):
    """argparse type: a finite number in ``[low, high]`` (open ends when asked)."""

    def parse(text):
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"must be a number, got {text!r}"
            ) from None
        too_low = value <= low if open_low else value < low
        too_high = value >= high if open_high else value > high
        if value != value or too_low or too_high:
            left, right = "(" if open_low else "[", ")" if open_high else "]"
            raise argparse.ArgumentTypeError(
                f"must be a number in {left}{low:g}, {high:g}{right}, got {text!r}"
            )
        return value

    return parse


def add_command(subparsers, name, help, doc):  # noqa: A002 (argparse's word)
    """Add the command ``name`` (described by the first paragraph of ``doc``) and
    return the subparsers its actions go in; without an action it prints its help."""
    parser = subparsers.add_parser(name, help=help, description=doc.split("\n\n")[0])
    parser.set_defaults(func=lambda args: parser.print_help() or 2)
    return parser.add_subparsers(dest=f"{name}_command", metavar="ACTION")


def build_parser():
    parser = argparse.ArgumentParser(
        prog="pyme-ai",
        description=(
            "pyme_ai engine: run lead scoring, demand forecasts, FAQ chat and"
            " payment checks on CSV exports."
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
    except PymeAiError as exc:
        print(f"pyme-ai: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"pyme-ai: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except MemoryError:
        print(
            "pyme-ai: error: not enough memory for this input (try a smaller file)",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        print("pyme-ai: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
