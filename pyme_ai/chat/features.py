"""Text features and the scorer behind the FAQ model.

``Scorer`` turns question variants into TF-IDF vectors (character 3-5-grams inside word
boundaries on normalised text, plus stemmed word uni- and bi-grams), fits two linear
classifiers on them and keeps the variants for nearest-neighbour look-ups. When the
``wordllama`` package is installed (see ``embeddings``) it also embeds every variant
with static word-piece embeddings and fits a logistic regression on those vectors.

The predicted intent mixes both views, ``a * log p_embeddings + (1 - a) * log
p_tfidf``: the embeddings alone (``a = 1``) for a small FAQ (median variants per intent
at most ``FEW_SHOT_VARIANTS``), ``a = MANY_SHOT_MIX`` from ``MANY_SHOT_VARIANTS`` on,
linear in between: with 5 variants per intent embeddings win by 7-9 points of top-1,
with hundreds TF-IDF is as good and the mix adds a little (bench/chat.py).

For each query the scorer returns the predicted intent and a row of "how sure can we
be" features (classifier margins, similarity to the closest variants and to the intent
centroid in both views, share of the query's words the intent has seen). A small
meta-model (see ``model``) turns that row into a confidence.

Labelled out-of-scope questions, when the FAQ has them, are one more class of the three
classifiers, never predicted: their probability (TF-IDF SVM, embeddings) and the cosine
to the nearest such question are features (``OOS_FEATURES``). On BANKING77-OOS with its
id-oos train split that refuses 0.938 of the id-oos test queries against 0.790 without
(bench/chat.py).

Answer time: a TF-IDF row is computed directly (``tfidf_rows``: what the vectoriser's
``transform`` gives, without its per-call checks) and the embedding nearest-variant
index is float32, one matrix-vector product per query.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.pipeline import FeatureUnion
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.preprocessing import normalize as l2_normalize
from sklearn.svm import LinearSVC

from . import embeddings
from .text import STOPWORDS, normalize, stem, stems, words

#: Relative weight of the character block vs the word block (squared-norm shares).
CHAR_WEIGHT = 0.6
#: Softmax temperature, relative to the median winning decision value in training.
TEMPERATURE = 0.2
#: Inverse regularisation of the logistic regression on embeddings.
EMBEDDING_C = 5.0
#: Weight of the embedding view in the predicted intent (see the module docstring).
FEW_SHOT_VARIANTS = 5
MANY_SHOT_VARIANTS = 40
MANY_SHOT_MIX = 0.5

FEATURE_NAMES = (
    "svc_p1", "svc_margin", "svc_max", "svc_second", "svc_entropy",
    "sgd_p1", "sgd_margin", "sgd_max", "sgd_second",
    "agree", "sgd_p_at_pred",
    "knn_max", "knn_pred", "knn_agree", "centroid_cos",
    "known_words", "intent_coverage", "vocab_coverage", "log_words",
    "content_known", "content_intent",
    "svc_p_at_pred", "emb_p1", "emb_margin", "emb_p_at_pred",
    "emb_knn_max", "emb_knn_pred", "emb_centroid",
    "oos_svc", "oos_emb", "oos_knn",
)  # fmt: skip
#: The embedding features (zeros when the scorer has no embedding view).
EMBEDDING_FEATURES = FEATURE_NAMES[
    FEATURE_NAMES.index("emb_p1") : FEATURE_NAMES.index("emb_centroid") + 1
]
#: Features of the labelled out-of-scope class (zeros without such examples): its
#: probability in each classifier, the embedding cosine to the nearest such example.
OOS_FEATURES = ("oos_svc", "oos_emb", "oos_knn")


def embedding_mix(variants):
    """Weight ``a`` of the embedding view for ``variants`` (median per intent)."""
    share = (variants - FEW_SHOT_VARIANTS) / (MANY_SHOT_VARIANTS - FEW_SHOT_VARIANTS)
    share = min(max(share, 0.0), 1.0)
    return 1.0 - share * (1.0 - MANY_SHOT_MIX)


def word_ngrams(text):
    """Stemmed word unigrams and bigrams (the word analyzer; module level to pickle)."""
    tokens = stems(text)
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]


def make_vectorizer():
    char = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(3, 5),
        preprocessor=normalize,
        lowercase=False,
        sublinear_tf=True,
        dtype=np.float32,
    )
    word = TfidfVectorizer(analyzer=word_ngrams, sublinear_tf=True, dtype=np.float32)
    return FeatureUnion(
        [("char", char), ("word", word)],
        transformer_weights={
            "char": math.sqrt(CHAR_WEIGHT),
            "word": math.sqrt(1 - CHAR_WEIGHT),
        },
    )


def _linear_weights(clf):
    """``(features x intents, intents)`` float32 weights of a fitted linear model."""
    coef, intercept = clf.coef_, clf.intercept_
    if coef.shape[0] == 1:  # binary problem: one row for the positive class
        coef, intercept = np.vstack([-coef, coef]), np.r_[-intercept, intercept]
    return np.ascontiguousarray(coef.T, dtype=np.float32), intercept.astype(np.float32)


def _softmax(scores, temperature):
    z = scores / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def tfidf_rows(blocks, texts):
    """``hstack([v.transform(texts) * scale for v, scale in blocks])`` for fitted
    sublinear, l2-normalised ``TfidfVectorizer`` blocks, without scikit-learn's
    per-call input checks (most of a single answer's time): the same counts,
    ``1 + log(tf)``, idf weights and norms per block, each row on its own, float32 like
    the vectorisers' output."""
    analyzers = [(v.build_analyzer(), v.vocabulary_) for v, _ in blocks]
    offsets = np.cumsum([0] + [len(v.vocabulary_) for v, _ in blocks])
    bounds, indices, counts = [0], [], []  # one segment per (text, block)
    for text in texts:
        for (analyze, vocabulary), offset in zip(analyzers, offsets, strict=False):
            row = {}
            for term in analyze(text):
                j = vocabulary.get(term)
                if j is not None:
                    row[j] = row.get(j, 0) + 1
            cols = sorted(row)
            indices += [offset + j for j in cols]
            counts += [row[j] for j in cols]
            bounds.append(len(indices))
    n_blocks = len(blocks)
    bounds = np.asarray(bounds, dtype=np.int32)
    sizes = np.diff(bounds)
    data = np.asarray(counts, dtype=np.float32)
    np.log(data, out=data)
    data += 1
    indices = np.asarray(indices, dtype=np.int32)
    idf = np.concatenate([v.idf_ for v, _ in blocks]).astype(np.float32)
    data *= idf[indices]
    squares = np.add.reduceat(np.r_[data.astype(np.float64) ** 2, 0.0], bounds[:-1])
    norms = np.sqrt(np.where(sizes > 0, squares, 1.0))
    scales = np.tile([scale for _, scale in blocks], len(texts))
    data = (data * np.repeat(scales / norms, sizes)).astype(np.float32)
    shape = (len(texts), int(offsets[-1]))
    return sp.csr_matrix((data, indices, bounds[::n_blocks]), shape=shape)


def _knn_index(vectors):
    """Stored variants' unit vectors for ``cosines``: rows x dims, float32 (half the
    memory read per answer: with 15k variants that read is most of its time)."""
    return np.ascontiguousarray(vectors, dtype=np.float32)


def cosines(vectors, index):
    """``(len(vectors), rows)`` float64 cosines to every row of a ``_knn_index``.

    One matrix-vector product per query, so a query gets the same values alone or in
    a batch (a float32 matrix product would round differently by batch shape)."""
    out = np.empty((len(vectors), index.shape[0]))
    for i, v in enumerate(np.asarray(vectors, dtype=index.dtype)):
        out[i] = index @ v
    return out


class Scorer:
    """Vectoriser + classifiers + nearest-variant index for one set of intents.

    ``fit`` takes texts and integer intent codes ``0..n_intents-1`` (all present), and
    optionally ``oos_texts``: questions the FAQ must not answer. Those are one more
    class of the classifiers (never predicted: only its probability is a feature), not
    part of the nearest-variant index, the centroids or the known words.
    """

    def __init__(self, random_state=0, use_embeddings=None):
        self.random_state = random_state
        #: None = whenever the ``wordllama`` package is installed
        self.use_embeddings = use_embeddings

    def fit(self, texts, codes, oos_texts=()):
        codes = np.asarray(codes)
        order = np.argsort(codes, kind="stable")
        texts = [texts[i] for i in order]
        codes = codes[order]
        self.n_intents = int(codes.max()) + 1
        oos_texts = list(oos_texts)
        self.n_oos = len(oos_texts)
        n_in = len(texts)
        # the labelled out-of-scope questions are class ``n_intents``, after the rest
        all_codes = np.r_[codes, np.full(self.n_oos, self.n_intents)].astype(int)
        union = make_vectorizer()
        full = union.fit_transform(texts + oos_texts)
        matrix = full[:n_in]
        # nearest-variant index: features x rows, rows grouped by intent
        index = matrix.T.tocsr()
        self.starts = np.searchsorted(codes, np.arange(self.n_intents))
        onehot = MultiLabelBinarizer(classes=range(self.n_intents), sparse_output=True)
        members = onehot.fit_transform([[c] for c in codes])
        centroids = l2_normalize(members.T @ matrix).T.tocsr()
        svc = LinearSVC(C=0.5, max_iter=10000, random_state=self.random_state)
        sgd = SGDClassifier(
            loss="modified_huber",
            alpha=1e-4,
            max_iter=1000,
            tol=1e-3,
            random_state=self.random_state,
        )
        # keep only the weights, transposed and contiguous: sparse @ dense is then fast
        linear = [_linear_weights(clf.fit(full, all_codes)) for clf in (svc, sgd)]
        self.intercepts = [b for _, b in linear]
        self.temperatures = [
            TEMPERATURE * max(float(np.median((full @ w + b).max(axis=1))), 1e-3)
            for w, b in linear
        ]
        # at answer time: one query row for both blocks (``tfidf_rows``, no
        # FeatureUnion overhead), one product with both classifiers' weights
        self.blocks = [
            (vectorizer, union.transformer_weights[name])
            for name, vectorizer in union.transformer_list
        ]
        self.weights = np.ascontiguousarray(np.hstack([w for w, _ in linear]))
        self.index = index
        self.centroids = centroids
        word = union.transformer_list[1][1]
        self.intent_words = [set() for _ in range(self.n_intents)]
        for text, code in zip(texts, codes, strict=True):
            self.intent_words[code].update(stems(text))
        # known words are the FAQ's own, not those of its out-of-scope examples
        seen = set().union(*self.intent_words)
        self.idf = {
            term: float(word.idf_[i])
            for term, i in word.vocabulary_.items()
            if not self.n_oos or all(t in seen for t in term.split())
        }
        self.max_idf = float(word.idf_.max())
        use = self.use_embeddings
        self.embedded = embeddings.available() if use is None else bool(use)
        if self.embedded:
            self._fit_embeddings(texts + oos_texts, all_codes, members)
        return self

    def _fit_embeddings(self, texts, codes, members):
        all_vectors = embeddings.embed(texts)
        n_in = members.shape[0]
        vectors = all_vectors[:n_in]
        self.emb_oos_index = _knn_index(all_vectors[n_in:])
        lr = LogisticRegression(C=EMBEDDING_C, max_iter=3000)
        lr.fit(all_vectors, codes)
        weights, intercept = _linear_weights(lr)
        if lr.coef_.shape[0] == 1:  # softmax of (-z/2, z/2) is the sigmoid of z
            weights, intercept = weights / 2, intercept / 2
        # float64 at answer time: a batch and single calls give the same confidences
        self.emb_weights = weights.astype(np.float64)
        self.emb_intercept = intercept.astype(np.float64)
        self.emb_index = _knn_index(vectors)
        sums = np.asarray(members.T @ vectors)
        self.emb_centroids = np.ascontiguousarray(l2_normalize(sums).T)
        counts = np.bincount(codes[:n_in], minlength=self.n_intents)
        self.mix = embedding_mix(float(np.median(counts)))

    def transform(self, texts):
        """TF-IDF rows of ``texts`` (CSR, both blocks weighted, as in training)."""
        return tfidf_rows(self.blocks, texts)

    def _decisions(self, mat):
        """Decision values of both classifiers (SVM, SGD), float64."""
        both = (mat @ self.weights).astype(np.float64)
        width = len(self.intercepts[0])
        return [
            both[:, :width] + self.intercepts[0],
            both[:, width:] + self.intercepts[1],
        ]

    def similarities(self, mat):
        """Cosine similarity of each query to every stored variant (dense array)."""
        return (mat @ self.index).toarray()

    def score(self, texts):
        """``(predicted intent codes, feature rows)`` for ``texts``."""
        mat = self.transform(texts)
        rows = np.arange(len(texts))
        n, has_oos = self.n_intents, getattr(self, "n_oos", 0) > 0
        d_full, d_sgd = self._decisions(mat)
        d_svc = d_full[:, :n]
        d_sgd = d_sgd[:, :n]
        p_svc = _softmax(d_svc, self.temperatures[0])
        p_sgd = _softmax(d_sgd, self.temperatures[1])
        oos_cols = [np.zeros(len(texts))] * len(OOS_FEATURES)
        if has_oos:
            oos_cols[0] = _softmax(d_full, self.temperatures[0])[:, n]
        embedded = getattr(self, "embedded", False)
        if embedded:
            vectors = embeddings.embed(texts)
            logits = vectors @ self.emb_weights + self.emb_intercept
            p_emb = _softmax(logits[:, :n], 1.0)
            if has_oos:
                oos_cols[1] = _softmax(logits, 1.0)[:, n]
                oos_cols[2] = cosines(vectors, self.emb_oos_index).max(axis=1)
            mixed = self.mix * np.log(np.clip(p_emb, 1e-12, 1.0))
            if self.mix < 1:
                mixed += (1 - self.mix) * np.log(np.clip(p_svc, 1e-12, 1.0))
            pred = mixed.argmax(axis=1)
        else:
            pred = d_svc.argmax(axis=1)
        sims = self.similarities(mat)
        per_intent = np.maximum.reduceat(sims, self.starts, axis=1)
        centroid = (mat @ self.centroids).toarray()
        cols = []
        for d, p in ((d_svc, p_svc), (d_sgd, p_sgd)):
            top2 = np.sort(p, axis=1)[:, -2:] if p.shape[1] > 1 else np.c_[p * 0, p]
            dtop2 = np.sort(d, axis=1)[:, -2:]
            cols += [top2[:, 1], top2[:, 1] - top2[:, 0], dtop2[:, 1], dtop2[:, 0]]
            if d is d_svc:
                entropy = -(p * np.log(np.clip(p, 1e-12, 1.0))).sum(axis=1)
                cols.append(entropy / math.log(max(self.n_intents, 2)))
        cols += [
            (d_sgd.argmax(axis=1) == pred).astype(float),
            p_sgd[rows, pred],
            per_intent.max(axis=1),
            per_intent[rows, pred],
            (per_intent.argmax(axis=1) == pred).astype(float),
            centroid[rows, pred],
        ]
        coverage = [self._coverage(t, c) for t, c in zip(texts, pred, strict=True)]
        cols += list(np.array(coverage).T)
        cols.append(p_svc[rows, pred])
        if embedded:
            top2 = np.sort(p_emb, axis=1)[:, -2:]
            knn = cosines(vectors, self.emb_index)
            knn_intent = np.maximum.reduceat(knn, self.starts, axis=1)
            cols += [
                top2[:, 1],
                top2[:, 1] - top2[:, 0],
                p_emb[rows, pred],
                knn.max(axis=1),
                knn_intent[rows, pred],
                (vectors @ self.emb_centroids)[rows, pred],
            ]
        else:
            cols += [np.zeros(len(texts))] * len(EMBEDDING_FEATURES)
        cols += oos_cols
        return pred, np.column_stack(cols).astype(np.float64), sims

    def _coverage(self, text, code):
        normal = words(text)
        tokens = [stem(w) for w in normal]
        content = [t for w, t in zip(normal, tokens, strict=True) if w not in STOPWORDS]
        if not tokens:
            return 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
        weights = [self.idf.get(t, self.max_idf) for t in tokens]
        total = sum(weights)
        known = [t in self.idf for t in tokens]
        seen = self.intent_words[code]
        return (
            sum(known) / len(tokens),
            sum(w for t, w in zip(tokens, weights, strict=True) if t in seen) / total,
            sum(w for w, k in zip(weights, known, strict=True) if k) / total,
            math.log1p(len(tokens)),
            sum(t in self.idf for t in content) / len(content) if content else 1.0,
            sum(t in seen for t in content) / len(content) if content else 1.0,
        )
