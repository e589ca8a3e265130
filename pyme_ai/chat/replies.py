"""The assistant's own sentences (Spanish and English) and how they are filled in.

- ``PHRASES[lang][key]``: fixed sentences (greetings, "I don't know", handoff, ...).
- ``sales_reply(lang, kind, what)``: the answer to a quote / order / availability
  request offering to take the visitor's contact ("20 × sillas" as ``what``).
- ``day_answer(lang, weekday, date_text, ranges, usual)``: "Sí, el sábado 05/12/2026
  abrimos: 10:00-14:00." / "No, el domingo ... está cerrado (festivo o cierre)."
- ``stock_line(lang, name, available)``: "Silla: en stock" (never a quantity).
- ``company_answer(lang, intent, items)``: address, phone/email and hours answers.
- ``mask_personal_data(text)``: emails and phone numbers replaced by placeholders.
"""

from __future__ import annotations

import re

__all__ = [
    "DAY_NAMES",
    "PHRASES",
    "company_answer",
    "day_answer",
    "mask_personal_data",
    "sales_reply",
    "stock_line",
]

#: The assistant's own sentences, in the two languages the engine understands.
PHRASES = {
    "es": {
        "unknown": "Lo siento, no sé responder a eso. ¿Quiere hablar con una persona?",
        "handoff": "Con gusto le atiende una persona.",
        "contact": "Déjenos su teléfono o correo y le contactaremos lo antes posible.",
        "thanks": "¡Gracias! Le contactaremos muy pronto.",
        "greeting": "¡Hola! ¿En qué puedo ayudarle?",
        "small_thanks": "¡A usted! ¿Puedo ayudarle en algo más?",
        "goodbye": "¡Hasta pronto! Aquí estaremos si necesita algo.",
        "quote": "¡Con gusto le preparamos un presupuesto%(what)s! Déjenos su "
        "teléfono o correo y le contactaremos enseguida.",
        "order": "¡Perfecto! Para tramitar su pedido%(what)s, déjenos su teléfono o "
        "correo y le contactaremos enseguida.",
        "availability": "Le confirmamos la disponibilidad%(what)s: déjenos su "
        "teléfono o correo y le contactaremos enseguida.",
        "of": " de %s",
    },
    "en": {
        "unknown": "Sorry, I don't know the answer to that. "
        "Would you like to talk to a person?",
        "handoff": "A person will be glad to help you.",
        "contact": "Leave us your phone or email and we will contact you shortly.",
        "thanks": "Thank you! We will contact you very soon.",
        "greeting": "Hello! How can I help you?",
        "small_thanks": "You're welcome! Can I help you with anything else?",
        "goodbye": "Goodbye! We are here whenever you need us.",
        "quote": "We will gladly prepare a quote%(what)s! Leave us your phone or "
        "email and we will contact you right away.",
        "order": "Great! To place your order%(what)s, leave us your phone or email "
        "and we will contact you right away.",
        "availability": "We will confirm the availability%(what)s: leave us your "
        "phone or email and we will contact you right away.",
        "of": " for %s",
    },
}

#: Day names of the per-day opening answers (whatever languages Odoo has loaded).
DAY_NAMES = {
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    "en": (
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"
    ),
}  # fmt: skip


def _lang(lang):
    return lang if lang in PHRASES else "en"


def sales_reply(lang, kind, what=""):
    """The reply to a sales request of ``kind`` (quote, order, availability)."""
    phrases = PHRASES[_lang(lang)]
    return phrases[kind] % {"what": phrases["of"] % what if what else ""}


def day_answer(lang, weekday, date_text, ranges, usual=False):
    """Open or closed on that day; ``usual``: the calendar normally opens that
    weekday (so a closed day is a holiday or closure)."""
    es = _lang(lang) == "es"
    day = DAY_NAMES["es" if es else "en"][weekday]
    if ranges:
        hours = ", ".join(ranges)
        if es:
            return f"Sí, el {day} {date_text} abrimos: {hours}."
        return f"Yes, on {day} {date_text} we are open: {hours}."
    if es:
        why = " (festivo o cierre)" if usual else ""
        return f"No, el {day} {date_text} está cerrado{why}."
    why = " (holiday or closure)" if usual else ""
    return f"No, on {day} {date_text} we are closed{why}."


def company_answer(lang, intent, items):
    """The answer of a company-data intent from what the company filled in, False
    when nothing is: ``opening_hours`` (lines "Monday: 08:00-14:00"), ``address``
    (its parts, in order) or ``contact`` (``[phone, email]``, either may be empty)."""
    es = _lang(lang) == "es"
    if intent == "opening_hours" and items:
        return "\n".join(
            ["Nuestro horario es:" if es else "Our opening hours are:", *items]
        )
    if intent == "address" and items:
        address = ", ".join(items)
        return f"Estamos en {address}." if es else f"You will find us at {address}."
    if intent == "contact" and any(items):
        phone, email = (list(items) + [None, None])[:2]
        lines = ["Puede contactarnos así:" if es else "You can reach us here:"]
        if phone:
            lines.append(("Teléfono: " if es else "Phone: ") + phone)
        if email:
            lines.append(("Correo: " if es else "Email: ") + email)
        return "\n".join(lines)
    return False


def stock_line(lang, name, available):
    """ "name: in stock" / "name: out of stock right now" (no quantity)."""
    if _lang(lang) == "es":
        return f"{name}: {'en stock' if available else 'sin stock ahora mismo'}"
    return f"{name}: {'in stock' if available else 'out of stock right now'}"


_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# 7+ digits, optionally with a leading + and spaces, dots, dashes or brackets between
_PHONE_RE = re.compile(r"(?:\+|\b)\d(?:[\s().-]{0,2}\d){6,}\b")


def mask_personal_data(text):
    """``text`` with email addresses and phone numbers replaced by placeholders."""
    text = _EMAIL_RE.sub("[email]", text or "")
    return _PHONE_RE.sub("[phone]", text)
