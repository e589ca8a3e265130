"""Labelled out-of-scope lines (intent None) as one more class of the scorer's
classifiers: never predicted, their probability and nearest example are features."""

import numpy as np
import pytest

from pyme_ai.chat import embeddings, evaluate
from pyme_ai.chat import model as chat_model
from pyme_ai.chat.features import FEATURE_NAMES, OOS_FEATURES, Scorer
from pyme_ai.chat.text import stem

# banking questions this FAQ does not answer: mortgages and loans
OOS = [
    "can I get a mortgage",
    "I want a mortgage for a flat",
    "do you offer home loans",
    "apply for a personal loan",
    "loan interest rates please",
    "how much can I borrow for a mortgage",
]
CODES = np.repeat([0, 1], 5)


@pytest.fixture
def texts(banking_few_shot):
    return [t for ts in banking_few_shot.values() for t in ts]


def column(feats, name):
    return feats[:, FEATURE_NAMES.index(name)]


@pytest.mark.parametrize("use_embeddings", [False, None])
def test_labelled_out_of_scope_is_a_feature_not_an_answer(use_embeddings, texts):
    scorer = Scorer(0, use_embeddings=use_embeddings).fit(texts, CODES, OOS)
    queries = ["is a mortgage loan possible", "I lost my card yesterday"]
    pred, feats, sims = scorer.score(queries)
    assert set(pred) <= {0, 1}  # the out-of-scope class is never the prediction
    assert pred[1] == 0
    oos_svc = column(feats, "oos_svc")
    assert oos_svc[0] > 0.5 > oos_svc[1]
    if scorer.embedded:
        assert column(feats, "oos_knn")[0] > column(feats, "oos_knn")[1]
        assert column(feats, "oos_emb")[0] > column(feats, "oos_emb")[1]
    # the nearest-variant index and the known words are the FAQ's own
    assert sims.shape == (2, len(texts))
    assert stem("mortgage") not in scorer.idf and stem("card") in scorer.idf
    assert column(feats, "content_known")[0] == 0.0


def test_without_labelled_lines_their_features_are_zero_and_nothing_changes(texts):
    plain = Scorer(0).fit(texts, CODES)
    queries = ["is a mortgage loan possible", "I lost my card yesterday"]
    pred, feats, _ = plain.score(queries)
    cols = [FEATURE_NAMES.index(name) for name in OOS_FEATURES]
    assert not feats[:, cols].any()
    # the other features are those of a scorer that never heard of the extra class
    again = Scorer(0).fit(texts, CODES, ())
    np.testing.assert_allclose(again.score(queries)[1], feats)
    assert (again.score(queries)[0] == pred).all()


@pytest.mark.skipif(not embeddings.available(), reason="wordllama is not installed")
def test_fold_scorers_never_train_on_the_labelled_lines_they_score(
    monkeypatch, banking_few_shot
):
    calls = []

    class Recording(Scorer):
        def fit(self, texts, codes, oos_texts=()):
            self.oos_seen = set(oos_texts)
            calls.append(self)
            return super().fit(texts, codes, oos_texts)

        def score(self, texts):
            if hasattr(self, "oos_seen"):
                scored = set(texts) & set(OOS)
                assert not scored & self.oos_seen
                self.scored = getattr(self, "scored", set()) | scored
            return super().score(texts)

    monkeypatch.setattr(chat_model, "Scorer", Recording)
    examples = [(t, name) for name, ts in banking_few_shot.items() for t in ts]
    examples += [(t, None) for t in OOS]
    result = evaluate(examples, random_state=0)
    final, folds = calls[0], calls[1:]
    assert final.oos_seen == set(OOS) and result.model.scorer_ is final
    assert folds and all(0 < len(s.oos_seen) < len(OOS) for s in folds)
    # every labelled line was scored by a fold scorer that had not seen it
    assert set().union(*(getattr(s, "scored", set()) for s in folds)) == set(OOS)
    assert "labelled_oos_recall" in result.metrics


# --- the answer-time fast paths compute what scikit-learn computes
def test_tfidf_rows_equal_the_feature_unions_own_transform(texts):
    from pyme_ai.chat.features import make_vectorizer, tfidf_rows

    union = make_vectorizer().fit(texts + OOS)
    blocks = [
        (v, union.transformer_weights[name]) for name, v in union.transformer_list
    ]
    queries = ["I lost my card!!", "", "¿?", "zzz qqq", "top up top up my card", "a"]
    expected = union.transform(queries)
    got = tfidf_rows(blocks, queries)
    assert got.shape == expected.shape and got.dtype == np.float32
    np.testing.assert_allclose(got.toarray(), expected.toarray(), atol=1e-6)
    # one row alone is the same row as in a batch
    np.testing.assert_array_equal(
        tfidf_rows(blocks, queries[4:5]).toarray()[0], got.toarray()[4]
    )
    assert not got[1].nnz and not got[2].nnz  # nothing known: an empty row


def test_flat_trees_predict_the_gradient_boosting_probability():
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression

    from pyme_ai.chat.model import FlatTrees

    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 5))
    y = (X[:, 0] + X[:, 1] * X[:, 2] + rng.normal(0, 0.5, 600) > 0).astype(int)
    X[rng.random(X.shape) < 0.05] = np.nan  # missing values take the learnt side
    gbm = HistGradientBoostingClassifier(max_iter=30, max_leaf_nodes=15)
    gbm.fit(X, y)
    trees = FlatTrees.of(gbm)
    queries = np.vstack([X[:50], rng.normal(size=(50, 5)) * 3])
    np.testing.assert_allclose(
        trees.predict(queries), gbm.predict_proba(queries)[:, 1], rtol=0, atol=1e-12
    )
    assert FlatTrees.of(LogisticRegression().fit(np.nan_to_num(X), y)) is None
