"""pyme_ai.chat normalisation, stemming and language detection (hand-written cases)."""

import pytest

from pyme_ai.base import PymeAiError
from pyme_ai.chat import detect_language, fold, normalize, search_terms, stem
from pyme_ai.chat.text import STOPWORDS, STOPWORDS_EN, STOPWORDS_ES, singulars, stems


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("¿A qué HORA abrís????", "a que hora abris"),
        ("Holaaaa!!!", "hola"),
        ("horrario", "horario"),
        ("Cañón", "canon"),
        ("ENVÍOS a México", "envios a mexico"),
        ("abierto 24h", "abierto 24 h"),
        ("  multiple\tspaces\n", "multiple spaces"),
        ("precio: 1.500€", "precio 1 500"),
        ("", ""),
    ],
)
def test_normalize_hand_cases(raw, expected):
    assert normalize(raw) == expected


def test_normalize_makes_accent_case_and_repeat_variants_equal():
    variants = [
        "¿Dónde está la TIENDA?",
        "donde esta la tienda",
        "dondeee estaa la tiendaa",
    ]
    assert {normalize(v) for v in variants} == {"donde esta la tienda"}


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["horario", "horarios"], "horari"),
        (["envios", "enviar"], "envi"),
        (["devoluciones", "devolucion"], "devol"),
        (["ordered", "order", "orders"], "ord"),
        (["prices", "price"], "pric"),
        (["opening", "open", "opens"], "open"),
        (["tarjetas", "tarjeta"], "tarjet"),
    ],
)
def test_stem_merges_inflections(words, expected):
    assert {stem(normalize(w)) for w in words} == {expected}


def test_stem_keeps_short_words_and_numbers():
    assert stem("sol") == "sol"
    assert stem("2024") == "2024"
    assert stems("¿Envían pedidos?") == ["envi", "ped"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("hola", "es"),
        ("hello", "en"),
        ("¿abren el domingo?", "es"),
        ("do you ship to Mexico?", "en"),
        ("Buenas tardes, quería saber el precio del envío", "es"),
        ("What are your opening hours?", "en"),
        ("quiero hablar con una persona", "es"),
        ("I want to talk to a person", "en"),
        ("gracias", "es"),
        ("thanks!", "en"),
        ("mañana", "es"),
        ("tomorrow", "en"),
        ("aceptais bizum", "es"),
        ("can i pay with paypal", "en"),
        ("devoluciones", "es"),
        ("wat time u open", "en"),
    ],
)
def test_detect_language_hand_cases(text, lang):
    detected, confidence = detect_language(text)
    assert detected == lang
    assert 0.5 < confidence <= 1.0


def test_detect_language_more_evidence_more_confidence():
    short = detect_language("hola")[1]
    longer = detect_language("hola, ¿a qué hora abren el sábado por la mañana?")[1]
    assert longer > short > 0.5


def test_stop_words_of_both_languages():
    assert STOPWORDS == STOPWORDS_ES | STOPWORDS_EN
    assert {"que", "donde", "the", "what"} <= STOPWORDS
    assert "sin" in STOPWORDS_ES and "sin" not in STOPWORDS_EN


def test_detect_language_without_evidence_returns_default():
    assert detect_language("ok", default="en") == ("en", 0.5)
    assert detect_language("123") == ("es", 0.5)
    with pytest.raises(PymeAiError, match="default language"):
        detect_language("hola", default="fr")


# --- search terms (the FAQ's product look-up)
def test_search_terms_fold_accents_and_drop_question_words():
    # the sentence: "cuánto" used to be searched as a product name
    assert search_terms("¿Cuánto cuesta la mesa?") == ["mesa"]
    assert search_terms("¿Cuánto cuesta la mesa?", "es") == ["mesa"]
    assert search_terms("¿CUÁNTO CUESTA LA MESA?", "es") == ["mesa"]
    assert search_terms("How much does the oak chair cost?", "en") == ["oak", "chair"]
    assert search_terms("¿Qué precio tiene el sofá de piel?", "es") == ["sofa", "piel"]


def test_search_terms_keep_letters_and_order():
    # no repeat collapsing (a name look-up needs "silla", not "sila"), no duplicates
    assert search_terms("precio de la silla y la silla alta") == ["silla", "alta"]
    assert search_terms("¿Cuánto vale el sofá?", keep_accents=True) == ["sofá"]
    # both forms pair up term by term, whatever the accents typed
    question = "sofá o sofa, mesa y Mésa"
    assert search_terms(question) == ["sofa", "mesa"]
    assert search_terms(question, keep_accents=True) == ["sofá", "mesa"]
    assert search_terms("mesa 120cm roble", "es") == ["mesa", "120cm", "roble"]
    words = " ".join(f"producto{i}" for i in range(20))
    assert len(search_terms(words)) == 8
    assert search_terms(words, limit=3) == ["producto0", "producto1", "producto2"]
    assert search_terms("") == search_terms(None) == []
    assert search_terms("¿cuánto cuesta?") == []


def test_search_terms_per_language():
    # "sin" is a Spanish stop word ("without") but an English noun
    assert search_terms("mesa sin cajones", "es") == ["mesa", "cajones"]
    assert search_terms("the original sin", "en") == ["original", "sin"]
    assert search_terms("mesa sin cajones") == ["mesa", "cajones"]
    with pytest.raises(PymeAiError, match="language"):
        search_terms("hola", "fr")


def test_fold_only_lowercases_and_strips_accents():
    assert fold("Sofá CAMA Ñandú") == "sofa cama nandu"
    assert fold("Silla") == "silla"


@pytest.mark.parametrize(
    ("word", "forms"),
    [
        ("sillas", ["silla"]),
        ("lámparas", ["lámpara"]),
        ("escritorios", ["escritorio"]),
        ("boxes", ["boxe", "box"]),
        ("mesa", []),
        ("gas", []),
    ],
)
def test_singulars(word, forms):
    assert singulars(word) == forms


@pytest.mark.parametrize("text", ["aaa", "ok", "jajaja", "a", "?"])
def test_no_word_of_either_language_keeps_the_default(text):
    """A Spanish conversation is not switched to English by "aaa" (issue #13)."""
    for default in ("es", "en"):
        assert detect_language(text, default=default) == (default, 0.5)
