# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Public JSON routes of the website chat.

Every answer is a JSON object; problems come back as
``{"error": {"code", "status", "message"}}`` with an HTTP-like status (400 bad input,
404 unknown conversation, 413 too long, 429 too many messages), never as a traceback.
Texts are plain: the widget renders them as text.
"""

import re

from odoo import http
from odoo.exceptions import ValidationError
from odoo.http import request

from odoo.addons.pyme_ai_base.tools import ai_param

from pyme_ai.chat import LANG_MIN_CONFIDENCE, detect_language

from ..rate_limit import DEFAULT_RATE, RATE_PARAM, limiter

MAX_MESSAGE_LENGTH = 500
MAX_TOKEN_LENGTH = 64
#: Every visitor of one address together may send this many times the visitor rate.
IP_RATE_FACTOR = 5
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TOKEN_RE = re.compile(r"^[0-9a-f]{1,64}$")

#: The assistant's own sentences, in the two languages the engine understands.
PHRASES = {
    "es": {
        "unknown": "Lo siento, no sé responder a eso. ¿Quiere hablar con una persona?",
        "handoff": "Con gusto le atiende una persona.",
        "contact": "Déjenos su teléfono o correo y le contactaremos lo antes posible.",
        "thanks": "¡Gracias! Le contactaremos muy pronto.",
    },
    "en": {
        "unknown": "Sorry, I don't know the answer to that. "
        "Would you like to talk to a person?",
        "handoff": "A person will be glad to help you.",
        "contact": "Leave us your phone or email and we will contact you shortly.",
        "thanks": "Thank you! We will contact you very soon.",
    },
}


def error_response(code, status, message):
    """The JSON answer of a refused request (see the module docstring)."""
    return {"error": {"code": code, "status": status, "message": str(message)}}


class PymeAiChatController(http.Controller):
    # ------------------------------------------------------------------ helpers
    def _page_lang(self):
        code = (request.env.context.get("lang") or "en_US").split("_")[0]
        return code if code in PHRASES else "en"

    def _rate_limited(self):
        """True when this visitor (session and address) sent too many requests."""
        rate = ai_param(request.env, RATE_PARAM, DEFAULT_RATE, int, low=1)
        address = request.httprequest.remote_addr or "?"
        db = request.env.cr.dbname
        visitor_ok = limiter.allow((db, request.session.sid, address), rate)
        address_ok = limiter.allow((db, address), rate * IP_RATE_FACTOR)
        return not (visitor_ok and address_ok)

    def _too_many(self):
        return error_response(
            "too_many_messages",
            429,
            request.env._("Too many messages; please wait a minute and try again."),
        )

    def _clean_text(self, value, name, limit):
        """``(text, None)`` or ``(None, error answer)``."""
        if not isinstance(value, str):
            return None, error_response(
                "invalid_params",
                400,
                request.env._("The %(name)s must be a text.", name=name),
            )
        text = _CONTROL_CHARS.sub("", value).strip()
        if not text:
            return None, error_response(
                "empty_message", 400, request.env._("Please write a message.")
            )
        if len(text) > limit:
            return None, error_response(
                "message_too_long",
                413,
                request.env._(
                    "Your message is too long: please keep it under %(limit)s "
                    "characters.",
                    limit=limit,
                ),
            )
        return text, None

    def _conversation(self, token, create=False):
        """The visitor's conversation on this website (sudo), by its secret token."""
        Conversation = request.env["pyme.ai.chat.conversation"].sudo()
        if isinstance(token, str) and _TOKEN_RE.match(token):
            conversation = Conversation.search(
                [("token", "=", token), ("website_id", "=", request.website.id)],
                limit=1,
            )
            if conversation:
                return conversation
        if not create:
            return Conversation
        return Conversation.with_company(request.website.company_id).create(
            {
                "website_id": request.website.id,
                "company_id": request.website.company_id.id,
                "lang": self._page_lang(),
            }
        )

    def _visitor_country(self):
        return request.geoip.country_code or None

    # ------------------------------------------------------------------ routes
    @http.route("/pyme_ai_chat/init", type="json", auth="public", website=True)
    def chat_init(self, **kwargs):
        lang = self._page_lang()
        faqs = (
            request.env["pyme.ai.chat.faq"]
            .sudo()
            .search(
                [
                    ("quick_reply", "=", True),
                    ("lang", "=", lang),
                    ("company_id", "=", request.website.company_id.id),
                    ("website_id", "in", [request.website.id, False]),
                ],
                limit=6,
            )
        )
        return {
            "enabled": request.env["pyme.ai.chat.assistant"]._ai_is_enabled(),
            "max_length": MAX_MESSAGE_LENGTH,
            "quick_replies": [faq.name for faq in faqs],
        }

    @http.route("/pyme_ai_chat/message", type="json", auth="public", website=True)
    def chat_message(self, message=None, token=None, **kwargs):
        if self._rate_limited():
            return self._too_many()
        text, error = self._clean_text(message, "message", MAX_MESSAGE_LENGTH)
        if error:
            return error
        conversation = self._conversation(token, create=True)
        page_lang = self._page_lang()
        lang, confidence = detect_language(text, default=page_lang)
        if confidence < LANG_MIN_CONFIDENCE:
            lang = page_lang
        answer = (
            request.env["pyme.ai.chat.assistant"]
            .sudo()
            ._answer(text, request.website, lang=lang)
        )
        if confidence < LANG_MIN_CONFIDENCE or answer["lang"] not in PHRASES:
            answer["lang"] = lang
        lang = answer["lang"]
        answered = bool(answer["text"]) and not answer["handoff"]
        conversation._log(
            "visitor",
            text,
            lang=lang,
            intent=answer["intent"] or False,
            faq_id=answer["faq"].id,
            confidence=answer["confidence"],
            answered=answered,
        )
        reply = answer["text"] or PHRASES[lang]["unknown"]
        if answer["handoff"]:
            conversation._mark_handoff()
            if answer["text"] is False:
                reply = PHRASES[lang]["unknown"]
        conversation._log("bot", reply, lang=lang, faq_id=answer["faq"].id)
        if conversation.lang != lang:
            conversation.lang = lang  # later bot sentences follow the visitor
        return {
            "token": conversation.token,
            "reply": reply,
            "lang": lang,
            "answered": answered,
            "handoff": answer["handoff"],
        }

    @http.route("/pyme_ai_chat/handoff", type="json", auth="public", website=True)
    def chat_handoff(self, token=None, **kwargs):
        if self._rate_limited():
            return self._too_many()
        conversation = self._conversation(token, create=True)
        conversation._mark_handoff()
        lang = conversation.lang or self._page_lang()
        mode = conversation._handoff_mode()
        text = PHRASES[lang]["handoff" if mode == "livechat" else "contact"]
        return {"token": conversation.token, "mode": mode, "text": text}

    @http.route("/pyme_ai_chat/contact", type="json", auth="public", website=True)
    def chat_contact(self, token=None, name=None, email=None, phone=None, **kwargs):
        if self._rate_limited():
            return self._too_many()
        conversation = self._conversation(token)
        if not conversation:
            return error_response(
                "unknown_conversation",
                404,
                request.env._("This conversation has expired; please start again."),
            )
        values = {"name": name, "email": email, "phone": phone}
        for key, value in values.items():
            if value is not None and not isinstance(value, str):
                return error_response(
                    "invalid_params",
                    400,
                    request.env._("The %(name)s must be a text.", name=key),
                )
        try:
            extra = conversation._submit_contact(
                name, email, phone, country_code=self._visitor_country()
            )
        except ValidationError as exc:
            return error_response("invalid_contact", 400, exc.args[0])
        lang = conversation.lang or self._page_lang()
        return {"ok": True, "text": PHRASES[lang]["thanks"], **(extra or {})}
