# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import DemandCase

LOGGER = "odoo.addons.pyme_ai_base.models.pyme_ai_capability"


@tagged("post_install", "-at_install")
class TestPromotions(DemandCase):
    def _week(self, weeks_ago):
        return self.monday - datetime.timedelta(days=7 * weeks_ago)

    def _rule(self, weeks_ago, **values):
        """A pricelist rule covering the week ``weeks_ago`` weeks before this one."""
        start = datetime.datetime.combine(self._week(weeks_ago), datetime.time.min)
        pricelist = self.env["product.pricelist"].create({"name": "AI promo"})
        return self.env["product.pricelist.item"].create(
            {
                "pricelist_id": pricelist.id,
                "date_start": start,
                "date_end": start + datetime.timedelta(days=6, hours=23),
                **values,
            }
        )

    def test_pricelist_periods_that_lower_the_price_are_promotions(self):
        self.product.lst_price = 10.0
        self._rule(
            2,
            applied_on="0_product_variant",
            product_id=self.product.id,
            compute_price="percentage",
            percent_price=20,
        )
        # a future one (known promotion over the horizon)
        self._rule(
            -1, applied_on="3_global", compute_price="percentage", percent_price=5
        )
        # a fixed price above the sales price is no promotion
        self._rule(
            4,
            applied_on="0_product_variant",
            product_id=self.product.id,
            compute_price="fixed",
            fixed_price=12.0,
        )
        archived = self._rule(
            6, applied_on="3_global", compute_price="percentage", percent_price=50
        )
        archived.pricelist_id.active = False
        items = {f"{self.product.id}:{self.wh1.id}", f"{self.product.id}:{self.wh2.id}"}
        since = self._week(20)
        out = self.forecasting._ai_promotions(items, since, self._week(-4))
        got = sorted(
            zip(out["items"], out["dates"], out["end"], out["share"], strict=True)
        )
        expected = sorted(
            (item, self._week(weeks), self._week(weeks) + datetime.timedelta(6), 1.0)
            for item in items
            for weeks in (2, -1)
        )
        self.assertEqual(got, expected)

    def test_discounted_sale_lines_give_the_discounted_share(self):
        if "sale.order.line" not in self.env:
            self.skipTest("Sales is not installed")
        partner = self.env["res.partner"].create({"name": "AI customer"})
        line = {"product_id": self.product.id, "product_uom_qty": 1}
        orders = self.env["sale.order"].create(
            [
                {
                    "partner_id": partner.id,
                    "order_line": [
                        (0, 0, dict(line, product_uom_qty=3, discount=10)),
                        (0, 0, line),
                    ],
                },
                # no discount at all (the week before): no row
                {"partner_id": partner.id, "order_line": [(0, 0, line)]},
            ]
        )
        orders.action_confirm()
        wednesday = self._week(3) + datetime.timedelta(days=2)
        orders[0].date_order = datetime.datetime.combine(wednesday, datetime.time(10))
        orders[1].date_order = orders[0].date_order - datetime.timedelta(days=7)
        item = f"{self.product.id}:{self.wh1.id}"
        out = self.forecasting._ai_promotions({item}, self._week(10), self.monday)
        self.assertEqual(out["items"], [item])
        self.assertEqual(out["dates"], [self._week(3)])
        self.assertAlmostEqual(out["share"][0], 0.75)

    def _history(self, products):
        """40 weeks of sales: 10 + i a week, 25 + i in every fifth week (promoted
        by a 30 % pricelist rule for all products)."""
        specs = []
        for i, product in enumerate(products):
            for weeks in range(1, 41):
                qty = (25 if weeks % 5 == 3 else 10) + i
                day = str(self._week(weeks) + datetime.timedelta(days=2))
                specs.append((product, self.wh1.lot_stock_id, self.customers, qty, day))
        self._moves(specs)

    def _train(self):
        with mute_logger(LOGGER):
            self.forecasting._cron_ai_train()
        ai_model = self.env["pyme.ai.model"]._get_active("demand_forecast")
        self.assertTrue(ai_model, "training should succeed")
        return ai_model.report["promotions"]

    def test_planted_promotions_are_used_and_said(self):
        Product = self.env["product.product"]
        products = self.product | self.other_product
        products |= Product.create(
            [{"name": f"AI promo {i}", "is_storable": True} for i in range(4)]
        )
        self._history(products)
        for weeks in range(1, 41):
            if weeks % 5 == 3:
                self._rule(
                    weeks,
                    applied_on="3_global",
                    compute_price="percentage",
                    percent_price=30,
                )
        report = self._train()
        self.assertEqual(report["status"], "used")
        self.assertLess(report["rmsse_with"], report["rmsse_without"])
        self.assertGreater(report["uplift"], 0.8)  # planted: about +140 %
        note = self.product.with_context(lang="en_US").ai_promotions_note
        self.assertTrue(note.startswith("Promotions: used (the error falls from "))

    def test_no_promotion_in_history_says_nothing(self):
        self._history(self.product | self.other_product)
        report = self._train()
        self.assertEqual(report["status"], "none")
        self.assertFalse(self.product.ai_promotions_note)
