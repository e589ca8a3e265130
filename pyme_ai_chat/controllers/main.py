# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Public JSON routes of the website chat.

Every answer is a JSON object; problems come back as
``{"error": {"code", "status", "message"}}`` with an HTTP-like status (400 bad input,
404 unknown conversation, 413 too long, 429 too many messages), never as a traceback.
Texts are plain: the widget renders them as text.

Limits (``rate_limit``, counted in the database so every worker shares them) are keyed
on the client address as Odoo sees it (``request.httprequest.remote_addr``: behind a
reverse proxy start Odoo with ``--proxy-mode`` so it is the visitor's, not the
proxy's): messages per minute per address, per minute per website, ``/init`` calls per
minute per address and new conversations per hour per address. The session id is
never part of a key: a new session does not reset a limit.
"""

import re

from odoo import http
from odoo.exceptions import ValidationError
from odoo.http import request

from odoo.addons.pyme_ai_base.tools import ai_param

from pyme_ai.chat import LANG_MIN_CONFIDENCE, detect_language
from pyme_ai.chat.intents import sales_request, small_talk
from pyme_ai.chat.replies import PHRASES, sales_reply

from ..rate_limit import (
    CONVERSATIONS_PARAM,
    DEFAULT_CONVERSATIONS,
    DEFAULT_RATE,
    DEFAULT_WEBSITE_RATE,
    RATE_PARAM,
    WEBSITE_RATE_PARAM,
    address_key,
    limiter,
    read_committed,
)

MAX_MESSAGE_LENGTH = 500
MAX_TOKEN_LENGTH = 64
#: ``/init`` (opening the widget) may be called this many times the message rate.
INIT_RATE_FACTOR = 2
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TOKEN_RE = re.compile(r"^[0-9a-f]{1,64}$")


def error_response(code, status, message):
    """The JSON answer of a refused request (see the module docstring)."""
    return {"error": {"code": code, "status": status, "message": str(message)}}


class PymeAiChatController(http.Controller):
    # ------------------------------------------------------------------ helpers
    def _page_lang(self):
        code = (request.env.context.get("lang") or "en_US").split("_")[0]
        return code if code in PHRASES else "en"

    def _address(self):
        """The client address as Odoo sees it (honours ``--proxy-mode``), hashed."""
        return address_key(request.httprequest.remote_addr)

    def _limits_ok(self, checks):
        """True when every ``(key, limit, window)`` is within its limit; counted on a
        short cursor of its own, committed at once (shared by all workers)."""
        with read_committed(request.env.registry.cursor()) as cr:
            return all(
                [limiter.allow(cr, key, limit, window) for key, limit, window in checks]
            )

    def _rate_limited(self, kind="message"):
        """True when this address (whatever its session) or this website sent too
        many requests in the last minute."""
        env = request.env
        rate = ai_param(env, RATE_PARAM, DEFAULT_RATE, int, low=1)
        address = self._address()
        if kind == "init":
            return not self._limits_ok([(f"i:{address}", rate * INIT_RATE_FACTOR, 60)])
        website_rate = ai_param(
            env, WEBSITE_RATE_PARAM, DEFAULT_WEBSITE_RATE, int, low=1
        )
        return not self._limits_ok(
            [
                (f"a:{address}", rate, 60),
                (f"w:{request.website.id}", website_rate, 60),
            ]
        )

    def _conversation_allowed(self):
        """At most N new conversations per address per hour."""
        limit = ai_param(
            request.env, CONVERSATIONS_PARAM, DEFAULT_CONVERSATIONS, int, low=1
        )
        return self._limits_ok([(f"c:{self._address()}", limit, 3600)])

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
        if not create or not self._conversation_allowed():
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
        if self._rate_limited("init"):
            return self._too_many()
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
        if not conversation:
            return self._too_many()
        lang = self._message_lang(text, conversation)
        answer = self._reply(text, lang, conversation)
        lang = answer["lang"]
        conversation._log(
            "visitor",
            text,
            lang=lang,
            intent=answer["intent"] or False,
            faq_id=answer["faq"].id,
            confidence=answer["confidence"],
            answered=answer["answered"],
        )
        conversation._log("bot", answer["reply"], lang=lang, faq_id=answer["faq"].id)
        if conversation.lang != lang:
            conversation.lang = lang  # later bot sentences follow the visitor
        return {
            "token": conversation.token,
            "reply": answer["reply"],
            "lang": lang,
            "answered": answer["answered"],
            "handoff": answer["handoff"],
            "contact": answer.get("contact", False),
        }

    def _message_lang(self, text, conversation):
        """The visitor's language for this message; short or ambiguous text keeps
        the conversation's language (the page's for a first message)."""
        fallback = conversation.lang or self._page_lang()
        lang, confidence = detect_language(text, default=fallback)
        return (
            lang if confidence >= LANG_MIN_CONFIDENCE and lang in PHRASES else fallback
        )

    def _reply(self, text, lang, conversation):
        """``{"reply", "lang", "answered", "handoff", "intent", "confidence", "faq"
        [, "contact"]}`` for one visitor message."""
        faqs = request.env["pyme.ai.chat.faq"]
        base = {"lang": lang, "faq": faqs, "confidence": 1.0, "handoff": False}
        kind = small_talk(text)
        if kind:
            phrase = "small_thanks" if kind == "thanks" else kind
            return dict(base, reply=PHRASES[lang][phrase], answered=True, intent=kind)
        sales = sales_request(text)
        if sales:
            conversation._note_interest(sales)
            reply = sales_reply(lang, sales["kind"], conversation._interest_label())
            stock = faqs.sudo()._stock_answer(sales, request.website, lang)
            if stock:
                reply = f"{stock}\n{reply}"
            conversation._mark_handoff()
            return dict(
                base,
                reply=reply,
                answered=True,
                intent=f"sales_{sales['kind']}",
                handoff=True,
                contact=True,
            )
        answer = (
            request.env["pyme.ai.chat.assistant"]
            .sudo()
            ._answer(text, request.website, lang=lang)
        )
        # the reply follows the message's language, not the FAQ's
        answered = bool(answer["text"]) and not answer["handoff"]
        reply = answer["text"] or PHRASES[lang]["unknown"]
        if answer["handoff"]:
            conversation._mark_handoff()
            if answer["text"] is False:
                reply = PHRASES[lang]["unknown"]
        return dict(
            base,
            reply=reply,
            answered=answered,
            intent=answer["intent"],
            confidence=answer["confidence"],
            faq=answer["faq"],
            handoff=answer["handoff"],
        )

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
