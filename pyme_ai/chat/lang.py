"""Spanish / English language detection without external libraries.

Evidence, summed as log-odds (positive = Spanish):
- marks only Spanish uses ("¿", "¡", "ñ", accented vowels);
- common words of each language (function words, greetings, words SMEs get asked about);
- for other words, a character-trigram profile learnt from a few hand-written
  paragraphs.
A short message with no evidence either way ("ok", "123") gets the caller's default with
confidence 0.5.
"""

from __future__ import annotations

import math
from functools import lru_cache

from ..base import PymeAiError
from .text import normalize

LANGUAGES = ("es", "en")
#: Below this confidence a caller should fall back to a default language (the FAQ's
#: main language, the page's language).
LANG_MIN_CONFIDENCE = 0.7


def _word_set(words):
    """Word list normalised like queries are ("hello" -> "helo")."""
    return frozenset(normalize(w) for w in words.split())


_ES_WORDS = _word_set(
    """
    el la los las un una unos unas del al lo le les de que y en por para con sin sobre
    entre hasta desde hacia pero mas muy tambien ya aqui alli ahi esto esta este estos
    estas ese esa eso es son estan estoy esta estamos soy eres somos hay ser estar tiene
    tienen tengo tienes tenemos hace hacen hago puedo puede pueden podria podrian quiero
    quisiera quieren necesito necesita donde cuando cuanto cuanta cuantos cuantas cual
    cuales quien como porque pues si mi mis tu tus su sus nuestro nuestra usted ustedes
    vosotros nosotros ellos ella yo hola buenas buenos dias tardes noches gracias adios
    favor vale claro horario horarios abren abris abre abierto abiertos cierran cerrado
    cierra hoy manana domingo lunes martes miercoles jueves viernes sabado semana fin
    festivos precio precios cuesta cuestan vale valen envio envios enviar envian entrega
    pedido pedidos devolucion devoluciones devolver cambio cambiar reembolso pago pagar
    pagos tarjeta efectivo transferencia factura direccion donde estan ubicacion llegar
    tienda telefono correo contacto llamar hablar persona alguien humano ayuda dudas
    pregunta informacion gratis tambien tiempo dinero hacer ver decir saber ir venir dar
    otra otro todo todos nada algo va van voy vamos puedes podemos llover llueve
    recordar recuerdame despiertame mostrar
    """
)

_EN_WORDS = _word_set(
    """
    the a an and or of to in on at for with without about from into by is are was were
    be been do does did you your yours i my we our us they their them it its this that
    these those what when where why how which who whom can could would should will shall
    may might must have has had not dont doesnt cant wont im youre there here hello hi
    hey thanks thank please bye yes okay sorry open opening opens close closed closing
    hours today tomorrow sunday monday tuesday wednesday thursday friday saturday
    weekend week holidays price prices cost costs much many ship shipping shipped
    delivery deliver order orders return returns refund exchange pay paying payment card
    cash transfer invoice address located location directions store shop phone email
    contact call talk speak person someone human help question info free time money get
    make see say know go come give any some all
    """
)

_ES_MARKS = frozenset("¿¡ñáéíóúü")
#: Word endings typical of one language (normalised), worth ``_SUFFIX_WEIGHT`` each.
_ES_SUFFIXES = (
    "ais", "eis", "amos", "emos", "imos", "cion", "ciones", "dad", "ando", "iendo",
    "ados", "adas", "mente", "ito", "ita", "illo", "illa",
)  # fmt: skip
_EN_SUFFIXES = ("ing", "ness", "ship", "ly", "ful", "ght", "wh", "th")

#: Text the trigram profiles are learnt from (hand-written, SME customer service).
_PROFILE_TEXT = {
    "es": """
    Buenos días, quería saber a qué hora abren el sábado y si el domingo está cerrado.
    ¿Hacen envíos a domicilio? ¿Cuánto cuesta el envío a Canarias o a Baleares? Necesito
    devolver un pedido porque la talla no me queda bien; ¿cómo solicito el reembolso? Me
    gustaría hablar con una persona de atención al cliente, por favor. ¿Aceptan pago con
    tarjeta, transferencia bancaria o efectivo? ¿Dónde está la tienda y cómo puedo
    llegar en transporte público? Quisiera pedir presupuesto para una reforma de la
    cocina. Mi factura tiene un error en la dirección de facturación. ¿Tienen
    aparcamiento para clientes? Gracias por la información, ha sido muy amable. Estoy
    buscando zapatillas deportivas de niño, ¿les quedan existencias? El producto llegó
    roto y quiero cambiarlo por otro nuevo. Trabajamos de lunes a viernes por la mañana
    y por la tarde, excepto festivos nacionales. Los plazos de entrega dependen de la
    provincia y de la empresa de mensajería elegida.
    """,
    "en": """
    Good morning, I wanted to know what time you open on Saturday and whether you are
    closed on Sunday. Do you deliver to my home? How much does shipping to Ireland or
    Scotland cost? I need to return an order because the size does not fit; how do I
    request a refund? I would like to speak with someone from customer service, please.
    Do you accept card payments, bank transfers or cash? Where is the shop and how can I
    get there by public transport? I would like a quote for a kitchen renovation. My
    invoice has a mistake in the billing address. Is there parking for customers? Thanks
    for the information, that was very kind. I am looking for children's running shoes,
    do you have any left in stock? The product arrived broken and I want to exchange it
    for a new one. We work Monday to Friday mornings and afternoons, except on public
    holidays. Delivery times depend on the region and the courier company you choose.
    """,
}

_WORD_WEIGHT = 2.0  # log-odds for a word that only one language lists
_MARK_WEIGHT = 3.0  # log-odds for a Spanish-only mark (counted once per text)
_TRIGRAM_CAP = 1.5  # max |log-odds| one unlisted word can contribute
_SUFFIX_WEIGHT = 1.0


@lru_cache(maxsize=1)
def _profiles():
    """Per-language add-one-smoothed log-probabilities of padded character trigrams."""
    counts = {}
    for lang, sample in _PROFILE_TEXT.items():
        table = {}
        for word in normalize(sample).split():
            for gram in _trigrams(word):
                table[gram] = table.get(gram, 0) + 1
        counts[lang] = table
    vocab = set().union(*counts.values())
    profiles = {}
    for lang, table in counts.items():
        total = sum(table.values()) + len(vocab) + 1
        profiles[lang] = (
            {g: math.log((table.get(g, 0) + 1) / total) for g in vocab},
            math.log(1 / total),
        )
    return profiles


def _trigrams(word):
    padded = f" {word} "
    return [padded[i : i + 3] for i in range(len(padded) - 2)]


def _word_evidence(word):
    in_es, in_en = word in _ES_WORDS, word in _EN_WORDS
    if in_es != in_en:
        return _WORD_WEIGHT if in_es else -_WORD_WEIGHT
    if in_es:  # listed in both ("no", "me", "hay"...): no evidence
        return 0.0
    if word.isdigit() or len(word) < 3:
        return 0.0
    profiles = _profiles()
    (es_table, es_unseen), (en_table, en_unseen) = profiles["es"], profiles["en"]
    grams = _trigrams(word)
    score = sum(es_table.get(g, es_unseen) - en_table.get(g, en_unseen) for g in grams)
    score = max(-_TRIGRAM_CAP, min(_TRIGRAM_CAP, score / math.sqrt(len(grams))))
    if word.endswith(_ES_SUFFIXES):
        score += _SUFFIX_WEIGHT
    elif word.endswith(_EN_SUFFIXES):
        score -= _SUFFIX_WEIGHT
    return score


def language_scores(text):
    """Log-odds that ``text`` is Spanish rather than English (0 = no evidence).

    Letter patterns alone need two unknown words: "aaa" or "ok" is no evidence.
    """
    raw = str(text).casefold()
    score = _MARK_WEIGHT if any(ch in _ES_MARKS for ch in raw) else 0.0
    known, unknown = bool(score), 0
    for word in normalize(raw).split():
        if len(word) < 2:  # "a" is both languages' ("aaa" folds to it)
            continue
        known = known or word in _ES_WORDS or word in _EN_WORDS
        evidence = _word_evidence(word)
        unknown += bool(evidence) and word not in _ES_WORDS and word not in _EN_WORDS
        score += evidence
    return score if known or unknown >= 2 else 0.0


def detect_language(text, default="es"):
    """``(lang, confidence)``, lang in ``LANGUAGES``; ``default`` without evidence.

    ``confidence`` is the logistic of the summed log-odds, so it is 0.5 for no evidence
    and approaches 1 as evidence accumulates.
    """
    if default not in LANGUAGES:
        raise PymeAiError(
            f"default language must be one of {LANGUAGES}, not {default!r}"
        )
    score = language_scores(text)
    if score == 0.0:
        return default, 0.5
    prob_es = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))
    return ("es", prob_es) if score > 0 else ("en", 1.0 - prob_es)
