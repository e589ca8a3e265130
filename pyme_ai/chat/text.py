"""Text normalisation and a light Spanish/English stemmer (no external libraries).

``normalize`` makes "¿A qué HORA abrís????" and "a que hora abris" the same string: it
lowercases, strips accents (ñ -> n), turns punctuation into spaces and collapses runs of
the same letter ("holaaa" -> "hola", "horrario" -> "horario"; applied to training and
queries alike, so "llamar" -> "lamar" on both sides). ``stem`` strips common
inflectional suffixes of both languages so "envíos", "enviar" and "envían" share a stem.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..base import PymeAiError

_NON_WORD = re.compile(r"[^a-z0-9]+")
_REPEATS = re.compile(r"([a-z])\1+")
_SPLIT_DIGITS = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")

#: Suffixes stripped by ``stem`` (Spanish and English, accent-free, repeats collapsed),
#: longest first. A stem keeps at least ``MIN_STEM`` letters.
_SUFFIXES = tuple(
    sorted(
        {
            # Spanish: derivation, gerunds, participles, verb endings, plurals, gender
            "amientos",
            "imientos",
            "amiento",
            "imiento",
            "aciones",
            "uciones",
            "adoras",
            "adores",
            "ancias",
            "encias",
            "amente",
            "idades",
            "mente",
            "acion",
            "ucion",
            "adora",
            "ador",
            "ancia",
            "encia",
            "idad",
            "ables",
            "ibles",
            "able",
            "ible",
            "istas",
            "ista",
            "osos",
            "osas",
            "oso",
            "osa",
            "ando",
            "iendo",
            "ados",
            "idos",
            "adas",
            "idas",
            "ado",
            "ido",
            "ada",
            "ida",
            "aron",
            "ieron",
            "aban",
            "amos",
            "emos",
            "imos",
            "ais",
            "eis",
            "aba",
            "an",
            "en",
            "ar",
            "er",
            "ir",
            "es",
            "as",
            "os",
            "a",
            "o",
            "e",
            "s",
            # English
            "ations",
            "ation",
            "ings",
            "ing",
            "ed",
            "ies",
            "ness",
            "ments",
            "ment",
            "ly",
            "ers",
        },  # fmt: skip
        key=len,
        reverse=True,
    )
)
MIN_STEM = 3
_SUFFIX_LENGTHS = sorted({len(s) for s in _SUFFIXES}, reverse=True)
_SUFFIX_SET = frozenset(_SUFFIXES)


def strip_accents(text):
    """``text`` without combining marks: "Cañón" -> "Canon"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize(text):
    """Lowercase, accent-free, punctuation-free text with letter repeats collapsed."""
    text = strip_accents(str(text).casefold())
    text = _NON_WORD.sub(" ", text)
    text = _REPEATS.sub(r"\1", text)
    text = _SPLIT_DIGITS.sub(" ", text)  # "24h" -> "24 h", "8am" -> "8 am"
    return " ".join(text.split())


@lru_cache(maxsize=65536)
def stem(word):
    """Strip up to two suffixes (longest first), keeping ``MIN_STEM`` letters."""
    if word.isdigit():
        return word
    for _ in range(2):
        for size in _SUFFIX_LENGTHS:
            if len(word) - size >= MIN_STEM and word[-size:] in _SUFFIX_SET:
                word = word[:-size]
                break
        else:
            break
    return word


def words(text):
    """Normalised words of ``text``."""
    return normalize(text).split()


def stems(text):
    """Stemmed normalised words of ``text``."""
    return [stem(w) for w in words(text)]


#: Spanish function words (normalised); everything else counts as content.
STOPWORDS_ES = frozenset(
    normalize(w)
    for w in """
    a al algo algun alguna alguno como con cual cuales cuando de del desde donde el ella
    ellos en entre es esa ese eso esta estan este esto estoy fue ha hay la las le les lo
    los mas me mi mis muy no nos o para pero por porque puedo puede pueden que quien se
    ser si sin sobre soy su sus te tengo tiene tienen tu tus un una uno unos unas usted
    y ya yo vosotros teneis podeis estais sois
    """.split()
)
#: English function words (normalised).
STOPWORDS_EN = frozenset(
    normalize(w)
    for w in """
    about an and any are as at be been but by can could did do does for from had has
    have he her his how i if in into is it its just me my no not of on or our out she so
    some than that the their them then there these they this those to up us was we were
    what when where which who why will with would you your yours
    """.split()
)
#: Both lists: the scorer's "content word" features use this set.
STOPWORDS = STOPWORDS_ES | STOPWORDS_EN

#: Words that ask rather than name something (question words, price and request
#: words, greetings): never search terms. Normalised.
_QUERY_WORDS = {
    "es": frozenset(
        normalize(w)
        for w in """
        qué cuál cuáles cuánto cuánta cuántos cuántas cómo dónde cuándo quién quiénes
        adónde precio precios cuesta cuestan costar vale valen coste costo tarifa
        tarifas importe quiero quisiera querría saber gustaría podría podrían tenéis
        venden vendéis hola buenas buenos días tardes noches gracias favor
        """.split()
    ),
    "en": frozenset(
        normalize(w)
        for w in """
        what whats which how much many where when who why price prices cost costs
        costing want would like know please hello hi hey thanks sell
        """.split()
    ),
}
SEARCH_STOPWORDS = {
    "es": STOPWORDS_ES | _QUERY_WORDS["es"],
    "en": STOPWORDS_EN | _QUERY_WORDS["en"],
}
_TERM = re.compile(r"[^\W_]+")


def fold(text):
    """Lowercase, accent-free ``text``, letters otherwise untouched ("Sofá" -> "sofa";
    unlike ``normalize`` repeats stay, so "silla" can still be looked up)."""
    return strip_accents(str(text).casefold())


def search_terms(text, lang=None, *, keep_accents=False, min_length=3, limit=8):
    """Content words of a visitor's question, to look things up by name.

    "¿Cuánto cuesta la mesa?" -> ``["mesa"]``: words are lowercased and accent-folded,
    and stop words, question words and price/request words of ``lang`` ("es", "en",
    None = both) are dropped whatever their accents; so are words shorter than
    ``min_length`` and repeats. At most ``limit`` terms, in question order.
    ``keep_accents=True`` returns the same terms (same count and order) as first
    written, accents kept: to also match names stored with accents where the
    database compares them.
    """
    if lang is None:
        stop = SEARCH_STOPWORDS["es"] | SEARCH_STOPWORDS["en"]
    elif lang in SEARCH_STOPWORDS:
        stop = SEARCH_STOPWORDS[lang]
    else:
        raise PymeAiError(
            f"language must be one of {', '.join(SEARCH_STOPWORDS)} or None, "
            f"not {lang!r}"
        )
    terms = {}  # folded -> as returned
    for word in _TERM.findall(str(text or "").casefold()):
        folded = strip_accents(word)
        if len(folded) < min_length or normalize(folded) in stop:
            continue
        terms.setdefault(folded, word if keep_accents else folded)
        if len(terms) >= limit:
            break
    return list(terms.values())


def singulars(word):
    """Singular forms of a Spanish or English plural, to look names up with
    ("sillas" -> ``["silla"]``, "boxes" -> ``["boxe", "box"]``; none for "mesa")."""
    forms = []
    if len(word) > 3 and word.endswith("s"):
        forms.append(word[:-1])
        if len(word) > 4 and word.endswith("es"):
            forms.append(word[:-2])
    return forms
