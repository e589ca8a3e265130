"""``pyme-ai chat``: train an FAQ model, answer queries, evaluate on labelled queries.

Files are JSONL, one object per line. Training: ``{"text", "intent", "lang"?}``; an
intent of ``null`` or ``"__oos__"`` marks an out-of-scope example (never an answer: a
class the scorer learns to recognise and a negative of the "I don't know" threshold).
Queries: ``{"text", ...}`` (other keys are ignored by ``answer``; for ``evaluate`` the
``intent`` key is the truth, ``null``/``"__oos__"`` = out of scope)::

    pyme-ai chat train faq.jsonl --model faq.model
    pyme-ai chat answer --model faq.model queries.jsonl --out answers.jsonl
    pyme-ai chat evaluate --train faq.jsonl --test queries.jsonl --json

Files must be UTF-8 (JSON's encoding; a UTF-8 BOM is accepted). Model files are signed
with the key in the environment variable ``PYME_AI_KEY``; without it ``train`` signs
with a public development key (with a warning: not fit for sharing) and loading a model
needs ``--insecure-dev-key``.
"""

from __future__ import annotations

import json
import sys

from .. import persistence
from ..cli import (
    KEY_HELP,
    CommandError,
    add_command,
    add_key_argument,
    check_input,
    check_output,
    float_in,
    int_in,
    load_model,
    signing_key,
)
from .data import OOS_LABEL, ChatDataError, read_jsonl
from .lang import LANGUAGES
from .model import ChatModel, answer_metrics, evaluate


def register(subparsers):
    sub = add_command(
        subparsers,
        "chat",
        "FAQ chat: train an intent model, answer and evaluate queries",
        __doc__,
    )

    tr = sub.add_parser(
        "train", help="train a model from an FAQ JSONL", epilog=KEY_HELP
    )
    tr.add_argument("faq", help='JSONL: {"text", "intent", "lang"?} per line')
    tr.add_argument("--model", required=True, help="model file to write (signed)")
    tr.add_argument(
        "--seed", type=int_in(0, 2**32 - 1), default=0, help="random seed (default 0)"
    )
    tr.add_argument("--json", action="store_true", help="print metrics as JSON")
    tr.set_defaults(func=cmd_train)

    an = sub.add_parser("answer", help="answer each query of a JSONL", epilog=KEY_HELP)
    an.add_argument("queries", help='JSONL: {"text", ...} per line')
    an.add_argument("--model", required=True, help="model file made by `chat train`")
    an.add_argument(
        "--out", required=True, help="answers JSONL to write ('-' = stdout)"
    )
    an.add_argument(
        "--threshold", type=float_in(0, 1), help="override the learnt threshold"
    )
    add_key_argument(an)
    an.set_defaults(func=cmd_answer)

    ev = sub.add_parser(
        "evaluate",
        help="in-scope accuracy and out-of-scope recall on labelled queries",
        epilog=KEY_HELP,
    )
    source = ev.add_mutually_exclusive_group(required=True)
    source.add_argument("--train", help="FAQ JSONL to train on first")
    source.add_argument("--model", help="model file made by `chat train`")
    ev.add_argument("--test", required=True, help='JSONL: {"text", "intent"} per line')
    ev.add_argument(
        "--seed", type=int_in(0, 2**32 - 1), default=0, help="random seed for --train"
    )
    ev.add_argument(
        "--threshold", type=float_in(0, 1), help="override the learnt threshold"
    )
    ev.add_argument("--json", action="store_true", help="print JSON instead of a table")
    add_key_argument(ev)
    ev.set_defaults(func=cmd_evaluate)


def _load_model(args):
    return load_model(args.model, ChatModel.kind, args)[0]


def _read(path, require=("text",)):
    """``read_jsonl`` with encoding and nesting errors as one clear line."""
    check_input(path)
    try:
        return read_jsonl(path, require=require)
    except UnicodeDecodeError as exc:
        head = bytes(exc.object[:2])
        hint = (
            " (it looks like UTF-16)"
            if head in (b"\xff\xfe", b"\xfe\xff")
            else " (a binary file?)"
            if b"\x00" in exc.object
            else ""
        )
        raise CommandError(
            f"{path}: not UTF-8 text{hint}, byte {exc.start}: JSONL files must be"
            " UTF-8; save it as UTF-8"
        ) from None
    except RecursionError:
        raise CommandError(f"{path}: invalid JSON (nested too deeply)") from None
    except ChatDataError as exc:
        raise CommandError(
            f"{path}: {exc}" if path not in str(exc) else str(exc)
        ) from None


def _train(path, seed):
    examples = _read(path, require=("text", "intent"))
    try:
        return evaluate(examples, random_state=seed)
    except ChatDataError as exc:
        raise CommandError(
            f"{path}: {exc}" if path not in str(exc) else str(exc)
        ) from None


def cmd_train(args):
    check_output(args.model)
    result = _train(args.faq, args.seed)
    model = result.model
    persistence.dump(
        model,
        args.model,
        signing_key(args.model),
        metadata={
            "capability": "chat",
            "intents": len(model.intents_),
            "threshold": model.threshold_,
            "metrics": result.metrics,
        },
    )
    if args.json:
        print(json.dumps({"metrics": result.metrics, "report": result.report}))
        return 0
    m = result.metrics
    print(f"model written to {args.model}")
    print(
        f"{m['n_examples']} variants, {m['n_intents']} intents, "
        f"threshold {m['threshold']:.3f} (learnt on held-out variants)"
    )
    print("held-out estimate:")
    for key in (
        "in_scope_accuracy",
        "top1_accuracy",
        "answer_rate",
        "oos_recall",
        "heldout_intent_recall",
        "offtopic_recall",
        "labelled_oos_recall",
        *(f"in_scope_accuracy_{lang}" for lang in LANGUAGES),
    ):
        if m.get(key) is not None:
            print(f"  {key:24s} {m[key]:.3f}")
    return 0


def cmd_answer(args):
    check_output(args.out)
    model = _load_model(args)
    rows = _read(args.queries)
    if not rows:
        raise CommandError(f"{args.queries}: no queries (the file has no lines)")
    answers = model.predict([r["text"] for r in rows], threshold=args.threshold)
    lines = [
        json.dumps(
            {
                "text": row["text"],
                "intent": a["intent"],
                "confidence": round(a["confidence"], 4),
                "lang": a["lang"],
            },
            ensure_ascii=False,
        )
        for row, a in zip(rows, answers, strict=True)
    ]
    if args.out == "-":
        sys.stdout.write("".join(line + "\n" for line in lines))
    else:
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write("".join(line + "\n" for line in lines))
    return 0


def cmd_evaluate(args):
    rows = _read(args.test, require=("text", "intent"))
    model = _train(args.train, args.seed).model if args.train else _load_model(args)
    if not rows:
        raise CommandError(f"{args.test}: no queries")
    result = answer_metrics(model, rows, threshold=args.threshold)
    if args.json:
        print(json.dumps(result))
        return 0
    print(
        f"threshold {result['threshold']:.3f}; "
        f"out-of-scope label: null or {OOS_LABEL!r}"
    )
    print(
        "| queries | in-scope | OOS | in-scope acc | top-1 acc | answer rate "
        "| OOS recall |"
    )
    print("|---|---|---|---|---|---|---|")
    for key, m in result["metrics"].items():
        cells = [
            _fmt(m[k])
            for k in ("in_scope_accuracy", "top1_accuracy", "answer_rate", "oos_recall")
        ]
        print(
            f"| {key} | {m['n_in_scope']} | {m['n_out_of_scope']} | "
            + " | ".join(cells)
            + " |"
        )
    if result["unknown_test_intents"]:
        print(
            "intents unknown to the model (counted as out of scope): "
            + ", ".join(result["unknown_test_intents"])
        )
    return 0


def _fmt(value):
    return "-" if value is None else f"{value:.3f}"
