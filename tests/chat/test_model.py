"""pyme_ai.chat FAQ model: training, answers, out-of-scope, learnt threshold, errors,
the estimator protocol."""

from importlib import resources

import numpy as np
import pytest

from pyme_ai import persistence
from pyme_ai.base import Estimator, NotFittedError, PymeAiError
from pyme_ai.chat import (
    ChatDataError,
    ChatModel,
    EmptyTrainingDataError,
    TooFewIntentsError,
    TooFewVariantsError,
    answer_metrics,
    choose_threshold,
    evaluate,
    read_jsonl,
)
from pyme_ai.training import TrainingResult

TINY_FAQ = [
    ("¿A qué hora abrís?", "hours", "es"),
    ("horario de la tienda", "hours", "es"),
    ("¿Abren los domingos?", "hours", "es"),
    ("¿Hasta qué hora está abierto?", "hours", "es"),
    ("What are your opening hours?", "hours", "en"),
    ("Are you open on Sunday?", "hours", "en"),
    ("When do you close?", "hours", "en"),
    ("¿Hacéis envíos a domicilio?", "shipping", "es"),
    ("¿Cuánto cuesta el envío?", "shipping", "es"),
    ("¿Enviáis fuera de España?", "shipping", "es"),
    ("plazo de entrega del pedido", "shipping", "es"),
    ("Do you ship abroad?", "shipping", "en"),
    ("How much is delivery?", "shipping", "en"),
    ("How long does shipping take?", "shipping", "en"),
    ("¿Puedo pagar con tarjeta?", "payment", "es"),
    ("¿Aceptáis PayPal?", "payment", "es"),
    ("formas de pago", "payment", "es"),
    ("¿Se puede pagar en efectivo?", "payment", "es"),
    ("Can I pay by card?", "payment", "en"),
    ("Do you accept PayPal?", "payment", "en"),
    ("What payment methods do you take?", "payment", "en"),
]


@pytest.fixture(scope="module")
def sample_faq():
    path = resources.files("pyme_ai") / "samples" / "chat_faq_sample.jsonl"
    return read_jsonl(path, require=("text", "intent"))


@pytest.fixture(scope="module")
def sample_result(sample_faq):
    return evaluate(sample_faq, random_state=0)


@pytest.fixture(scope="module")
def tiny_result():
    return evaluate(TINY_FAQ, random_state=0)


def test_training_result_shape(sample_result):
    assert isinstance(sample_result, TrainingResult)
    assert isinstance(sample_result.model, ChatModel)
    assert sample_result.primary_metric == "in_scope_accuracy"
    assert sample_result.higher_is_better is True
    assert sample_result.n_rows == 213
    m = sample_result.metrics
    assert m["n_intents"] == 8 and m["n_examples"] == 213
    for key in ("in_scope_accuracy", "top1_accuracy", "oos_recall", "answer_rate"):
        assert 0.0 <= m[key] <= 1.0
    assert m["in_scope_accuracy"] <= m["top1_accuracy"]
    assert m["in_scope_accuracy"] <= m["answer_rate"]
    assert {"in_scope_accuracy_es", "in_scope_accuracy_en"} <= set(m)
    assert sample_result.score == m["in_scope_accuracy"]
    assert sample_result.report["languages"] == {"es": 107, "en": 106}


@pytest.mark.parametrize(
    ("query", "intent"),
    [
        ("a q ora abren el sabado", "opening_hours"),
        ("orario de la tienda", "opening_hours"),  # typo: missing h
        ("el domingo abris??", "opening_hours"),  # word order, no accents
        ("Sunday open are you?", "opening_hours"),
        ("donde esta la tienda", "address_directions"),
        ("telefono de contacto", "contact"),
        ("cuanto cuesta la instalacion", "prices"),
        ("ENVIAIS A MEXICO", "shipping"),
        ("shiping cost", "shipping"),  # typo
        ("quiero devolver un pedido", "returns"),
        ("se puede pagar con paypal", "payment_methods"),
        ("let me talk to a human", "talk_to_person"),
    ],
)
def test_answers_in_scope_questions(sample_result, query, intent):
    answer = sample_result.model.answer(query)
    assert answer["intent"] == intent
    assert answer["confidence"] >= sample_result.model.threshold_


@pytest.mark.parametrize(
    "query",
    [
        "what's the capital of France",
        "receta de paella valenciana",
        "how many moons does jupiter have",
        "quién ganó el mundial de 2010",
    ],
)
def test_out_of_scope_is_refused(sample_result, tiny_result, query):
    for result in (sample_result, tiny_result):
        answer = result.model.answer(query)
        assert answer["intent"] is None
        assert answer["confidence"] < result.model.threshold_


def test_tiny_faq_answers_and_refuses(tiny_result):
    model = tiny_result.model
    assert model.answer("what's the capital of France")["intent"] is None
    assert model.answer("¿abren el domingo?")["intent"] == "hours"
    assert model.answer("do you take credit cards")["intent"] == "payment"
    assert model.answer("cuanto tarda el envio")["intent"] == "shipping"


def test_accents_case_and_repeats_do_not_change_the_confidence(sample_result):
    model = sample_result.model
    names, conf = model.confidences(
        ["¿ABRÍS EL DOMINGO?", "abris el domingo", "abriiis el domingoooo"]
    )
    assert len(set(names)) == 1
    assert conf[0] == conf[1] == conf[2]


def test_answer_dict_and_languages(sample_result):
    model = sample_result.model
    answer = model.answer("¿abren el domingo?")
    assert set(answer) == {"intent", "confidence", "lang"}
    assert (
        isinstance(answer["confidence"], float) and 0.0 <= answer["confidence"] <= 1.0
    )
    assert answer["lang"] == "es"
    assert model.answer("do you ship to Mexico?")["lang"] == "en"
    # no evidence either way: the FAQ's main language (ties go to Spanish)
    assert model.answer("ok")["lang"] == model.default_lang_ == "es"
    assert model.languages_["shipping"] == ["en", "es"]


def test_batch_matches_single_calls_and_keeps_order(sample_result):
    model = sample_result.model
    texts = ["hola, horario?", "", "capital of france", "do you accept paypal"]
    batch = model.predict(texts)
    single = [model.answer(t) for t in texts]
    assert [(a["intent"], a["lang"]) for a in batch] == [
        (a["intent"], a["lang"]) for a in single
    ]
    assert [a["confidence"] for a in batch] == pytest.approx(
        [a["confidence"] for a in single], abs=1e-9
    )
    assert batch[1] == {"intent": None, "confidence": 0.0, "lang": "es"}
    assert batch[3]["intent"] == "payment_methods"
    assert model.predict([]) == []


def test_threshold_override(sample_result):
    model = sample_result.model
    assert model.answer("capital of france", threshold=0.0)["intent"] is not None
    assert model.answer("se puede pagar con paypal", threshold=1.01)["intent"] is None


def test_threshold_is_learnt_not_constant(sample_result, tiny_result):
    thresholds = [sample_result.model.threshold_, tiny_result.model.threshold_]
    for t in thresholds:
        assert 0.0 < t < 1.0
    assert thresholds[0] != thresholds[1]
    assert sample_result.report["learnt_threshold"] == sample_result.model.threshold_
    assert sample_result.metrics["threshold"] == sample_result.model.threshold_
    forced = evaluate(TINY_FAQ, threshold=0.9)
    assert forced.model.threshold_ == 0.9
    assert forced.report["learnt_threshold"] == tiny_result.model.threshold_


def test_training_is_reproducible():
    a, b = evaluate(TINY_FAQ, random_state=3), evaluate(TINY_FAQ, random_state=3)
    assert a.model.threshold_ == b.model.threshold_
    assert a.metrics == b.metrics


def test_choose_threshold_hand_computed():
    # in-scope: .9 ok, .8 ok, .5 wrong, .4 ok; held-out intents .6, .3; off-topic .2, .1
    conf = [0.9, 0.8, 0.5, 0.4, 0.6, 0.3, 0.2, 0.1]
    correct = [True, True, False, True, False, False, False, False]
    kinds = [0, 0, 0, 0, 1, 1, 2, 2]
    # accepting .9/.8 gives mean(2/4, 1.0) = 0.75; accepting down to .4 ties
    # (mean(3/4, mean(1/2, 1)) = 0.75): the first (stricter) cut wins, midway .8/.6
    assert choose_threshold(conf, correct, kinds) == pytest.approx(0.7)
    # every OOS row above every in-scope row: refuse everything
    assert choose_threshold([0.1, 0.2, 0.9], [True, True, False], [0, 0, 1]) > 0.9
    with pytest.raises(ValueError):
        choose_threshold([0.5], [True], [0])


def test_labelled_out_of_scope_examples_are_used():
    extra = [
        {"text": "cuéntame un chiste de perros", "intent": None},
        {"text": "tell me about dinosaurs", "intent": "__oos__"},
        {"text": "what is the best football team", "intent": None},
    ]
    result = evaluate([*TINY_FAQ, *extra])
    assert result.report["labelled_oos_examples"] == 3
    assert "labelled_oos_recall" in result.metrics
    assert result.n_rows == len(TINY_FAQ) + 3
    assert "__oos__" not in result.model.intents_ and None not in result.model.intents_


def test_roundtrip_through_persistence(sample_result):
    data = persistence.dumps(sample_result.model, "secret")
    loaded = persistence.loads(data, "secret")
    texts = ["¿dónde estáis?", "tell me a joke", "refund please"]
    assert loaded.predict(texts) == sample_result.model.predict(texts)


def test_input_errors():
    with pytest.raises(EmptyTrainingDataError):
        evaluate([])
    with pytest.raises(EmptyTrainingDataError):
        evaluate([{"text": "   ", "intent": "a"}, {"text": "x", "intent": None}])
    with pytest.raises(TooFewIntentsError, match="at least 2 different intents"):
        evaluate([("hola", "greet"), ("buenas", "greet"), ("hey", "greet")])
    few = [*TINY_FAQ, ("¿tenéis tienda?", "stores"), ("store near me", "stores")]
    with pytest.raises(TooFewVariantsError, match=r"'stores' \(2\)") as info:
        evaluate(few)
    assert info.value.intents == {"stores": 2}
    with pytest.raises(ChatDataError, match="'lang'"):
        evaluate([(t, i, "fr") for t, i, _ in TINY_FAQ])
    with pytest.raises(ChatDataError, match="missing 'text'"):
        evaluate([{"intent": "a"}])
    with pytest.raises(ChatDataError, match="must be a string"):
        evaluate([{"text": 3, "intent": "a"}])
    assert issubclass(ChatDataError, ValueError)


def test_two_intents_without_any_out_of_scope_rows(monkeypatch):
    two = [(t, i, lang) for t, i, lang in TINY_FAQ if i != "payment"]
    result = evaluate(two)
    assert result.report["heldout_rows"]["heldout_intent_recall"] == 0  # 1 left: no
    assert result.report["offtopic_used"] > 0
    assert result.model.answer("what's the capital of France")["intent"] is None
    # no negatives at all: the threshold keeps 95% of the right held-out answers
    monkeypatch.setattr("pyme_ai.chat.model.OFFTOPIC_MAX_SIMILARITY", -1.0)
    bare = evaluate(two)
    assert bare.report["offtopic_used"] == 0
    assert bare.metrics["oos_recall"] is None and bare.metrics["balanced_score"] is None
    assert 0.0 < bare.model.threshold_ < 1.0
    m = bare.metrics
    # 95% of the right answers the lexical guard lets through (it refuses those only
    # the embeddings back: here one of 14)
    assert m["in_scope_accuracy"] >= 0.95 * m["top1_accuracy"] - 1 / 14 - 1e-9
    assert bare.model.answer("¿cuánto cuesta el envío?")["intent"] == "shipping"


def test_cross_validation_scores_every_intent_kind(tiny_result):
    rows = tiny_result.report["heldout_rows"]
    assert rows["in_scope"] > 0
    assert rows["heldout_intent_recall"] > 0
    assert rows["offtopic_recall"] > 0
    assert 0 < tiny_result.report["offtopic_used"] <= 160
    assert np.isfinite(tiny_result.metrics["balanced_score"])


# --- the estimator protocol
def test_constructor_only_stores_hyperparameters():
    model = ChatModel(random_state=3, n_folds=4, threshold=0.8)
    assert isinstance(model, Estimator) and model.kind == "website_chat"
    assert model.get_params() == {"random_state": 3, "n_folds": 4, "threshold": 0.8}
    assert not model.is_fitted
    assert not [name for name in vars(model) if name.endswith("_")]
    with pytest.raises(NotFittedError):
        model.predict(["hola"])
    with pytest.raises(PymeAiError, match="unknown parameters"):
        model.set_params(alpha=1)
    assert ChatModel().get_params() == {
        "random_state": 0,
        "n_folds": 5,
        "threshold": None,
    }


def test_fit_returns_self_and_matches_evaluate(tiny_result):
    model = ChatModel(random_state=0)
    assert model.fit(TINY_FAQ) is model
    assert model.is_fitted
    assert model.threshold_ == tiny_result.model.threshold_
    texts = ["¿abren el domingo?", "capital of france", "pay by card"]
    assert model.predict(texts) == tiny_result.model.predict(texts)
    assert model.cv_metrics_ == tiny_result.metrics
    assert tiny_result.model.get_params() == ChatModel().get_params()
    assert "threshold_=" in repr(model) and "threshold_" not in repr(ChatModel())


def test_hyperparameters_reach_the_fit():
    forced = ChatModel(threshold=0.9).fit(TINY_FAQ)
    assert forced.threshold_ == 0.9
    assert forced.learnt_threshold_ != 0.9
    assert ChatModel(n_folds=2).fit(TINY_FAQ).cv_report_["n_folds"] == 2


def test_score_explain_and_answer_metrics(sample_result):
    model = sample_result.model
    labelled = [
        {"text": "¿a qué hora abrís el sábado?", "intent": "opening_hours"},
        {"text": "se puede pagar con paypal", "intent": "payment_methods"},
        ("quiero devolver un pedido", "shipping", "es"),  # wrong on purpose
        {"text": "what's the capital of France", "intent": None},
        {"text": "do you rent bikes", "intent": "bike_rental"},  # unknown intent
    ]
    assert model.score(labelled) == pytest.approx(2 / 3)
    report = answer_metrics(model, labelled)
    overall = report["metrics"]["all"]
    assert overall["n_in_scope"] == 3 and overall["n_out_of_scope"] == 2
    assert overall["oos_recall"] == 1.0
    assert report["unknown_test_intents"] == ["bike_rental"]
    assert report["threshold"] == model.threshold_
    with pytest.raises(ChatDataError, match="no in-scope example"):
        model.score([{"text": "tell me a joke", "intent": None}])
    explained = model.explain(["capital of france", "se puede pagar con paypal"])
    assert explained[0]["refused"] and explained[0]["top_intent"] in model.intents_
    assert explained[1] == {
        "top_intent": "payment_methods",
        "confidence": pytest.approx(
            model.answer("se puede pagar con paypal")["confidence"]
        ),
        "threshold": model.threshold_,
        "refused": False,
    }
    assert model.explain([]) == []


def test_errors_are_engine_errors():
    for error in (
        ChatDataError,
        EmptyTrainingDataError,
        TooFewIntentsError,
        TooFewVariantsError,
    ):
        assert issubclass(error, PymeAiError)
    with pytest.raises(PymeAiError):
        evaluate([])


def test_persistence_checks_the_kind(tiny_result):
    data = persistence.dumps(tiny_result.model, "secret")
    assert persistence.inspect(data)["kind"] == "website_chat"
    loaded = persistence.loads(data, "secret", kind="website_chat")
    assert loaded.threshold_ == tiny_result.model.threshold_
    with pytest.raises(persistence.WrongKindError):
        persistence.loads(data, "secret", kind="lead_scoring")


# --- the threshold rule depends on how much the company wrote
def test_recall_threshold_is_the_lowest_reaching_the_target():
    from pyme_ai.chat.model import recall_threshold

    conf = [0.1, 0.2, 0.9, 0.05, 0.3, 0.5, 0.6]
    kinds = [0, 0, 0, 1, 1, 1, 1]
    # refusing 3 of the 4 out-of-scope rows needs a threshold above 0.5, below 0.6
    assert recall_threshold(conf, kinds, 0.75) == pytest.approx(0.55)
    assert recall_threshold(conf, kinds, 0.5) == pytest.approx(0.4)
    # mean over kinds: kind 2 (two rows) is refused whole just above 0.05
    conf2, kinds2 = [*conf, 0.01, 0.02], [*kinds, 2, 2]
    assert recall_threshold(conf2, kinds2, 0.6) == pytest.approx(0.075)
    assert recall_threshold([0.5, 0.2], [0, 1], 1.0) == pytest.approx(0.35)
    with pytest.raises(ChatDataError):
        recall_threshold([0.5], [0], 0.9)


def test_loss_threshold_refuses_at_most_that_share_of_right_answers():
    from pyme_ai.chat.model import MIN_THRESHOLD, loss_threshold

    conf = np.linspace(0.1, 1.0, 10)
    correct = np.ones(10, bool)
    kinds = np.zeros(10, int)
    assert loss_threshold(conf, correct, kinds, 0.2) == pytest.approx(0.25)
    assert loss_threshold(conf, correct, kinds, 0.05) == MIN_THRESHOLD
    # wrong answers and out-of-scope rows do not count
    conf3 = np.r_[conf, 0.01, 0.02]
    correct3 = np.r_[correct, False, False]
    kinds3 = np.r_[kinds, 0, 1]
    assert loss_threshold(conf3, correct3, kinds3, 0.2) == pytest.approx(0.25)


def test_small_faq_refuses_some_uncovered_questions_large_faq_targets_recall():
    from pyme_ai.chat.model import (
        FEW_SHOT_FACTOR,
        MIN_THRESHOLD,
        learnt_threshold,
        recall_threshold,
    )

    rng = np.random.default_rng(0)
    right = rng.uniform(0.3, 1.0, 200)
    uncovered = rng.uniform(0.0, 0.6, 200)
    conf = np.r_[right, uncovered]
    correct = np.r_[np.ones(200, bool), np.zeros(200, bool)]
    kinds = np.r_[np.zeros(200, int), np.ones(200, int)]
    small = learnt_threshold(conf, correct, kinds, share=0.0)
    large = learnt_threshold(conf, correct, kinds, share=1.0)
    # a small FAQ still refuses part of what it does not cover (not "answer all")
    assert small > MIN_THRESHOLD
    assert np.mean(uncovered < small) > 0.3
    assert small <= FEW_SHOT_FACTOR * choose_threshold(conf, correct, kinds) + 1e-12
    # ... and at most 3 % of its right answers
    assert np.mean(right < small) <= 0.03
    # a large one refuses 90 % of the uncovered questions
    assert large == pytest.approx(recall_threshold(conf, kinds, 0.9))
    assert np.mean(uncovered < large) >= 0.9
    middle = learnt_threshold(conf, correct, kinds, share=0.5)
    assert middle == pytest.approx((small + large) / 2)
