# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from odoo.tests import tagged

from .common import DemandCase


@tagged("post_install", "-at_install")
class TestHistory(DemandCase):
    def test_returns_warehouses_and_units(self):
        day1 = self.monday - datetime.timedelta(days=14)
        day2 = self.monday - datetime.timedelta(days=10)
        stock1, stock2 = self.wh1.lot_stock_id, self.wh2.lot_stock_id
        self._moves(
            [
                (self.product, stock1, self.customers, 10, str(day1)),
                # customer return into the same warehouse, same day: netted
                (self.product, self.customers, stock1, 3, str(day1)),
                (self.product, stock2, self.customers, 5, str(day1)),
                # two dozens are 24 units of the product
                (self.product, stock1, self.customers, 2, str(day2), self.dozen),
                # internal transfers are not demand
                (self.other_product, stock1, stock2, 8, str(day1)),
            ]
        )
        since = self.monday - datetime.timedelta(days=30)
        rows = self.forecasting._ai_history(since, self.monday)
        got = {(p, w, d): q for p, w, d, q in rows}
        self.assertEqual(
            got,
            {
                (self.product.id, self.wh1.id, day1): 7.0,
                (self.product.id, self.wh2.id, day1): 5.0,
                (self.product.id, self.wh1.id, day2): 24.0,
            },
        )
        # the running week is left out of the training window
        since, until = self.forecasting._ai_training_window(self.monday)
        self.assertEqual(until, self.monday)
        self.assertEqual(until.weekday(), 0)

    def test_training_window_excludes_current_week(self):
        self._moves(
            [
                (
                    self.product,
                    self.wh1.lot_stock_id,
                    self.customers,
                    4,
                    str(self.monday),
                )
            ]
        )
        since, until = self.forecasting._ai_training_window(self.monday)
        self.assertFalse(self.forecasting._ai_history(since, until))
