"""FAQ / intent model on the engine's estimator protocol::

    model = ChatModel(random_state=0).fit(examples)
    model.predict(texts)      # [{"intent": name or None, "confidence", "lang"}, ...]
    model.answer(text)        # one of those
    result = evaluate(examples, random_state=0)   # TrainingResult, held-out metrics

How the "I don't know" threshold is learnt, with in-scope data only
-------------------------------------------------------------------
Question variants are split into K folds and, independently, the intents into K groups.
For fold k a scorer is trained without fold k's variants and without group k's intents,
then scores (a) fold k's variants of the remaining intents (in-scope: correct or not),
(b) every variant of group k's intents: real questions about something the model does
not cover, like a customer asking about a service the business does not list, and (c) a
built-in list of generic off-topic messages (``offtopic``; those resembling the FAQ are
dropped), plus any training lines labelled out of scope (``null`` / ``"__oos__"``): a
fold's scorer learns the other folds' labelled lines as one extra class and scores its
own, never those it was trained on.

A meta-model learns, from the scorer's features, the probability that an answer is right
(positives: in-scope answered correctly; negatives: everything else, each kind of
out-of-scope weighted to an equal share of the in-scope weight). Its out-of-fold
probabilities pick the threshold, by a rule that depends on how much the company wrote
(``learnt_threshold``): a large FAQ (``MANY_SHOT_VARIANTS`` variants per intent) uses
the lowest threshold refusing ``TARGET_OOS_RECALL`` (90 %) of the held-out
out-of-scope questions; a small one (``FEW_SHOT_VARIANTS``) the lower of half the
threshold maximising mean(in-scope accuracy, OOS recall) and the one refusing at most
``FEW_SHOT_MAX_LOSS`` of its right answers; linear in between. That estimate is also
what ``metrics`` report (``cv_metrics_``, returned by ``evaluate``). Finally the scorer
is refitted on everything and the meta-model on all rows.
"""

from __future__ import annotations

import time
from collections import Counter

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ..base import Estimator
from ..training import TrainingResult
from .data import OOS_LABEL, ChatDataError, is_oos, prepare_examples, split_example
from .features import FEATURE_NAMES, Scorer
from .lang import LANG_MIN_CONFIDENCE, LANGUAGES, detect_language
from .offtopic import OFFTOPIC_EN, OFFTOPIC_ES
from .text import STOPWORDS, normalize, stem, words

__all__ = [
    "ChatModel",
    "answer_metrics",
    "choose_threshold",
    "evaluate",
    "learnt_threshold",
    "lexical_support",
    "loss_threshold",
    "recall_threshold",
]

#: Rows of in-scope held-out variants to collect before stopping cross-validation early.
EVAL_BUDGET = 3000
#: Off-topic sentences this similar (cosine) to an FAQ variant are not negatives.
OFFTOPIC_MAX_SIMILARITY = 0.5
#: ... nor those whose content words one intent's variants mostly use ("pon una alarma
#: a las siete" is not off-topic for an FAQ with "pon la alarma a las 8").
OFFTOPIC_MAX_OVERLAP = 0.5
#: Below this many positive (or negative) meta rows the meta-model is a logistic
#: regression, above it gradient boosting.
GBM_MIN_ROWS = 300
GBM_TREES = 100
GBM_LEARNING_RATE = 0.1

KIND_IN, KIND_HELDOUT_INTENT, KIND_OFFTOPIC, KIND_LABELLED_OOS = 0, 1, 2, 3
KIND_NAMES = {
    KIND_HELDOUT_INTENT: "heldout_intent_recall",
    KIND_OFFTOPIC: "offtopic_recall",
    KIND_LABELLED_OOS: "labelled_oos_recall",
}


class ChatModel(Estimator):
    """FAQ model: which intent a visitor's question is about, or "I don't know".

    Hyperparameters: ``random_state``; ``n_folds``, the cross-validation folds the
    threshold is learnt on (fewer when an intent has fewer variants); ``threshold``,
    a confidence threshold to force instead of the learnt one (None).

    ``fit(examples)``: dicts ``{"text", "intent", "lang" (optional)}`` or ``(text,
    intent[, lang])`` tuples; intent ``None``/``"__oos__"`` marks an out-of-scope
    example (an extra class of the scorer's classifiers and a negative of the threshold,
    never an answer). Needs >= 2 intents with >= 3 variants
    each (``TooFewIntentsError``, ``TooFewVariantsError``, ``EmptyTrainingDataError``;
    all ``ChatDataError``, a ``PymeAiError``).

    Fitted attributes: ``intents_``, ``threshold_`` (in use), ``learnt_threshold_``,
    ``languages_`` (intent -> languages with variants), ``default_lang_`` (the FAQ's
    main language), ``cv_metrics_`` / ``cv_report_`` (held-out estimate, see the
    module docstring) and the fitted parts ``scorer_`` and ``meta_``. Pickle it with
    ``pyme_ai.persistence``.
    """

    kind = "website_chat"
    _fitted_attribute = "scorer_"

    def __init__(self, *, random_state=0, n_folds=5, threshold=None):
        self.random_state = random_state
        self.n_folds = n_folds
        self.threshold = threshold

    # ------------------------------------------------------------------ fitting
    def fit(self, examples):
        started = time.perf_counter()
        random_state = self.random_state
        data = prepare_examples(examples)
        rng = np.random.default_rng(random_state)
        intents = sorted(set(data.intents))
        code_of = {name: i for i, name in enumerate(intents)}
        codes = np.array([code_of[name] for name in data.intents])
        langs = np.array(
            [
                lang or detect_language(text)[0]
                for text, lang in zip(data.texts, data.langs, strict=True)
            ]
        )
        lang_counts = Counter(langs.tolist())
        default_lang = "es" if lang_counts["es"] >= lang_counts["en"] else "en"

        final = Scorer(random_state).fit(data.texts, codes, data.oos_texts)
        negatives = {KIND_OFFTOPIC: _offtopic_negatives(final, set(lang_counts))}
        if data.oos_texts:
            negatives[KIND_LABELLED_OOS] = list(data.oos_texts)
        fewest = Counter(codes.tolist()).most_common()[-1][1]
        n_folds = int(max(2, min(self.n_folds, fewest)))
        feats, correct, kinds, fold_ids, sources = _cross_validate(
            data.texts, codes, negatives, n_folds, rng, random_state
        )
        labels = (correct & (kinds == KIND_IN)).astype(int)
        oof = _out_of_fold_confidence(feats, labels, kinds, fold_ids, random_state)
        oof = np.where(lexical_support(feats), oof, 0.0)
        variants = float(np.median(list(Counter(codes.tolist()).values())))
        share = _many_shot_share(variants)
        learnt = learnt_threshold(oof, correct, kinds, share)
        chosen = learnt if self.threshold is None else float(self.threshold)
        meta = _fit_meta(feats, labels, kinds, random_state)
        gate, gate_oof, gate_threshold = _fit_gate(
            feats, kinds, fold_ids, random_state, (1 - GATE_KEEP) * (1 - share)
        )

        self.intents_ = intents
        self.scorer_ = final
        self.meta_ = meta
        self.meta_trees_ = FlatTrees.of(meta)
        self.gate_ = gate
        self.gate_threshold_ = gate_threshold
        self.threshold_ = chosen
        self.learnt_threshold_ = learnt
        self.languages_ = {
            name: sorted(set(langs[codes == code].tolist()))
            for name, code in code_of.items()
        }
        self.default_lang_ = default_lang
        self.n_rows_ = len(data.texts) + len(data.oos_texts)

        oof = _gated(oof, gate_oof, gate_threshold)
        metrics = _rates(oof, correct, kinds, chosen)
        ins = kinds == KIND_IN
        metrics["top1_accuracy"] = float(correct[ins].mean())
        metrics["balanced_score"] = (
            (metrics["in_scope_accuracy"] + metrics["oos_recall"]) / 2
            if metrics["oos_recall"] is not None
            else None
        )
        metrics["threshold"] = chosen
        row_langs = np.where(sources >= 0, langs[np.maximum(sources, 0)], "")
        metrics.update(_per_language(oof, correct, kinds, row_langs, chosen))
        metrics["n_intents"] = len(intents)
        metrics["n_examples"] = len(data.texts)
        self.cv_metrics_ = metrics
        self.cv_report_ = {
            "learnt_threshold": learnt,
            "meta_model": type(meta).__name__ if meta is not None else None,
            "folds_scored": int(len(np.unique(fold_ids))),
            "n_folds": n_folds,
            "heldout_rows": {
                "in_scope": int(ins.sum()),
                **{name: int((kinds == k).sum()) for k, name in KIND_NAMES.items()},
            },
            "offtopic_used": len(negatives[KIND_OFFTOPIC]),
            "labelled_oos_examples": len(data.oos_texts),
            "oos_label": OOS_LABEL,
            "intent_variants": {
                name: int((codes == c).sum()) for name, c in code_of.items()
            },
            "languages": dict(lang_counts),
            "default_lang": default_lang,
            "training_seconds": round(time.perf_counter() - started, 3),
        }
        return self

    # ------------------------------------------------------------------ answering
    def confidences(self, texts):
        """``(predicted intent names, confidences)`` before applying the threshold."""
        self.check_fitted()
        codes, feats, _ = self.scorer_.score(list(texts))
        trees = getattr(self, "meta_trees_", None)
        conf = trees.predict(feats) if trees else _meta_predict(self.meta_, feats)
        gate = getattr(self, "gate_", None)
        if gate is not None:
            conf = _gated(conf, gate.predict_proba(feats)[:, 1], self.gate_threshold_)
        # no real word ("aaa"), or no content word the FAQ knows: nothing to answer;
        # nor when only the embedding view backs the intent
        known = feats[:, FEATURE_NAMES.index("content_known")] > 0
        content = np.array([_has_content(text) for text in texts], dtype=bool)
        conf = np.where(known & content & lexical_support(feats), conf, 0.0)
        # the same text gets the same confidence wherever it sits in a batch (BLAS
        # kernels may round the last bit differently row by row)
        conf = np.round(conf, 12)
        return [self.intents_[c] for c in codes], conf

    def predict(self, texts, *, threshold=None):
        """One answer dict per text (see ``answer``), in order."""
        self.check_fitted()
        texts = [t if isinstance(t, str) else "" for t in texts]
        if not texts:
            return []
        threshold = self.threshold_ if threshold is None else float(threshold)
        names, conf = self.confidences(texts)
        out = []
        for text, name, c in zip(texts, names, conf, strict=True):
            c = float(c) if normalize(text) else 0.0
            lang, lang_conf = detect_language(text, default=self.default_lang_)
            if lang_conf < LANG_MIN_CONFIDENCE:
                lang = self.default_lang_
            out.append(
                {
                    "intent": name if c >= threshold else None,
                    "confidence": c,
                    "lang": lang,
                }
            )
        return out

    def answer(self, text, *, threshold=None):
        """``{"intent": name or None, "confidence": 0..1, "lang": "es"|"en"}``.

        ``intent`` is None ("I don't know") when the confidence is below ``threshold``
        (default: ``threshold_``). ``confidence`` estimates the probability that the
        intent is right. ``lang`` is the visitor's language (the FAQ's main language
        when the message is too short to tell).
        """
        return self.predict([text], threshold=threshold)[0]

    def explain(self, texts):
        """Per text: the best intent before the threshold, its confidence, the
        threshold and whether it was refused (``{"top_intent", "confidence",
        "threshold", "refused"}``)."""
        texts = [t if isinstance(t, str) else "" for t in texts]
        if not texts:
            return []
        names, conf = self.confidences(texts)
        out = []
        for text, name, c in zip(texts, names, conf, strict=True):
            c = float(c) if normalize(text) else 0.0
            out.append(
                {
                    "top_intent": name,
                    "confidence": c,
                    "threshold": self.threshold_,
                    "refused": c < self.threshold_,
                }
            )
        return out

    def score(self, examples, *, threshold=None):
        """In-scope accuracy on labelled ``examples`` (answered with the right
        intent); see ``answer_metrics`` for the other metrics."""
        metrics = answer_metrics(self, examples, threshold=threshold)["metrics"]["all"]
        if metrics["in_scope_accuracy"] is None:
            raise ChatDataError("no in-scope example to score: label some intents")
        return metrics["in_scope_accuracy"]

    def __repr__(self):
        params = super().__repr__()
        if not self.is_fitted:
            return params
        return (
            f"{params[:-1]}; {len(self.intents_)} intents, "
            f"threshold_={self.threshold_:.3f}, default_lang_={self.default_lang_!r})"
        )


def evaluate(examples, **hyperparameters):
    """Fit a ``ChatModel`` and report its held-out estimate as a ``TrainingResult``.

    ``model`` is fitted on all examples; ``metrics`` are estimated on held-out
    variants and intents while learning the threshold (see the module docstring);
    ``primary_metric`` is ``"in_scope_accuracy"`` (share of held-out in-scope
    questions answered with the right intent at the chosen threshold).
    """
    model = ChatModel(**hyperparameters).fit(examples)
    return TrainingResult(
        model=model,
        metrics=dict(model.cv_metrics_),
        primary_metric="in_scope_accuracy",
        higher_is_better=True,
        n_rows=model.n_rows_,
        report=dict(model.cv_report_),
    )


def answer_metrics(model, examples, *, threshold=None):
    """Metrics of ``model`` on labelled queries, overall and per language.

    ``examples`` like ``fit`` takes (intent ``None``/``"__oos__"`` = out of scope).
    A true intent the model does not know counts as out of scope (it cannot answer
    it). Returns ``{"threshold", "metrics": {"all"|lang: {n_in_scope,
    n_out_of_scope, in_scope_accuracy, top1_accuracy, answer_rate, oos_recall}},
    "unknown_test_intents"}``; a rate is None without rows to compute it on.
    """
    rows = [split_example(item, index) for index, item in enumerate(examples, 1)]
    texts = [text if isinstance(text, str) else "" for text, __, __ in rows]
    answers = model.predict(texts, threshold=threshold)
    top_names, _ = model.confidences(texts) if texts else ([], [])
    known = set(model.intents_)
    empty = {"in": [], "in_top": [], "in_answered": [], "oos": []}
    groups = {"all": {key: [] for key in empty}}
    unknown = set()
    for (text, truth, lang), a, top in zip(rows, answers, top_names, strict=True):
        lang = lang or detect_language(text, model.default_lang_)[0]
        out_of_scope = is_oos(truth) or str(truth) not in known
        for key in ("all", lang):
            g = groups.setdefault(key, {k: [] for k in empty})
            if out_of_scope:
                g["oos"].append(a["intent"] is None)
            else:
                g["in"].append(a["intent"] == str(truth))
                g["in_top"].append(top == str(truth))
                g["in_answered"].append(a["intent"] is not None)
        if out_of_scope and not is_oos(truth):
            unknown.add(str(truth))
    metrics = {
        key: {
            "n_in_scope": len(g["in"]),
            "n_out_of_scope": len(g["oos"]),
            "in_scope_accuracy": _mean(g["in"]),
            "top1_accuracy": _mean(g["in_top"]),
            "answer_rate": _mean(g["in_answered"]),
            "oos_recall": _mean(g["oos"]),
        }
        for key, g in groups.items()
    }
    return {
        "threshold": model.threshold_ if threshold is None else threshold,
        "metrics": metrics,
        "unknown_test_intents": sorted(unknown),
    }


def _mean(values):
    return sum(values) / len(values) if values else None


# --- few-shot threshold and the off-topic gate
#: Median variants per intent at or below which the FAQ is "small", and from which on
#: it is "large"; in between the threshold moves linearly from one rule to the other.
FEW_SHOT_VARIANTS = 5
MANY_SHOT_VARIANTS = 40
#: A large FAQ refuses this share of the held-out out-of-scope questions (the mean over
#: their kinds: uncovered intents, off-topic, labelled out of scope) at the lowest
#: threshold that does: the operating point "in-scope accuracy at OOS recall 0.90".
TARGET_OOS_RECALL = 0.90
#: A small FAQ uses this share of the balanced threshold (``choose_threshold``): with a
#: handful of variants a question about an uncovered intent looks like an in-scope one
#: the model has seen too little of, and refusing it costs right answers; half the
#: balanced threshold keeps most of them and still refuses part of what is uncovered.
FEW_SHOT_FACTOR = 0.5
#: ... and never refuses more than this share of the held-out in-scope questions it
#: answers right at threshold 0 (``loss_threshold``): how confusable the FAQ's own
#: intents are decides how much refusing costs.
FEW_SHOT_MAX_LOSS = 0.03
#: Share of in-scope held-out questions the off-topic gate lets through in a small FAQ
#: (all of them in a large one: the learnt threshold does the refusing there).
GATE_KEEP = 0.98
#: Lowest threshold: a confidence of 0 (gated, empty text) is always refused.
MIN_THRESHOLD = 1e-6


def _many_shot_share(variants):
    """0 for a small FAQ (``variants``, the median variants per intent, at most
    ``FEW_SHOT_VARIANTS``), 1 from ``MANY_SHOT_VARIANTS`` on, linear in between.

    The learnt threshold is ``(1 - share) * FEW_SHOT_FACTOR * balanced + share *
    target`` (``choose_threshold``, ``recall_threshold``): the more the company wrote,
    the more its held-out estimate can be trusted to refuse what it does not cover.
    """
    share = (variants - FEW_SHOT_VARIANTS) / (MANY_SHOT_VARIANTS - FEW_SHOT_VARIANTS)
    return min(max(share, 0.0), 1.0)


def learnt_threshold(conf, correct, kinds, share):
    """The "I don't know" threshold from out-of-fold confidences of held-out rows.

    ``share`` (``_many_shot_share``) moves it from the small-FAQ rule, the lower of
    ``FEW_SHOT_FACTOR`` x the balanced threshold and the one refusing
    ``FEW_SHOT_MAX_LOSS`` of the right answers, to the large-FAQ rule, the lowest
    threshold refusing ``TARGET_OOS_RECALL`` of the out-of-scope rows. Without
    out-of-scope rows: the 5 % quantile of the right answers' confidences (those above
    0: the lexical guard's refusals aside), scaled the same way.
    """
    conf = np.asarray(conf, dtype=float)
    correct = np.asarray(correct, dtype=bool)
    kinds = np.asarray(kinds)
    if (kinds != KIND_IN).any():
        few = min(
            FEW_SHOT_FACTOR * choose_threshold(conf, correct, kinds),
            loss_threshold(conf, correct, kinds, FEW_SHOT_MAX_LOSS),
        )
        many = recall_threshold(conf, kinds, TARGET_OOS_RECALL)
        learnt = (1 - share) * few + share * many
    else:  # nothing out of scope to learn from: keep 95% of the right answers
        right = conf[(kinds == KIND_IN) & correct & (conf > 0)]
        learnt = float(np.quantile(right, 0.05, method="lower")) if right.size else 0.5
        learnt *= FEW_SHOT_FACTOR + (1 - FEW_SHOT_FACTOR) * share
    return float(max(learnt, MIN_THRESHOLD))


def loss_threshold(conf, correct, kinds, loss):
    """Highest threshold refusing at most a share ``loss`` of the in-scope held-out
    rows answered right (their confidence, ``conf``, above 0)."""
    conf = np.asarray(conf, dtype=float)
    right = np.sort(conf[(np.asarray(kinds) == KIND_IN) & np.asarray(correct, bool)])
    right = right[right > 0]
    if not right.size:
        return MIN_THRESHOLD
    n_refused = min(int(np.floor(loss * right.size + 1e-9)), right.size - 1)
    if n_refused == 0:
        return MIN_THRESHOLD
    return float((right[n_refused - 1] + right[n_refused]) / 2)


def recall_threshold(conf, kinds, target):
    """Lowest threshold refusing at least ``target`` of the out-of-scope rows (mean of
    the recall per kind present), on scored held-out rows.

    Returns the midpoint between the highest refused confidence needed and the next
    confidence above it; ``nextafter`` the top confidence when even refusing every row
    of a kind is needed."""
    conf = np.asarray(conf, dtype=float)
    kinds = np.asarray(kinds)
    oos_kinds = [k for k in KIND_NAMES if (kinds == k).any()]
    if not oos_kinds:
        raise ChatDataError("need out-of-scope rows to choose a threshold")
    # a threshold just above value v refuses every row <= v: recall as a step function
    values = np.unique(conf[kinds != KIND_IN])
    recall = np.zeros(len(values))
    for k in oos_kinds:
        rows = np.sort(conf[kinds == k])
        recall += np.searchsorted(rows, values, side="right") / len(rows)
    recall /= len(oos_kinds)
    reached = np.flatnonzero(recall >= target - 1e-12)
    i = int(reached[0]) if reached.size else len(values) - 1
    above = conf[conf > values[i]]
    if not above.size:
        return float(np.nextafter(values[i], np.inf))
    return float((values[i] + above.min()) / 2)


def _fit_gate(feats, kinds, fold_ids, random_state, refuse):
    """In-domain vs off-topic model (any in-scope question, right or wrong, against the
    built-in off-topic sentences and labelled out-of-scope lines), its out-of-fold
    probabilities and the threshold refusing a share ``refuse`` of in-scope rows.
    ``(None, ones, 0.0)`` without off-topic rows or when nothing is to be refused."""
    rows = np.isin(kinds, (KIND_IN, KIND_OFFTOPIC, KIND_LABELLED_OOS))
    labels = (kinds == KIND_IN).astype(int)
    ones = np.ones(len(kinds))
    if labels[rows].min() == 1 or refuse <= 0:
        return None, ones, 0.0

    def fit(mask):
        y = labels[mask]
        w = np.where(y == 1, 1.0, y.sum() / max(1, (1 - y).sum()))
        gate = make_pipeline(StandardScaler(), LogisticRegression(C=0.5, max_iter=2000))
        return gate.fit(feats[mask], y, logisticregression__sample_weight=w)

    oof = ones.copy()
    for k in np.unique(fold_ids):
        train = rows & (fold_ids != k)
        if len(np.unique(labels[train])) < 2:
            continue
        oof[fold_ids == k] = fit(train).predict_proba(feats[fold_ids == k])[:, 1]
    inside = oof[kinds == KIND_IN]
    threshold = float(np.quantile(inside, refuse, method="lower"))
    return fit(rows), oof, threshold


def lexical_support(feats):
    """True per scored row when the words back the predicted intent, not only the
    embeddings: a content word of the question is among the intent's words, or the
    TF-IDF classifier or the nearest TF-IDF variant picks that intent too.

    Static embeddings put any question near some intent ("¿reparan motores de barcos?"
    near the returns of a small FAQ: no word in common, confidence 0.24); such an
    answer is refused. Without embeddings the prediction is the TF-IDF classifier's, so
    this always holds."""
    col = {name: feats[:, i] for i, name in enumerate(FEATURE_NAMES)}
    return (
        (col["content_intent"] > 0)
        | (col["svc_p_at_pred"] >= col["svc_p1"])
        | (col["knn_agree"] > 0)
    )


def _has_content(text):
    """False for a message without a word of 3 letters (once letter repeats are
    collapsed: "aaa", "jj", "?"): nothing to answer from."""
    return any(len(w) >= 3 for w in words(text))


def _gated(conf, gate_prob, gate_threshold):
    """Confidence 0 where the off-topic gate refuses."""
    return np.where(np.asarray(gate_prob) >= gate_threshold, conf, 0.0)


# --- meta-model
def _kind_weights(kinds):
    """In-scope rows weigh 1; each out-of-scope kind gets an equal share of that."""
    kinds = np.asarray(kinds)
    n_in = int((kinds == KIND_IN).sum())
    present = [k for k in KIND_NAMES if (kinds == k).any()]
    weights = np.ones(len(kinds))
    for k in present:
        mask = kinds == k
        weights[mask] = n_in / len(present) / mask.sum()
    return weights


def _fit_meta(feats, labels, kinds, random_state):
    labels = np.asarray(labels)
    n_pos, n_neg = int(labels.sum()), int((1 - labels).sum())
    if n_pos == 0 or n_neg == 0:
        return None
    weights = _kind_weights(kinds)
    if min(n_pos, n_neg) >= GBM_MIN_ROWS:
        meta = HistGradientBoostingClassifier(
            max_iter=GBM_TREES,
            learning_rate=GBM_LEARNING_RATE,
            max_leaf_nodes=15,
            l2_regularization=1.0,
            early_stopping=False,
            random_state=random_state,
        )
        meta.fit(feats, labels, sample_weight=weights)
    else:
        meta = make_pipeline(StandardScaler(), LogisticRegression(C=0.5, max_iter=2000))
        meta.fit(feats, labels, logisticregression__sample_weight=weights)
    return meta


class FlatTrees:
    """A fitted binary ``HistGradientBoostingClassifier`` (numeric features) as flat
    node arrays: every tree is walked at once, one numpy step per depth level, instead
    of scikit-learn's per-tree calls and input checks (a third of a single answer's
    time with 100 trees). ``predict`` is its ``predict_proba(X)[:, 1]``."""

    def __init__(self, gbm):
        trees = [p[0].nodes for p in gbm._predictors]
        offsets = np.cumsum([0] + [len(t) for t in trees[:-1]])
        nodes = np.concatenate(trees)
        shift = np.repeat(offsets, [len(t) for t in trees])
        self.roots = offsets.astype(np.intp)
        self.feature = nodes["feature_idx"].astype(np.intp)
        self.threshold = nodes["num_threshold"].astype(np.float64)
        self.missing_left = nodes["missing_go_to_left"].astype(bool)
        leaf = nodes["is_leaf"].astype(bool)
        # a leaf points to itself: extra steps keep it there
        self.left = np.where(leaf, np.arange(len(nodes)), nodes["left"] + shift)
        self.right = np.where(leaf, np.arange(len(nodes)), nodes["right"] + shift)
        self.value = nodes["value"].astype(np.float64)
        self.depth = int(nodes["depth"].max())
        self.baseline = float(np.ravel(gbm._baseline_prediction)[0])

    @classmethod
    def of(cls, meta):
        """``FlatTrees`` of a fitted meta-model, or None when it is not one that can
        be flattened (a logistic regression, categorical splits, multiclass)."""
        if not isinstance(meta, HistGradientBoostingClassifier):
            return None
        if meta.n_trees_per_iteration_ != 1 or meta.is_categorical_ is not None:
            return None
        return cls(meta)

    def predict(self, X):
        X = np.asarray(X, dtype=np.float64)
        rows = np.arange(len(X))[:, None]
        node = np.broadcast_to(self.roots, (len(X), len(self.roots)))
        for _ in range(self.depth):
            x = X[rows, self.feature[node]]
            left = np.where(
                np.isnan(x), self.missing_left[node], x <= self.threshold[node]
            )
            node = np.where(left, self.left[node], self.right[node])
        raw = self.baseline + self.value[node].sum(axis=1)
        return 1.0 / (1.0 + np.exp(-raw))


def _meta_predict(meta, feats):
    if meta is None:  # degenerate training data: the classifier's own probability
        return feats[:, FEATURE_NAMES.index("svc_p1")]
    return meta.predict_proba(feats)[:, 1]


def _rates(conf, correct, kinds, threshold):
    """In-scope accuracy (answered and right), answer rate and recall per OOS kind."""
    accept = conf >= threshold
    ins = kinds == KIND_IN
    out = {
        "in_scope_accuracy": float((accept & correct)[ins].mean()),
        "answer_rate": float(accept[ins].mean()),
    }
    recalls = []
    for kind, name in KIND_NAMES.items():
        mask = kinds == kind
        if mask.any():
            out[name] = float((~accept[mask]).mean())
            recalls.append(out[name])
    out["oos_recall"] = float(np.mean(recalls)) if recalls else None
    return out


def choose_threshold(conf, correct, kinds):
    """Threshold maximising mean(in-scope accuracy, OOS recall) on scored held-out rows.

    ``conf``: confidences; ``correct``: bool, right intent (in-scope rows); ``kinds``:
    row kinds (``KIND_IN`` or an out-of-scope kind). OOS recall is the mean over the
    kinds present.
    Returns the midpoint between the last accepted and the first refused confidence.
    """
    conf = np.asarray(conf, dtype=float)
    correct = np.asarray(correct, dtype=bool)
    kinds = np.asarray(kinds)
    ins = kinds == KIND_IN
    oos_kinds = [k for k in KIND_NAMES if (kinds == k).any()]
    if not ins.any() or not oos_kinds:
        raise ChatDataError("need in-scope and out-of-scope rows to choose a threshold")
    # gain of accepting each row: + for a right in-scope answer, - for an OOS row
    gain = np.where(ins & correct, 0.5 / ins.sum(), 0.0)
    for k in oos_kinds:
        mask = kinds == k
        gain[mask] = -0.5 / len(oos_kinds) / mask.sum()
    order = np.argsort(-conf, kind="stable")
    sorted_conf = conf[order]
    cumulative = np.cumsum(gain[order])
    # only cut between distinct confidences: accept the first i rows (i = 0..n)
    last_of_value = np.r_[sorted_conf[1:] != sorted_conf[:-1], True]
    candidates = np.r_[0.0, np.where(last_of_value, cumulative, -np.inf)]
    best = int(np.argmax(candidates))  # accept the top ``best`` rows
    if best == 0:
        return float(np.nextafter(sorted_conf[0], np.inf))
    if best == len(conf):
        return float(sorted_conf[-1])
    return float((sorted_conf[best - 1] + sorted_conf[best]) / 2)


# --- cross-validation
def _assign_folds(texts, codes, n_folds, rng):
    """Stratified fold per variant; duplicates (after normalising) share a fold."""
    folds = np.empty(len(codes), dtype=int)
    for code in np.unique(codes):
        idx = np.flatnonzero(codes == code)
        keys = {}
        for i in idx:
            keys.setdefault(normalize(texts[i]), []).append(i)
        groups = list(keys.values())
        offset = rng.integers(n_folds)
        for j, g in enumerate(rng.permutation(len(groups))):
            folds[groups[g]] = (j + offset) % n_folds
    return folds


def _cross_validate(texts, codes, negatives, n_folds, rng, random_state):
    """Score held-out rows with fold scorers.

    Returns features, correct flags, kinds, fold ids and source example indices (-1 for
    rows that are not training examples).
    """
    n_intents = int(codes.max()) + 1
    folds = _assign_folds(texts, codes, n_folds, rng)
    # hold out whole intents only when at least two remain to train on
    hold_intents = n_intents >= 3
    groups = rng.permutation(n_intents) % n_folds
    if hold_intents and n_intents < n_folds:
        groups = rng.permutation(n_intents)  # one intent per fold, some folds none
    feats, correct, kinds, fold_ids, sources = [], [], [], [], []
    n_in_scored = 0
    for k in range(n_folds):
        held_group = groups[codes] == k if hold_intents else np.zeros(len(codes), bool)
        fit_mask = (folds != k) & ~held_group
        fit_codes = codes[fit_mask]
        present = np.unique(fit_codes)
        if len(present) < 2:
            continue
        remap = np.full(n_intents, -1)
        remap[present] = np.arange(len(present))
        labelled = negatives.get(KIND_LABELLED_OOS, [])
        scorer = Scorer(random_state).fit(
            [texts[i] for i in np.flatnonzero(fit_mask)],
            remap[fit_codes],
            [t for i, t in enumerate(labelled) if i % n_folds != k],
        )
        eval_in = np.flatnonzero((folds == k) & ~held_group & (remap[codes] >= 0))
        eval_out = np.flatnonzero(held_group)
        batches = [(eval_in, KIND_IN), (eval_out, KIND_HELDOUT_INTENT)]
        for kind, items in negatives.items():
            if kind == KIND_LABELLED_OOS:
                items = items[k::n_folds]
            batches.append((items, kind))
        for batch, kind in batches:
            if not len(batch):
                continue
            is_index = kind in (KIND_IN, KIND_HELDOUT_INTENT)
            pred, f, _ = scorer.score([texts[i] for i in batch] if is_index else batch)
            ok = (
                pred == remap[codes[batch]]
                if kind == KIND_IN
                else np.zeros(len(batch), bool)
            )
            feats.append(f)
            correct.append(ok)
            kinds.append(np.full(len(batch), kind))
            fold_ids.append(np.full(len(batch), k))
            sources.append(np.asarray(batch) if is_index else np.full(len(batch), -1))
        n_in_scored += len(eval_in)
        if n_in_scored >= EVAL_BUDGET and len(set(np.concatenate(fold_ids))) >= 2:
            break
    return (
        np.vstack(feats),
        np.concatenate(correct),
        np.concatenate(kinds),
        np.concatenate(fold_ids),
        np.concatenate(sources),
    )


def _out_of_fold_confidence(feats, labels, kinds, fold_ids, random_state):
    conf = np.empty(len(labels))
    for k in np.unique(fold_ids):
        test = fold_ids == k
        meta = _fit_meta(feats[~test], labels[~test], kinds[~test], random_state)
        conf[test] = _meta_predict(meta, feats[test])
    return conf


# --- training
def _offtopic_negatives(scorer, langs):
    """Built-in off-topic sentences in the FAQ's languages, unless near a variant."""
    pool = []
    if "en" in langs:
        pool += OFFTOPIC_EN
    if "es" in langs:
        pool += OFFTOPIC_ES
    if not pool:
        return []
    sims = scorer.similarities(scorer.transform(pool))
    best = sims.max(axis=1)
    return [
        t
        for t, s in zip(pool, best, strict=True)
        if s < OFFTOPIC_MAX_SIMILARITY
        and _intent_overlap(scorer, t) < OFFTOPIC_MAX_OVERLAP
    ]


def _intent_overlap(scorer, text):
    """Largest share of ``text``'s content words one intent's variants use."""
    content = [stem(w) for w in words(text) if w not in STOPWORDS]
    if not content:
        return 0.0
    return max(
        sum(t in seen for t in content) / len(content) for seen in scorer.intent_words
    )


def _per_language(conf, correct, kinds, langs, threshold):
    out = {}
    for lang in LANGUAGES:
        mask = (kinds == KIND_IN) & (langs == lang)
        if mask.any():
            out[f"in_scope_accuracy_{lang}"] = float(
                ((conf >= threshold) & correct)[mask].mean()
            )
    return out
