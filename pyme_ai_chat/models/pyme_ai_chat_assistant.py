# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Website chat capability: trains pyme_ai.chat on the FAQs, answers visitors."""

import logging

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.translate import LazyTranslate

from odoo.addons.pyme_ai_base.tools import AiNotice

from pyme_ai import chat as engine
from pyme_ai.base import PymeAiError
from pyme_ai.chat import llm

from ..rate_limit import limiter, read_committed
from .pyme_ai_chat_faq import COMPANY_INTENTS

_lt = LazyTranslate(__name__)
_logger = logging.getLogger(__name__)

LLM_URL_PARAM = "pyme_ai_chat.llm_url"
LLM_MODEL_PARAM = "pyme_ai_chat.llm_model"
LLM_KEY_PARAM = "pyme_ai_chat.llm_api_key"
#: Seconds per attempt of the optional phrasing call (no retry: a visitor waits).
LLM_TIMEOUT = 5.0
HANDOFF_INTENT = "talk_to_person"
LLM_BUDGET_PARAM = "pyme_ai_chat.llm_daily_budget"
DEFAULT_LLM_BUDGET = 500
LLM_CONCURRENCY_PARAM = "pyme_ai_chat.llm_concurrency"
DEFAULT_LLM_CONCURRENCY = 2
#: First key of the advisory locks counting LLM calls in progress.
LLM_LOCK = 71_113
PHRASE_CACHE_SIZE = 512
_PHRASE_CACHE = {}


class PymeAiChatAssistant(models.AbstractModel):
    _name = "pyme.ai.chat.assistant"
    _inherit = "pyme.ai.capability"
    _description = "AI Website Chat"

    _ai_kind = engine.ChatModel.kind
    _ai_kind_label = _lt("Website chat")
    _ai_train_cron_xmlid = "pyme_ai_chat.ir_cron_train_chat"
    # answers are computed per visitor message: nothing to apply in batches
    _ai_apply_mode = "none"
    # Each training is scored on the FAQs of the moment (not comparable), and an
    # older model ignores the knowledge just added; a failed training keeps it.
    _ai_protect_active = False
    _ai_notices = {
        "no_faqs": _lt(
            "The chat needs FAQs to learn from (Website > AI Chat > Knowledge)."
        )
    }
    _ai_metrics = {
        "in_scope_accuracy": (_lt("In-scope accuracy"), "higher"),
        "top1_accuracy": (_lt("Top-1 accuracy (before the threshold)"), "higher"),
        "answer_rate": (_lt("Answer rate (known questions)"), "higher"),
        "oos_recall": (_lt("Out-of-scope recall"), "higher"),
        "heldout_intent_recall": (_lt("Uncovered topics refused"), "higher"),
        "offtopic_recall": (_lt("Off-topic messages refused"), "higher"),
        "labelled_oos_recall": (
            _lt("Questions marked out of scope refused"),
            "higher",
        ),
        "balanced_score": (_lt("Balanced score"), "higher"),
        "in_scope_accuracy_es": (_lt("In-scope accuracy (Spanish)"), "higher"),
        "in_scope_accuracy_en": (_lt("In-scope accuracy (English)"), "higher"),
    }

    # ------------------------------------------------------------------ training
    def _ai_training_data(self):
        examples = (
            self.env["pyme.ai.chat.faq"].sudo()._training_examples(self.env.company)
        )
        if not examples:
            raise AiNotice(self, "no_faqs")
        return examples

    def _ai_fit(self, data):
        try:
            return engine.evaluate(data, random_state=0)
        except engine.ChatDataError as exc:
            raise UserError(
                self.env._("The chat FAQs cannot be learnt yet: %(reason)s", reason=exc)
            ) from None

    @api.model
    def _queue_training(self):
        """Queue a training run (installation data, new variants)."""
        self._ai_trigger_training()
        return True

    # ------------------------------------------------------------------ answering
    @api.model
    def _engine_model(self, company):
        ai_model = self.env["pyme.ai.model"].sudo()._get_active(self._ai_kind, company)
        return ai_model._load_engine_model() if ai_model else None

    @api.model
    def _answer(self, text, website, lang=None):
        """``{"text", "intent", "confidence", "lang", "faq", "handoff", "source"}``.

        ``text`` False means "I don't know"; ``handoff`` True means offer a person.
        """
        engine_model = self._engine_model(website.company_id)
        result = {
            "text": False,
            "intent": None,
            "confidence": 0.0,
            "lang": lang if lang in engine.LANGUAGES else "es",
            "faq": self.env["pyme.ai.chat.faq"],
            "handoff": True,
            "source": "local",
        }
        if engine_model is None:
            if not lang:
                result["lang"] = engine.detect_language(text)[0]
            return result
        try:
            answer = engine_model.answer(text)
        except Exception:  # noqa: BLE001 - a visitor gets a person, never a 500
            _logger.exception("pyme_ai_chat: the chat model could not answer")
            return result
        # the caller's language (the visitor's, per message) picks the FAQ's
        lang = lang if lang in engine.LANGUAGES else answer["lang"]
        result.update(
            intent=answer["intent"],
            confidence=answer["confidence"],
            lang=lang,
        )
        if not answer["intent"]:
            return result
        faq = (
            self.env["pyme.ai.chat.faq"]
            .sudo()
            ._for_intent(answer["intent"], lang, website)
        )
        if not faq:
            return result
        reply = faq._answer_text(text, website)
        phrased = (
            self._phrase(text, reply, lang, faq)
            if faq.kind == "answer" and faq.intent not in COMPANY_INTENTS
            else None
        )
        result.update(
            text=phrased["text"] if phrased else reply,
            source=phrased["source"] if phrased else "local",
            faq=faq,
            handoff=faq.kind == "handoff",
        )
        return result

    def _llm_client(self):
        url = self._ai_param(LLM_URL_PARAM, "", str)
        model = self._ai_param(LLM_MODEL_PARAM, "", str)
        if not url or not model:
            return None
        return llm.LLMClient(
            url,
            model,
            api_key=self._ai_param(LLM_KEY_PARAM, "", str) or None,
            timeout=LLM_TIMEOUT,
            max_retries=0,
        )

    def _phrase(self, question, answer, lang, faq=None):
        """The FAQ answer phrased by the optional LLM endpoint, else None (the plain
        answer is used).

        Bounded whatever the traffic: one phrasing per (FAQ, language, answer text)
        cached per worker; at most ``LLM_CONCURRENCY_PARAM`` calls at once over all
        workers (PostgreSQL advisory locks) and ``LLM_BUDGET_PARAM`` calls a day (a
        database counter); past either bound, or on any error, the plain answer.
        """
        try:
            client = self._llm_client()
        except PymeAiError:  # incomplete settings: keep the local answer
            client = None
        if client is None:
            return None
        key = (self.env.cr.dbname, faq.id if faq else question, lang, answer)
        if key in _PHRASE_CACHE:
            return _PHRASE_CACHE[key]
        budget = self._ai_param(LLM_BUDGET_PARAM, DEFAULT_LLM_BUDGET, int)
        slots = self._ai_param(LLM_CONCURRENCY_PARAM, DEFAULT_LLM_CONCURRENCY, int)
        with read_committed(self.env.registry.cursor()) as cr:
            if not limiter.allow(cr, "llm:day", max(budget, 1), 86400) or budget <= 0:
                _logger.info("pyme_ai_chat: daily LLM budget spent: local answer")
                return None
        with self.env.registry.cursor() as cr:
            for slot in range(max(slots, 0)):
                cr.execute(
                    SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", LLM_LOCK, slot)
                )
                if cr.fetchone()[0]:
                    break
            else:
                _logger.info("pyme_ai_chat: LLM busy: local answer")
                return None
            # the faq's own question, not the visitor's: the phrasing is cacheable
            phrased = llm.phrase_answer(
                faq.name if faq else question, answer, client=client, lang=lang
            )
        if phrased["reason"]:
            _logger.info("pyme_ai_chat: local answer used: %s", phrased["reason"])
            return None
        if len(_PHRASE_CACHE) >= PHRASE_CACHE_SIZE:
            _PHRASE_CACHE.pop(next(iter(_PHRASE_CACHE)))
        _PHRASE_CACHE[key] = phrased
        return phrased
