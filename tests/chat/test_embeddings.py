"""Static embeddings (wordllama's bundled table) and how the scorer mixes them in."""

import json

import numpy as np
import pytest

from pyme_ai.chat import embeddings
from pyme_ai.chat.features import (
    EMBEDDING_FEATURES,
    FEATURE_NAMES,
    MANY_SHOT_MIX,
    Scorer,
    embedding_mix,
)

needs_table = pytest.mark.skipif(
    not embeddings.available(), reason="wordllama is not installed"
)


def test_prepare_folds_accents_punctuation_and_long_repeats_only():
    assert embeddings.prepare("¡Holaaa! ¿Abrís a las 8h?") == "hola abris a las 8 h"
    # doubled letters are words the tokenizer knows: kept
    assert embeddings.prepare("Account balance") == "account balance"


def test_read_safetensors_reads_a_float16_tensor():
    data = np.arange(6, dtype=np.float16).reshape(2, 3)
    header = json.dumps(
        {"t": {"dtype": "F16", "shape": [2, 3], "data_offsets": [0, data.nbytes]}}
    ).encode()
    raw = len(header).to_bytes(8, "little") + header + data.tobytes()
    out = embeddings.read_safetensors(raw, "t")
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, data.astype(np.float32))


@needs_table
def test_embed_gives_unit_vectors_and_similar_questions_are_close():
    vectors = embeddings.embed(
        ["how do I reset my password", "I forgot my password", "", "tell me a joke"]
    )
    assert vectors.shape == (4, embeddings.DIM)
    np.testing.assert_allclose(np.linalg.norm(vectors[[0, 1, 3]], axis=1), 1.0)
    assert not vectors[2].any()  # no token: zero vector
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[3]


def test_embedding_weight_follows_the_variants_per_intent():
    assert embedding_mix(3) == embedding_mix(5) == 1.0
    assert embedding_mix(40) == embedding_mix(400) == MANY_SHOT_MIX
    assert MANY_SHOT_MIX < embedding_mix(20) < 1.0


FEW = {
    "card_lost": [
        "I lost my card",
        "my card was stolen",
        "someone took my card",
        "card missing from my wallet",
        "I can't find my card anywhere",
    ],
    "top_up": [
        "how do I top up",
        "add money to my account",
        "put funds in my balance",
        "top up with a bank transfer",
        "load cash into the app",
    ],
}


@needs_table
def test_few_shot_scorer_predicts_with_embeddings_and_fills_their_features():
    texts = [t for ts in FEW.values() for t in ts]
    codes = np.repeat([0, 1], 5)
    scorer = Scorer(0).fit(texts, codes)
    assert scorer.embedded and scorer.mix == 1.0
    queries = ["my wallet with the card inside is gone", "deposit money please"]
    pred, feats, _ = scorer.score(queries)
    assert feats.shape == (2, len(FEATURE_NAMES))
    cols = [FEATURE_NAMES.index(name) for name in EMBEDDING_FEATURES]
    assert (feats[:, cols] != 0).any(axis=0).all()
    # the prediction is the embedding classifier's (mix 1)
    p = FEATURE_NAMES.index("emb_p_at_pred")
    p1 = FEATURE_NAMES.index("emb_p1")
    np.testing.assert_allclose(feats[:, p], feats[:, p1])


def test_scorer_without_embeddings_leaves_their_features_at_zero():
    texts = [t for ts in FEW.values() for t in ts]
    scorer = Scorer(0, use_embeddings=False).fit(texts, np.repeat([0, 1], 5))
    _, feats, _ = scorer.score(["I lost my card"])
    cols = [FEATURE_NAMES.index(name) for name in EMBEDDING_FEATURES]
    assert not feats[:, cols].any()
