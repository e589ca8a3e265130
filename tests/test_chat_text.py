"""pyme_ai.chat normalisation, stemming and language detection (hand-written cases)."""

import pytest

from pyme_ai.chat import detect_language, normalize, stem
from pyme_ai.chat.text import stems


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


def test_detect_language_without_evidence_returns_default():
    assert detect_language("ok", default="en") == ("en", 0.5)
    assert detect_language("123") == ("es", 0.5)
    with pytest.raises(ValueError, match="default language"):
        detect_language("hola", default="fr")
