# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, time, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.pyme_ai_base.tests.common import PymeAiCase

from pyme_ai.sales import SEGMENTS

from ..models import res_partner as rfm_module
from ..models.res_partner import RFM_CRON, SEGMENT_SELECTION


@tagged("post_install", "-at_install")
class TestRfmSegments(PymeAiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        eur = cls.env.ref("base.EUR")
        usd = cls.env.ref("base.USD")
        (eur + usd).active = True
        cls.company = cls.env["res.company"].create(
            {"name": "RFM Company", "currency_id": eur.id}
        )
        cls.company2 = cls.env["res.company"].create(
            {"name": "RFM Company 2", "currency_id": eur.id}
        )
        # company-specific rates win over any other rate (res.currency._get_rates)
        cls.env["res.currency.rate"].create(
            [
                {
                    "name": "2000-01-01",
                    "currency_id": currency.id,
                    "rate": rate,
                    "company_id": company.id,
                }
                for currency, rate in ((eur, 1.0), (usd, 2.0))
                for company in (cls.company, cls.company2)
            ]
        )
        cls.usd_pricelist = cls.env["product.pricelist"].create(
            {"name": "RFM USD", "currency_id": usd.id, "company_id": cls.company.id}
        )
        cls.eur_pricelists = {
            company: cls.env["product.pricelist"].create(
                {"name": "RFM EUR", "currency_id": eur.id, "company_id": company.id}
            )
            for company in (cls.company, cls.company2)
        }
        cls.product = cls.env["product.product"].create(
            {"name": "RFM Service", "type": "service", "taxes_id": [], "list_price": 1}
        )
        Partner = cls.env["res.partner"]
        cls.customers = {
            name: Partner.create({"name": f"RFM Customer {name}", "is_company": True})
            for name in "ABCDEF"
        }
        cls.contact_a = Partner.create(
            {"name": "RFM Contact of A", "parent_id": cls.customers["A"].id}
        )
        cls.partners = Partner.browse([p.id for p in cls.customers.values()])

    @classmethod
    def _order(cls, partner, days_ago, amount, state="sale", company=None, **vals):
        company = company or cls.company
        vals.setdefault("pricelist_id", cls.eur_pricelists[company].id)
        order = (
            cls.env["sale.order"]
            .with_company(company)
            .create(
                dict(
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "order_line": [
                            (
                                0,
                                0,
                                {
                                    "product_id": cls.product.id,
                                    "product_uom_qty": 1,
                                    "price_unit": amount,
                                    "tax_id": [],
                                },
                            )
                        ],
                    },
                    **vals,
                )
            )
        )
        if state in ("sale", "cancel"):
            order.action_confirm()
        if state == "cancel":
            order._action_cancel()
        when = datetime.combine(cls.today - timedelta(days=days_ago), time(10))
        order.date_order = when
        return order

    @classmethod
    def _orders(cls, partner, n, days_ago, total):
        """n confirmed orders a week apart, the last ``days_ago``, summing ``total``."""
        return [cls._order(partner, days_ago + 7 * i, total / n) for i in range(n)]

    def _build_history(self):
        """The engine's hand-built case (tests/sales/test_rfm.py) as sale orders."""
        c = self.customers
        self._orders(c["A"], 9, 12, 9000)
        self._order(self.contact_a, 5, 1000)  # a contact's order counts for A
        self._order(c["A"], -3, 999999)  # in the future: ignored
        self._order(c["B"], 2, 50)
        self._order(c["B"], 1, 99999, state="draft")  # quotation: ignored
        self._orders(c["C"], 8, 172, 8000)
        self._order(c["D"], 546, 20)
        self._order(c["D"], 10, 99999, state="cancel")  # cancelled: ignored
        self._orders(c["E"], 3, 53, 1125)
        # 750 USD at 2 USD per EUR = 375 EUR, E's last order
        usd_order = self._order(c["E"], 46, 750, pricelist_id=self.usd_pricelist.id)
        self.assertEqual(usd_order.currency_id, self.usd_pricelist.currency_id)
        self.assertAlmostEqual(usd_order.currency_rate, 2.0)
        f_order = self._order(c["F"], 30, 400)
        # company 2: A's only order there
        self._order(c["A"], 1, 100, company=self.company2)
        return f_order

    def _rfm(self, partner, company=None):
        partner = partner.with_company(company or self.company)
        return (
            partner.ai_rfm_segment,
            partner.ai_rfm_recency_score,
            partner.ai_rfm_frequency_score,
            partner.ai_rfm_monetary_score,
        )

    def _compute(self, company=None):
        company = company or self.company
        Partner = self.env["res.partner"].with_company(company)
        return Partner._ai_rfm_compute(company, self.today)

    def test_selection_matches_engine(self):
        self.assertEqual([code for code, _label in SEGMENT_SELECTION], list(SEGMENTS))

    def test_hand_computed_segments(self):
        f_order = self._build_history()
        result = self._compute()
        self.assertEqual(len(result), 6)
        self.assertEqual(self._rfm(self.customers["F"])[0], "loyal")
        # F's only order is cancelled: F drops out and the others get the engine's
        # hand-computed values (recency B 2 < A 5 < E 46 < C 172 < D 546,
        # frequency A 10 > C 8 > E 4 > B = D = 1, monetary A > C > E > B > D)
        f_order._action_cancel()
        result = self._compute()
        self.assertEqual({r["customer"] for r in result}, set(self.partners.ids[:5]))
        expected = {
            "A": ("champions", 4, 5, 5),
            "B": ("new", 5, 1, 2),
            "C": ("cant_lose", 2, 4, 4),
            "D": ("lost", 1, 1, 1),
            "E": ("loyal", 3, 3, 3),
            "F": (False, 0, 0, 0),
        }
        self.assertEqual(
            {name: self._rfm(partner) for name, partner in self.customers.items()},
            expected,
        )
        a = self.customers["A"].with_company(self.company)
        self.assertEqual(a.ai_rfm_recency_days, 5)
        self.assertEqual(a.ai_rfm_order_count, 10)
        self.assertAlmostEqual(a.ai_rfm_monetary, 10000.0)
        self.assertEqual(a.ai_rfm_date, self.today)
        e = self.customers["E"].with_company(self.company)
        self.assertEqual((e.ai_rfm_recency_days, e.ai_rfm_order_count), (46, 4))
        self.assertAlmostEqual(e.ai_rfm_monetary, 1500.0)  # USD converted
        d = self.customers["D"].with_company(self.company)
        self.assertEqual((d.ai_rfm_order_count, d.ai_rfm_monetary), (1, 20.0))
        b = self.customers["B"].with_company(self.company)
        self.assertEqual((b.ai_rfm_order_count, b.ai_rfm_monetary), (1, 50.0))
        f = self.customers["F"].with_company(self.company)
        self.assertFalse(f.ai_rfm_date)
        self.assertFalse(f.ai_rfm_order_count)
        # the contact itself has no segment: it is its company's
        self.assertFalse(self.contact_a.with_company(self.company).ai_rfm_segment)

        # filters and group by on the company-dependent field
        Partner = self.env["res.partner"].with_company(self.company)
        domain = [("id", "in", self.partners.ids)]
        self.assertEqual(
            Partner.search(domain + [("ai_rfm_segment", "=", "champions")]),
            self.customers["A"],
        )
        self.assertEqual(
            Partner.search(domain + [("ai_rfm_segment", "!=", False)]),
            self.partners - self.customers["F"],
        )
        groups = dict(Partner._read_group(domain, ["ai_rfm_segment"], ["__count"]))
        self.assertEqual(
            groups,
            {"champions": 1, "new": 1, "cant_lose": 1, "lost": 1, "loyal": 1, False: 1},
        )

    def test_second_company_isolated(self):
        self._build_history()
        self._compute()
        a = self.customers["A"]
        self.assertFalse(self._rfm(a, self.company2)[0])
        self._compute(self.company2)
        # A is company 2's only customer: every score is 3, one order, loyal
        self.assertEqual(self._rfm(a, self.company2), ("loyal", 3, 3, 3))
        a2 = a.with_company(self.company2)
        self.assertEqual(
            (a2.ai_rfm_order_count, a2.ai_rfm_monetary, a2.ai_rfm_recency_days),
            (1, 100.0, 1),
        )
        # company 1's values untouched, and do not count company 2's order
        self.assertEqual(self._rfm(a), ("champions", 4, 5, 5))
        self.assertEqual(a.with_company(self.company).ai_rfm_order_count, 10)
        # the other customers have no segment in company 2
        self.assertFalse(self._rfm(self.customers["B"], self.company2)[0])

    def test_cron_batches(self):
        self._build_history()
        others = self.env["res.company"].search(
            [("id", "not in", (self.company + self.company2).ids)]
        )
        others.ai_rfm_date = self.today
        Partner = self.env["res.partner"]
        Cron = self.registry["ir.cron"]
        with (
            patch.object(rfm_module, "COMPANIES_PER_CALL", 1),
            patch.object(Cron, "_notify_progress", autospec=True) as progress,
        ):
            Partner._cron_ai_rfm_segments()
            self.assertEqual(self.company.ai_rfm_date, self.today)
            self.assertFalse(self.company2.ai_rfm_date)
            self.assertEqual(self._rfm(self.customers["A"])[0], "champions")
            self.assertFalse(self._rfm(self.customers["A"], self.company2)[0])
            Partner._cron_ai_rfm_segments()
            self.assertEqual(self.company2.ai_rfm_date, self.today)
            self.assertEqual(self._rfm(self.customers["A"], self.company2)[0], "loyal")
            Partner._cron_ai_rfm_segments()  # nothing left today
        self.assertEqual(
            [call.kwargs for call in progress.call_args_list],
            [
                {"done": 1, "remaining": 1},
                {"done": 1, "remaining": 0},
                {"done": 0, "remaining": 0},
            ],
        )

    def test_recompute_button_and_setting(self):
        cron = self.env.ref(RFM_CRON)
        manager = new_test_user(
            self.env,
            login="rfm_ai_manager",
            groups="sales_team.group_sale_salesman,"
            "pyme_ai_base.pyme_ai_base_group_manager",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        salesman = new_test_user(
            self.env,
            login="rfm_salesman",
            groups="sales_team.group_sale_salesman",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        self.company.ai_rfm_date = self.today
        self.company2.ai_rfm_date = self.today
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(salesman).action_ai_rfm_recompute()
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.pyme_ai_sale_rfm_enabled)
        action = self.env["res.partner"].with_user(manager).action_ai_rfm_recompute()
        self.assertEqual(action["tag"], "display_notification")
        self.assertFalse(self.company.ai_rfm_date)  # queued again
        self.assertEqual(self.company2.ai_rfm_date, self.today)  # not the user's
        self.assertTrue(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        )
        # salespeople read the segment fields
        self._build_history()
        self._compute()
        customer = self.customers["A"].with_user(salesman).with_company(self.company)
        values = customer.read(["ai_rfm_segment"])[0]
        self.assertEqual(values["ai_rfm_segment"], "champions")
        # switching the setting off stops the cron and the button
        self.env["res.config.settings"].create(
            {"pyme_ai_sale_rfm_enabled": False}
        ).execute()
        self.assertFalse(cron.active)
        with self.assertRaises(UserError):
            self.env["res.partner"].with_user(manager).action_ai_rfm_recompute()
        self.env["res.config.settings"].create(
            {"pyme_ai_sale_rfm_enabled": True}
        ).execute()
        self.assertTrue(cron.active)

    def test_rfm_fields_only_for_sales_users(self):
        """Segments and sales totals are not readable over RPC by an internal user
        without sales rights nor by a portal user; views keep working for all."""
        self._build_history()
        self._compute()
        rfm_fields = list(rfm_module.RFM_COLUMNS)
        employee, portal, salesman = (
            new_test_user(
                self.env,
                login=login,
                groups=groups,
                company_id=self.company.id,
                company_ids=[(6, 0, self.company.ids)],
            )
            for login, groups in (
                ("rfm_employee", "base.group_user"),
                ("rfm_portal", "base.group_portal"),
                ("rfm_salesman_reader", "sales_team.group_sale_salesman"),
            )
        )
        customer = self.customers["A"]
        for user, partner in ((employee, customer), (portal, portal.partner_id)):
            partner = partner.with_user(user).with_company(self.company)
            partner.read(["name"])  # the record itself stays readable
            for fname in rfm_fields:
                with self.subTest(user=user.login, field=fname):
                    with self.assertRaises(AccessError):
                        partner.read([fname])
            with self.assertRaises(AccessError):
                partner.search([("ai_rfm_segment", "=", "champions")])
        employee_views = (
            self.env["res.partner"]
            .with_user(employee)
            .get_views([(False, "form"), (False, "list"), (False, "kanban")])
        )
        for view in employee_views["views"].values():
            self.assertNotIn("ai_rfm_segment", view["arch"])
        values = (
            customer.with_user(salesman).with_company(self.company).read(rfm_fields)[0]
        )
        self.assertEqual(values["ai_rfm_segment"], "champions")
        self.assertEqual(values["ai_rfm_order_count"], 10)
        salesman_views = (
            self.env["res.partner"]
            .with_user(salesman)
            .get_views(
                [
                    (False, "form"),
                    (self.env.ref("pyme_ai_sale.res_partner_view_list_rfm").id, "list"),
                ]
            )
        )
        for view in salesman_views["views"].values():
            self.assertIn("ai_rfm_segment", view["arch"])
