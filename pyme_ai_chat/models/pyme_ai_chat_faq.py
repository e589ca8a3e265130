# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Chat knowledge: one FAQ record per intent and language, with its question variants.

Records of the same ``intent`` in Spanish and English train one engine intent; the
answer is taken from the record in the visitor's language. Answers are plain text
(the widget renders them as text, never as HTML).
"""

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import format_amount

from pyme_ai.chat import search_terms

#: Answers seeded from company data are (re)computed by these intents.
COMPANY_INTENTS = ("opening_hours", "address", "contact")
MAX_PRODUCTS = 3


class PymeAiChatFaq(models.Model):
    _name = "pyme.ai.chat.faq"
    _description = "AI Chat FAQ"
    _order = "sequence, intent, lang, id"
    _check_company_auto = True

    name = fields.Char(string="Question", required=True)
    intent = fields.Char(
        required=True,
        index=True,
        help="Technical key shared by the translations of the same question; the "
        "model learns one intent per key.",
    )
    lang = fields.Selection(
        [("es", "Spanish"), ("en", "English")],
        string="Language",
        required=True,
        default="es",
    )
    answer = fields.Text(required=True)
    kind = fields.Selection(
        [
            ("answer", "Fixed answer"),
            ("price", "Product prices"),
            ("handoff", "Talk to a person"),
        ],
        required=True,
        default="answer",
        help="Product prices: the answer lists the published products named in the "
        "question. Talk to a person: the answer offers a person.",
    )
    variant_ids = fields.One2many(
        "pyme.ai.chat.faq.variant", "faq_id", string="Question Variants"
    )
    variant_count = fields.Integer(compute="_compute_variant_count")
    quick_reply = fields.Boolean(
        help="Shown as a button when the chat opens, in the FAQ's language."
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    website_id = fields.Many2one(
        "website",
        ondelete="cascade",
        index="btree_not_null",
        help="Leave empty to use this answer on every website of the company.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    @api.depends("variant_ids")
    def _compute_variant_count(self):
        for faq in self:
            faq.variant_count = len(faq.variant_ids)

    # ------------------------------------------------------------------ answers
    def _answer_text(self, question):
        """The answer to show for ``question`` (plain text)."""
        self.ensure_one()
        if self.kind == "price":
            return self._price_answer(question) or self.answer
        return self.answer

    def _price_answer(self, question):
        """Prices of the sellable products named in ``question`` (or False).

        Needs no dependency: without the ``product`` module there is nothing to look
        up; with ``website_sale`` only published products are considered.
        """
        if "product.template" not in self.env:
            return False
        Product = self.env["product.template"].sudo()
        # accent-folded terms ("sofa"), and as typed ("sofá") for names stored with
        # accents when the database compares them
        terms = search_terms(question, self.lang)
        typed = search_terms(question, self.lang, keep_accents=True)
        if not terms:
            return False
        domain = [
            ("sale_ok", "=", True),
            ("company_id", "in", [self.company_id.id, False]),
        ]
        if "is_published" in Product._fields:
            domain.append(("is_published", "=", True))
        scored = {}
        for term, word in zip(terms, typed, strict=True):
            names = expression.OR(
                [[("name", "ilike", form)] for form in dict.fromkeys((term, word))]
            )
            for product in Product.search(expression.AND([domain, names]), limit=20):
                scored[product] = scored.get(product, 0) + 1
        if not scored:
            return False
        best = sorted(scored.items(), key=lambda item: (-item[1], item[0].name))
        products = [product for product, __ in best[:MAX_PRODUCTS]]
        lines = [
            f"{product.with_context(lang=self._odoo_lang()).name}: "
            f"{format_amount(self.env, product.list_price, product.currency_id)}"
            for product in products
        ]
        return "\n".join(lines)

    def _odoo_lang(self):
        """An installed Odoo language code for the FAQ language (or False)."""
        self.ensure_one()
        codes = [code for code, __ in self.env["res.lang"].get_installed()]
        preferred = self.env.context.get("lang")
        if preferred and preferred.split("_")[0] == self.lang:
            return preferred
        return next((code for code in codes if code.split("_")[0] == self.lang), False)

    # ------------------------------------------------------------------ seeding
    @api.model
    def _seed_from_company(self):
        """Fill the company-data answers of every company's FAQs (installation)."""
        self.with_context(active_test=False).search(
            [("intent", "in", COMPANY_INTENTS)]
        )._fill_from_company()
        return True

    def action_fill_from_company(self):
        self._fill_from_company()
        return True

    def _fill_from_company(self):
        """Answers of the company-data intents rebuilt from the company's address,
        phone, email and working hours; kept when that data is missing."""
        for faq in self.filtered(lambda f: f.intent in COMPANY_INTENTS):
            text = faq._company_answer()
            if text:
                faq.answer = text

    def _company_answer(self):
        """Answer text built from the company's data, or False when it is missing."""
        self.ensure_one()
        company = self.company_id
        es = self.lang == "es"
        if self.intent == "opening_hours":
            hours = self._company_hours()
            if not hours:
                return False
            head = "Nuestro horario es:" if es else "Our opening hours are:"
            return "\n".join([head, *hours])
        if self.intent == "address":
            parts = [
                company.street,
                company.street2,
                " ".join(p for p in (company.zip, company.city) if p),
                company.state_id.name,
                company.country_id.with_context(lang=self._odoo_lang()).name,
            ]
            address = ", ".join(p for p in parts if p)
            if not address:
                return False
            return f"Estamos en {address}." if es else f"You will find us at {address}."
        if self.intent == "contact":
            items = []
            if company.phone:
                items.append(("Teléfono: " if es else "Phone: ") + company.phone)
            if company.email:
                items.append(("Correo: " if es else "Email: ") + company.email)
            if not items:
                return False
            head = "Puede contactarnos así:" if es else "You can reach us here:"
            return "\n".join([head, *items])
        return False

    def _company_hours(self):
        """Lines "Monday: 08:00-12:00, 13:00-17:00" from the company's calendar."""
        calendar = self.company_id.resource_calendar_id
        if not calendar:
            return []
        attendances = calendar.attendance_ids.filtered(
            lambda a: not a.display_type and a.day_period != "lunch"
        )
        if calendar.two_weeks_calendar:
            attendances = attendances.filtered(lambda a: a.week_type == "0")
        attendances = attendances.sorted(lambda a: (int(a.dayofweek), a.hour_from))
        days = dict(
            self.env["resource.calendar.attendance"]
            .with_context(lang=self._odoo_lang())
            ._fields["dayofweek"]
            ._description_selection(self.with_context(lang=self._odoo_lang()).env)
        )
        by_day = {}
        for attendance in attendances:
            by_day.setdefault(attendance.dayofweek, []).append(
                f"{_hour(attendance.hour_from)}-{_hour(attendance.hour_to)}"
            )
        return [f"{days[day]}: {', '.join(ranges)}" for day, ranges in by_day.items()]

    # ------------------------------------------------------------------ training
    @api.model
    def _training_examples(self, company):
        """Engine examples ``{"text", "intent", "lang"}`` of the company's FAQs."""
        faqs = self.search([("company_id", "=", company.id), ("active", "=", True)])
        examples = []
        for faq in faqs:
            texts = [faq.name, *faq.variant_ids.mapped("name")]
            seen = set()
            for text in texts:
                key = (text or "").strip().casefold()
                if key and key not in seen:
                    seen.add(key)
                    examples.append(
                        {"text": text, "intent": faq.intent, "lang": faq.lang}
                    )
        return examples

    @api.model
    def _for_intent(self, intent, lang, website):
        """The FAQ answering ``intent`` on ``website`` in ``lang`` (or any language)."""
        domain = [
            ("intent", "=", intent),
            ("company_id", "=", website.company_id.id),
            ("website_id", "in", [website.id, False]),
        ]
        faqs = self.search(domain, order="website_id, sequence, id")
        return faqs.filtered(lambda f: f.lang == lang)[:1] or faqs[:1]


class PymeAiChatFaqVariant(models.Model):
    _name = "pyme.ai.chat.faq.variant"
    _description = "AI Chat Question Variant"
    _order = "faq_id, id"

    name = fields.Char(string="Question", required=True)
    faq_id = fields.Many2one(
        "pyme.ai.chat.faq", string="FAQ", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="faq_id.company_id", store=True, index=True)


def _hour(value):
    hours = int(value)
    minutes = round((value - hours) * 60)
    if minutes == 60:
        hours, minutes = hours + 1, 0
    return f"{hours:02d}:{minutes:02d}"
