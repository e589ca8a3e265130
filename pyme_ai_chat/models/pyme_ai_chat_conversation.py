# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Website chat conversations and their messages (the learning loop's log).

Bodies are stored as plain text (``fields.Text``): Odoo escapes them wherever they
are rendered; transcripts posted to other records are escaped with ``Markup``.
"""

import uuid
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import email_normalize, single_email_re

from odoo.addons.pyme_ai_base.tools import ai_param, company_lang

from pyme_ai.chat.replies import mask_personal_data
from pyme_ai.sales.whatsapp import InvalidPhoneError, normalize_phone

RETENTION_PARAM = "pyme_ai_chat.retention_days"
ANONYMIZE_PARAM = "pyme_ai_chat.anonymize"
USER_PARAM = "pyme_ai_chat.user_id"
DEFAULT_RETENTION_DAYS = 180
PURGE_BATCH = 1000
MAX_CONTACT_LENGTH = 128


class PymeAiChatConversation(models.Model):
    _name = "pyme.ai.chat.conversation"
    _description = "AI Chat Conversation"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    token = fields.Char(
        required=True,
        index=True,
        copy=False,
        readonly=True,
        default=lambda self: uuid.uuid4().hex,
        groups="base.group_system",
    )
    website_id = fields.Many2one("website", readonly=True, ondelete="cascade")
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    lang = fields.Selection(
        [("es", "Spanish"), ("en", "English")], string="Language", readonly=True
    )
    state = fields.Selection(
        [
            ("open", "Answered by the assistant"),
            ("handoff", "Person offered"),
            ("livechat", "Live chat"),
            ("contact", "Contact left"),
        ],
        required=True,
        default="open",
        readonly=True,
        index=True,
    )
    handoff = fields.Boolean(
        string="Handed Off", readonly=True, help="A person was offered or requested."
    )
    contact_name = fields.Char(readonly=True)
    contact_email = fields.Char(readonly=True)
    contact_phone = fields.Char(readonly=True, help="In international (E.164) format.")
    interest_kind = fields.Selection(
        [("quote", "Quote"), ("order", "Order"), ("availability", "Availability")],
        string="Sales Request",
        readonly=True,
    )
    interest_product = fields.Char(
        string="Product Interest", readonly=True, help="As the visitor named it."
    )
    interest_quantity = fields.Integer(string="Quantity Asked", readonly=True)
    message_line_ids = fields.One2many(
        "pyme.ai.chat.message",
        "conversation_id",
        string="Chat Messages",
        readonly=True,
    )
    message_line_count = fields.Integer(
        string="Chat Messages Count", compute="_compute_message_stats", store=True
    )
    unanswered_count = fields.Integer(
        string="Unanswered", compute="_compute_message_stats", store=True
    )

    @api.depends("message_line_ids.answered", "message_line_ids.author")
    def _compute_message_stats(self):
        for conversation in self:
            questions = conversation.message_line_ids.filtered(
                lambda m: m.author == "visitor"
            )
            conversation.message_line_count = len(conversation.message_line_ids)
            conversation.unanswered_count = len(
                questions.filtered(lambda m: not m.answered)
            )

    @api.depends("create_date", "website_id")
    def _compute_display_name(self):
        for conversation in self:
            conversation.display_name = self.env._(
                "Chat #%(number)s", number=conversation.id or "-"
            )

    # ------------------------------------------------------------------ logging
    def _anonymize_enabled(self):
        return ai_param(self.env, ANONYMIZE_PARAM, False, bool)

    def _log(self, author, body, **values):
        """Append a message; personal data is masked when anonymisation is on."""
        self.ensure_one()
        if self._anonymize_enabled():
            body = mask_personal_data(body)
        return self.env["pyme.ai.chat.message"].create(
            {"conversation_id": self.id, "author": author, "body": body, **values}
        )

    def _transcript_lines(self):
        self.ensure_one()
        authors = {"visitor": self.env._("Visitor"), "bot": self.env._("Assistant")}
        return [
            f"{authors.get(message.author, message.author)}: {message.body}"
            for message in self.message_line_ids.sorted("id")
        ]

    def _transcript_html(self):
        """Escaped transcript (``Markup``), one paragraph per message."""
        return Markup("").join(
            Markup("<p>%s</p>") % line for line in self._transcript_lines()
        )

    # ------------------------------------------------------------------ sales
    def _note_interest(self, request):
        """Remember a sales request (``pyme_ai.chat.intents.sales_request``); a later
        request keeps the product and quantity already known when it names none."""
        self.ensure_one()
        values = {"interest_kind": request["kind"]}
        if request.get("product"):  # a new product: its own quantity, if any
            values["interest_product"] = request["product"][:MAX_CONTACT_LENGTH]
            values["interest_quantity"] = request.get("quantity") or 0
        elif request.get("quantity"):
            values["interest_quantity"] = request["quantity"]
        self.write(values)

    def _interest_label(self):
        """ "20 × sillas", "sillas" or "" (what the visitor asked for)."""
        self.ensure_one()
        if not self.interest_product:
            return ""
        if self.interest_quantity:
            return f"{self.interest_quantity} × {self.interest_product}"
        return self.interest_product

    # ------------------------------------------------------------------ handoff
    def _handoff_mode(self):
        """How a person is offered: ``"contact"`` (leave a phone/email) here; glue
        addons return ``"livechat"`` when an operator is online."""
        return "contact"

    def _mark_handoff(self):
        for conversation in self:
            conversation.handoff = True
            if conversation.state == "open":
                conversation.state = "handoff"

    def _contact_country(self, country_code=None):
        """Country (ISO code) for numbers given without +prefix: the visitor's
        (geoip) when known, else the website's company."""
        self.ensure_one()
        return (
            country_code
            or self.website_id.company_id.country_id.code
            or self.company_id.country_id.code
            or None
        )

    def _validate_contact(self, name, email, phone, country_code=None):
        """Cleaned ``(name, email, phone)`` or ValidationError with a clear message."""
        self.ensure_one()
        name = (name or "").strip()[:MAX_CONTACT_LENGTH]
        email = (email or "").strip()
        phone = (phone or "").strip()
        if not email and not phone:
            raise ValidationError(
                self.env._("Please leave an email address or a phone number.")
            )
        if len(email) > MAX_CONTACT_LENGTH or len(phone) > 40:
            raise ValidationError(self.env._("This contact information is too long."))
        if email:
            if not single_email_re.match(email) or not email_normalize(email):
                raise ValidationError(
                    self.env._("%(email)s is not a valid email address.", email=email)
                )
            email = email_normalize(email)
        if phone:
            try:
                phone = normalize_phone(
                    phone, country=self._contact_country(country_code)
                )
            except InvalidPhoneError:
                raise ValidationError(
                    self.env._(
                        "%(phone)s is not a valid phone number; include the country "
                        "code, e.g. +34 600 000 000.",
                        phone=phone,
                    )
                ) from None
        return name, email, phone

    def _submit_contact(self, name, email, phone, country_code=None):
        """Store the visitor's contact details and hand them to the staff."""
        self.ensure_one()
        name, email, phone = self._validate_contact(name, email, phone, country_code)
        self.write(
            {
                "contact_name": name,
                "contact_email": email,
                "contact_phone": phone,
                "state": "contact",
                "handoff": True,
            }
        )
        return self._capture_contact()

    def _capture_contact(self):
        """Without CRM: a message and an activity on the conversation. The CRM glue
        creates a lead instead. Returns a dict merged into the route's answer."""
        self.ensure_one()
        # the subtype says what it is in each reader's language; the body holds
        # what the visitor wrote, with the transcript in the company's language
        staff = self.with_context(lang=company_lang(self.company_id))
        contact = (self.contact_name, self.contact_email, self.contact_phone)
        self.message_post(
            body=Markup("<p>%s</p>%s")
            % (" ".join(filter(None, contact)), staff._transcript_html()),
            message_type="comment",
            subtype_xmlid="pyme_ai_chat.mt_contact_request",
        )
        user = self._responsible_user()
        if user:  # in the language of who gets it, not the visitor's
            own = self.with_context(lang=user.lang)
            own.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=user.id,
                summary=own.env._("Contact the website visitor"),
            )
        return {}

    def _responsible_user(self):
        user_id = ai_param(self.env, USER_PARAM, 0, int)
        user = self.env["res.users"].browse(user_id) if user_id > 0 else None
        if not user or not user.exists() or not user.active:
            user = self.env.ref("base.user_admin", raise_if_not_found=False)
        return user if user and user.active else self.env["res.users"]

    # ------------------------------------------------------------------ retention
    @api.model
    def _cron_purge(self):
        """Delete conversations older than the retention period (0 = keep them)."""
        days = ai_param(self.env, RETENTION_PARAM, DEFAULT_RETENTION_DAYS, int)
        if days <= 0:
            return
        domain = [("create_date", "<", fields.Datetime.now() - timedelta(days=days))]
        batch = (
            self.sudo()
            .with_context(active_test=False)
            .search(domain, limit=PURGE_BATCH)
        )
        batch.unlink()
        remaining = self.sudo().search_count(domain) if len(batch) == PURGE_BATCH else 0
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=remaining)


class PymeAiChatMessage(models.Model):
    _name = "pyme.ai.chat.message"
    _description = "AI Chat Message"
    _order = "id"
    _rec_name = "body"
    _check_company_auto = True

    conversation_id = fields.Many2one(
        "pyme.ai.chat.conversation", required=True, ondelete="cascade", index=True
    )
    author = fields.Selection(
        [("visitor", "Visitor"), ("bot", "Assistant")], required=True, readonly=True
    )
    body = fields.Text(string="Message", required=True, readonly=True)
    lang = fields.Selection(
        [("es", "Spanish"), ("en", "English")], string="Language", readonly=True
    )
    intent = fields.Char(readonly=True)
    faq_id = fields.Many2one(
        "pyme.ai.chat.faq", string="Matched FAQ", readonly=True, ondelete="set null"
    )
    confidence = fields.Float(digits=(16, 3), readonly=True, aggregator="avg")
    answered = fields.Boolean(
        string="Answered Automatically",
        readonly=True,
        index=True,
        help="The assistant answered this question from the knowledge base.",
    )
    answer_rate = fields.Float(
        string="Answered Automatically (%)",
        compute="_compute_answer_rate",
        store=True,
        aggregator="avg",
    )
    reviewed = fields.Boolean(help="Handled by the staff (e.g. added as a variant).")
    website_id = fields.Many2one(
        related="conversation_id.website_id", store=True, index="btree_not_null"
    )
    company_id = fields.Many2one(
        related="conversation_id.company_id", store=True, index=True
    )

    #: The only fields of a message anyone may change after it was logged.
    _writable_fields = frozenset({"reviewed"})

    @api.depends("answered", "author")
    def _compute_answer_rate(self):
        for message in self:
            message.answer_rate = 100.0 if message.answered else 0.0

    def write(self, vals):
        """Messages are a record of what was said: only ``reviewed`` changes (stored
        computed and related fields are Odoo's own)."""
        locked = set(vals) - self._writable_fields
        if locked and not self.env.su:
            raise AccessError(
                self.env._("Chat messages cannot be changed, only marked as reviewed.")
            )
        return super().write(vals)

    def action_add_as_variant(self):
        """Open the one-click wizard turning this question into an FAQ variant."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Add as Question Variant"),
            "res_model": "pyme.ai.chat.faq.assign",
            "view_mode": "form",
            "target": "new",
            "context": {"default_message_ids": self.ids},
        }

    def action_mark_reviewed(self):
        self.reviewed = True
        return True
