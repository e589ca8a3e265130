"""Built-in intents: small talk, sales requests, days, product ranking."""

import pytest

from pyme_ai.chat.intents import rank_products, sales_request, small_talk, weekday_in


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("hola", "greeting"),
        ("¡Buenas tardes!", "greeting"),
        ("Hello", "greeting"),
        ("muchas gracias", "thanks"),
        ("thanks a lot", "thanks"),
        ("vale, gracias", "thanks"),
        ("adiós", "goodbye"),
        ("bye!", "goodbye"),
        ("hola, ¿abren hoy?", None),
        ("aaa", None),
        ("quiero un presupuesto", None),
        ("", None),
    ],
)
def test_small_talk(text, kind):
    assert small_talk(text) == kind


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "quiero un presupuesto para 20 sillas",
            {"kind": "quote", "quantity": 20, "product": "sillas"},
        ),
        (
            "¿tienen sillas de oficina en stock?",
            {"kind": "availability", "quantity": None, "product": "sillas de oficina"},
        ),
        (
            "quiero comprar dos mesas",
            {"kind": "order", "quantity": 2, "product": "mesas"},
        ),
        (
            "I would like a quote for 5 desks",
            {"kind": "quote", "quantity": 5, "product": "desks"},
        ),
        (
            "do you have office chairs in stock?",
            {"kind": "availability", "quantity": None, "product": "office chairs"},
        ),
        (
            "necesito un presupuesto",
            {"kind": "quote", "quantity": None, "product": None},
        ),
        (  # linking words kept between the product's words, not other words
            "presupuesto de 20 sillas de oficina y mesas",
            {"kind": "quote", "quantity": 20, "product": "sillas de oficina mesas"},
        ),
        (  # the lead reads the product as the visitor wrote it, accents kept
            "Quiero un presupuesto para 20 Sillas Ergonómicas",
            {"kind": "quote", "quantity": 20, "product": "sillas ergonómicas"},
        ),
    ],
)
def test_sales_request(text, expected):
    assert sales_request(text) == expected


@pytest.mark.parametrize(
    "text",
    ["¿cuánto cuesta el escritorio?", "¿abren los sábados?", "hola", "¿hacéis envíos?"],
)
def test_not_a_sales_request(text):
    assert sales_request(text) is None


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("¿abren los sábados?", 5),
        ("¿Abrís el DOMINGO?", 6),
        ("are you open on mondays", 0),
        ("¿abren hoy?", "today"),
        ("are you open tomorrow?", "tomorrow"),
        ("¿cuál es su horario?", None),
    ],
)
def test_weekday_in(text, day):
    assert weekday_in(text) == day


def test_rank_products_best_match_first():
    names = ["Alfombrilla de escritorio", "Escritorio grande", "Escritorio", "Silla"]
    assert rank_products(["escritorio"], names) == [2, 1, 0]
    # accents folded both ways, plurals tolerated
    assert rank_products(["sofas"], ["Sofá cama", "Mesa"]) == [0]
    assert rank_products(["mesa"], ["Silla"]) == []
