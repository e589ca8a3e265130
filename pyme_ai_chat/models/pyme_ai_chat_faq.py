# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Chat knowledge: one FAQ record per intent and language, with its question variants.

Records of the same ``intent`` in Spanish and English train one engine intent; the
answer is taken from the record in the visitor's language. Answers are plain text
(the widget renders them as text, never as HTML).
"""

from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import format_amount, format_date

from pyme_ai.chat import search_terms, singulars
from pyme_ai.chat.intents import rank_products, weekday_in
from pyme_ai.chat.replies import company_answer, day_answer, stock_line

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
    def _answer_text(self, question, website=None):
        """The answer to show for ``question`` (plain text): company data (address,
        phone, hours) read now, product prices of ``website``, else the FAQ's text."""
        self.ensure_one()
        if self.intent in COMPANY_INTENTS:
            if self.intent == "opening_hours":
                day = weekday_in(question)
                if day is not None:
                    text = self._day_answer(day)
                    if text:
                        return text
            return self._company_answer() or self.answer
        if self.kind == "price":
            return self._price_answer(question, website) or self.answer
        return self.answer

    def _website_products(self, terms, typed, website, limit=MAX_PRODUCTS):
        """Sellable products named by ``terms`` (or their singulars), best match
        first; on a website with the shop only those published on it."""
        if "product.template" not in self.env or not terms:
            return (
                self.env["product.template"] if "product.template" in self.env else []
            )
        Product = self.env["product.template"].sudo()
        company = (website.company_id if website else None) or self.company_id
        domain = [("sale_ok", "=", True), ("company_id", "in", [company.id, False])]
        if "is_published" in Product._fields:
            domain.append(("is_published", "=", True))
            if website and "website_id" in Product._fields:
                domain.append(("website_id", "in", [website.id, False]))
        forms = dict.fromkeys(
            form
            for term, word in zip(terms, typed, strict=True)
            for form in (term, word, *singulars(term), *singulars(word))
        )
        names = expression.OR([[("name", "ilike", form)] for form in forms])
        products = Product.with_context(lang=self._odoo_lang()).search(
            expression.AND([domain, names]), limit=50
        )
        order = rank_products(terms, products.mapped("name"))
        return products.browse([products[i].id for i in order[:limit]])

    def _price_answer(self, question, website=None):
        """Prices of the products named in ``question`` (or False), with the
        website's pricelist and currency when the shop is installed."""
        terms = search_terms(question, self.lang)
        typed = search_terms(question, self.lang, keep_accents=True)
        products = self._website_products(terms, typed, website)
        if not products:
            return False
        pricelist = None
        if website and "pricelist_id" in website._fields:
            pricelist = website.with_company(website.company_id).sudo().pricelist_id
        company = (website.company_id if website else None) or self.company_id
        lines = []
        for product in products.with_context(lang=self._odoo_lang()):
            price, currency = product.list_price, product.currency_id
            if pricelist:
                price = pricelist._get_product_price(product, 1.0)
                currency = pricelist.currency_id
            elif currency != company.currency_id:  # a product shared by companies
                price = currency._convert(
                    price, company.currency_id, company, fields.Date.context_today(self)
                )
                currency = company.currency_id
            lines.append(f"{product.name}: {format_amount(self.env, price, currency)}")
        return "\n".join(lines)

    @api.model
    def _stock_answer(self, request, website, lang):
        """ "Silla de oficina: en stock" lines for an availability request when the
        inventory app is installed (quantities are never shown), else False."""
        if request.get("kind") != "availability" or not request.get("product"):
            return False
        if "product.template" not in self.env:
            return False
        if "qty_available" not in self.env["product.template"]._fields:
            return False
        faq = self.new({"lang": lang, "company_id": website.company_id.id})
        terms = search_terms(request["product"], lang)
        products = faq._website_products(terms, terms, website)
        lines = []
        for product in products.with_context(lang=faq._odoo_lang()):
            if product.type != "consu" or not product.is_storable:
                continue
            lines.append(stock_line(lang, product.name, product.qty_available > 0))
        return "\n".join(lines) or False

    def _day_answer(self, day):
        """Whether the company is open on ``day`` (0 = Monday .., "today",
        "tomorrow") and its hours, holidays and closures of the working calendar
        included; False without a calendar."""
        self.ensure_one()
        calendar = self.company_id.resource_calendar_id
        if not calendar:
            return False
        tz = pytz.timezone(calendar.tz or "UTC")
        today = datetime.now(tz).date()
        if day == "today":
            date = today
        elif day == "tomorrow":
            date = today + timedelta(days=1)
        else:
            date = today + timedelta(days=(day - today.weekday()) % 7)
        start = tz.localize(datetime.combine(date, time.min))
        end = tz.localize(datetime.combine(date, time.max))
        intervals = calendar._work_intervals_batch(start, end)[False]
        ranges = [
            f"{_hour(a.hour + a.minute / 60)}-{_hour(b.hour + b.minute / 60)}"
            for a, b, __ in intervals
        ]
        usual = any(
            not a.display_type and int(a.dayofweek) == date.weekday()
            for a in calendar.attendance_ids
        )
        date_text = format_date(self.env, date, lang_code=self._odoo_lang())
        return day_answer(self.lang, date.weekday(), date_text, ranges, usual)

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
        if self.intent == "opening_hours":
            return company_answer(self.lang, "opening_hours", self._company_hours())
        if self.intent == "address":
            parts = [
                company.street,
                company.street2,
                " ".join(p for p in (company.zip, company.city) if p),
                company.state_id.name,
                company.country_id.with_context(lang=self._odoo_lang()).name,
            ]
            return company_answer(self.lang, "address", [p for p in parts if p])
        if self.intent == "contact":
            return company_answer(self.lang, "contact", [company.phone, company.email])
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
