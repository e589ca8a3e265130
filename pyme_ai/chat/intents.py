"""Built-in conversational intents every business chat needs, recognised by rules.

They do not depend on what the company wrote, so they are not learnt from its FAQs:

- ``small_talk("¡Hola!")`` -> ``"greeting"``; ``"thanks"``, ``"goodbye"``; None when the
  message also asks something ("hola, ¿abren hoy?" is a question, not a greeting).
- ``sales_request("quiero un presupuesto para 20 sillas")`` ->
  ``{"kind": "quote", "quantity": 20, "product": "sillas"}``; kinds ``quote``,
  ``order`` and ``availability`` ("¿tienen sillas de oficina en stock?"); else None.
- ``weekday_in("¿abren los sábados?")`` -> 5 (Monday = 0); ``"today"``/``"tomorrow"``.
- ``rank_products(terms, names)``: indices of product names best matching the terms
  first (a name starting with the term, whole-word matches, then shorter names).
"""

from __future__ import annotations

import re

from .text import fold, normalize, search_terms, singulars

__all__ = ["rank_products", "sales_request", "small_talk", "weekday_in"]

_SMALL_TALK = {
    "greeting": """
        hola holi buenas buenos dias tardes noches saludos hey hi hello hey good morning
        afternoon evening que tal howdy
        """,
    "thanks": """
        gracias muchas mil muchisimas genial perfecto vale ok okay thanks thank you thx
        great perfect cheers ty
        """,
    "goodbye": """
        adios hasta luego pronto manana chao chau nos vemos bye goodbye see you later
        soon
        """,
}
_SMALL_TALK_WORDS = {
    kind: frozenset(normalize(words).split()) for kind, words in _SMALL_TALK.items()
}
#: Words that only fill a small-talk message ("muy", "you", "all").
_FILLER = frozenset(
    normalize("muy a todos y por de nada you all so much very a lot").split()
)
#: Words decisive for each small-talk kind (the others only accompany them).
_SMALL_TALK_KEYS = {
    kind: frozenset(normalize(words).split())
    for kind, words in {
        "greeting": "hola holi buenas buenos saludos hey hi hello howdy good",
        "thanks": "gracias thanks thank thx cheers ty ok okay vale perfecto genial",
        "goodbye": "adios luego chao chau vemos bye goodbye see",
    }.items()
}
#: Longest message (in words) still taken as small talk.
SMALL_TALK_MAX_WORDS = 5


def small_talk(text):
    """``"greeting"``, ``"thanks"``, ``"goodbye"`` or None (see the module doc)."""
    tokens = normalize(text).split()
    if not tokens or len(tokens) > SMALL_TALK_MAX_WORDS:
        return None
    vocabulary = set().union(*_SMALL_TALK_WORDS.values()) | _FILLER
    if any(token not in vocabulary for token in tokens):
        return None
    # the last decisive word wins: "hola, gracias" thanks, "gracias, adiós" says bye
    kind = None
    for token in tokens:
        for name, keys in _SMALL_TALK_KEYS.items():
            if token in keys:
                kind = name
    return kind


_SALES_PATTERNS = (
    (
        "quote",
        r"\b(presupuestos?|cotizaci[oó]n(es)?|cotizar|presupuestar|quotes?|quotations?|"
        r"estimates?|price quote|precio por volumen|descuento por cantidad)\b",
    ),
    (
        "availability",
        r"\b(en stock|in stock|stock|disponibles?|disponibilidad|existencias|"
        r"available|availability|quedan|hay unidades)\b",
    ),
    (
        "order",
        r"\b(quiero comprar|quisiera comprar|querr[ií]a comprar|comprar|encargar|"
        r"hacer un pedido|realizar un pedido|pedir|reservar|"
        r"i want to buy|i'd like to buy|would like to buy|buy|purchase|place an order|"
        r"to order|order)\b",
    ),
)
_SALES_RE = [(kind, re.compile(pattern)) for kind, pattern in _SALES_PATTERNS]
#: Words of a sales request that never name the product.
_SALES_WORDS = frozenset(
    normalize(
        """
        presupuesto presupuestos cotizacion cotizaciones cotizar presupuestar quote
        quotes quotation quotations estimate estimates stock disponible disponibles
        disponibilidad existencias available availability quedan unidades unidad
        comprar encargar pedido pedir reservar buy purchase order place necesito
        necesitamos need tienen teneis tenes have hay you your for para unos unas
        oficina office
        """
    ).split()
) - {normalize("oficina"), normalize("office")}
_QUANTITY = re.compile(r"(?<![\d.,])(\d{1,6})(?![\d.,]*\s*(?:€|\$|eur|usd|%))")
_NUMBER_WORDS = {
    normalize(word): value
    for value, words in {
        2: "dos two",
        3: "tres three",
        4: "cuatro four",
        5: "cinco five",
        6: "seis six",
        10: "diez ten",
        12: "doce twelve docena dozen",
        20: "veinte twenty",
        50: "cincuenta fifty",
        100: "cien ciento hundred",
    }.items()
    for word in words.split()
}


def sales_request(text):
    """``{"kind", "quantity", "product"}`` for a quote, order or availability request,
    else None. ``product``: the words naming it, lowercase as written ("Sillas
    ergonómicas de oficina" -> "sillas ergonómicas de oficina"), None when not said."""
    folded = fold(text or "")
    kind = next((k for k, rx in _SALES_RE if rx.search(folded)), None)
    if kind is None:
        return None
    quantity = None
    match = _QUANTITY.search(folded)
    if match:
        quantity = int(match.group(1))
    else:
        for word in normalize(folded).split():
            if word in _NUMBER_WORDS:
                quantity = _NUMBER_WORDS[word]
                break
    terms = [
        t
        for t in search_terms(text or "", keep_accents=True)
        if normalize(t) not in _SALES_WORDS
        and normalize(t) not in _NUMBER_WORDS
        and not t.isdigit()
    ]
    return {"kind": kind, "quantity": quantity, "product": _product_phrase(text, terms)}


#: Words kept between two words naming the product ("sillas de oficina").
_LINKS = frozenset({"de", "del", "of"})
_WORD = re.compile(r"[^\W_]+")


def _product_phrase(text, terms):
    """``terms`` as written, with a single linking word between two of them kept:
    "¿tienen sillas de oficina en stock?" -> "sillas de oficina"."""
    if not terms:
        return None
    wanted, phrase, gap = set(terms), [], []
    for word in _WORD.findall(str(text).casefold()):
        if word in wanted:
            wanted.discard(word)
            if phrase and len(gap) == 1 and gap[0] in _LINKS:
                phrase.append(gap[0])
            phrase.append(word)
            gap = []
        elif phrase:
            gap.append(word)
    return " ".join(phrase + [t for t in terms if t in wanted])


_DAYS = {
    0: "lunes monday mon",
    1: "martes tuesday tue",
    2: "miercoles wednesday wed",
    3: "jueves thursday thu",
    4: "viernes friday fri",
    5: "sabado sabados saturday saturdays sat",
    6: "domingo domingos sunday sundays sun",
    "today": "hoy today tonight",
    "tomorrow": "manana tomorrow",
}
_DAY_OF = {
    normalize(word): day for day, words in _DAYS.items() for word in words.split()
}
_DAY_OF.update({w + "s": d for w, d in list(_DAY_OF.items()) if isinstance(d, int)})


def weekday_in(text):
    """The day a question asks about: 0 (Monday) .. 6, ``"today"``, ``"tomorrow"``
    or None. "mañana por la mañana" is tomorrow; the first day named wins."""
    for word in normalize(text).split():
        if word in _DAY_OF:
            return _DAY_OF[word]
    return None


def rank_products(terms, names):
    """Indices of ``names`` matching any of ``terms``, best match first.

    A name scores one point per term it contains as a whole word (accent-folded,
    plural "s"/"es" tolerated) and half a point for a term inside a longer word; a
    name starting with the first term, then a shorter name, ranks higher. Names
    matching nothing are left out.
    """
    terms = [normalize(t) for t in terms if normalize(t)]
    scored = []
    for index, name in enumerate(names):
        tokens = normalize(name).split()
        score = 0.0
        for term in terms:
            singular = {term, *singulars(term)}
            if any(tok in singular or tok.rstrip("s") in singular for tok in tokens):
                score += 1.0
            elif any(term in tok for tok in tokens):
                score += 0.5
        if score:
            starts = (
                bool(tokens)
                and bool(terms)
                and tokens[0].startswith(terms[0].rstrip("s"))
            )
            scored.append((-score, not starts, len(tokens), index))
    return [index for *_, index in sorted(scored)]
