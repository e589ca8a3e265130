# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from pyme_ai.demand import DemandModel
from pyme_ai.training import TrainingResult

from .common import DemandCase


@tagged("post_install", "-at_install")
class TestCompaniesAndAccess(DemandCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.env["res.company"].create({"name": "AI second company"})
        cls.other_wh = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.other.id)], limit=1
        )
        # a product shared by both companies (no company on it)
        cls.product.company_id = False

    def _activate(self, company, warehouse, weekly):
        model = DemandModel.constant(
            [f"{self.product.id}:{warehouse.id}"],
            weekly,
            freq="W",
            first_day=self.monday,
            horizon=4,
        )
        result = TrainingResult(
            model=model,
            metrics={"rmsse": 0.5},
            primary_metric="rmsse",
            higher_is_better=False,
            n_rows=10,
        )
        ai_model = self.env["pyme.ai.model"]._store_result(
            "demand_forecast", company, result, 0.1
        )
        ai_model._activate()
        return ai_model

    def test_product_figures_are_per_company(self):
        self._activate(self.company, self.wh1, 14.0)  # 2 a day here
        self._activate(self.other, self.other_wh, 70.0)  # 10 a day there
        self.forecasting._cron_ai_apply()
        self.forecasting._cron_ai_apply()
        rows = (
            self.env["pyme.ai.product.forecast"]
            .sudo()
            .search([("product_id", "=", self.product.id)])
        )
        self.assertEqual(set(rows.company_id.ids), {self.company.id, self.other.id})
        mine = self.product.with_company(self.company)
        theirs = self.product.with_company(self.other)
        # each company sees its own warehouses only, never the sum
        self.assertAlmostEqual(mine.ai_daily_demand, 2.0)
        self.assertAlmostEqual(theirs.ai_daily_demand, 10.0)
        self.assertEqual(
            mine.ai_company_forecast_ids.warehouse_id.company_id, self.company
        )
        self.assertEqual(
            theirs.ai_company_forecast_ids.warehouse_id.company_id, self.other
        )
        self.assertIn("<svg", mine.ai_forecast_chart)
        # a user of one company only reads that company's figures
        user = new_test_user(
            self.env,
            login="ai_stock_user_other",
            groups="stock.group_stock_user",
            company_id=self.other.id,
            company_ids=[self.other.id],
        )
        self.assertAlmostEqual(
            self.product.with_user(user).with_company(self.other).ai_daily_demand,
            10.0,
        )

    def test_ai_fields_need_stock_rights(self):
        self._activate(self.company, self.wh1, 14.0)
        self.forecasting._cron_ai_apply()
        fields = ["ai_daily_demand", "ai_stockout_date", "ai_forecast_chart"]
        # a stock user reads them over RPC
        values = self.product.with_user(self.stock_user).read(fields)[0]
        self.assertAlmostEqual(values["ai_daily_demand"], 2.0)
        # a plain internal user (no inventory rights) and a portal user do not
        internal = new_test_user(self.env, login="ai_plain", groups="base.group_user")
        portal = new_test_user(self.env, login="ai_portal", groups="base.group_portal")
        for user in (internal, portal):
            product = self.product.with_user(user)
            for field in fields + ["ai_forecast_ids", "ai_stockout_probability"]:
                with self.assertRaises(AccessError, msg=f"{user.login} {field}"):
                    product.read([field])
            self.assertNotIn("ai_daily_demand", product.fields_get(attributes=["type"]))
        # the internal user still reads the product itself
        self.assertTrue(self.product.with_user(internal).read(["name"]))
