# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime
import math

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from pyme_ai.demand import DemandModel
from pyme_ai.training import TrainingResult

from .common import DemandCase

LOGGER = "odoo.addons.pyme_ai_base.models.pyme_ai_capability"


def poisson_cdf(k, mean):
    return sum(math.exp(-mean) * mean**i / math.factorial(i) for i in range(k + 1))


@tagged("post_install", "-at_install")
class TestForecast(DemandCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a known demand of 14 units a week (2 a day), Poisson around it
        cls.key = (cls.product.id, cls.wh1.id)
        cls.constant = DemandModel.constant(
            [f"{cls.product.id}:{cls.wh1.id}"],
            14.0,
            freq="W",
            first_day=cls.monday,
            horizon=4,
        )
        cls.env["ir.config_parameter"].sudo().set_param(
            "pyme_ai_inventory.horizon_days", 28
        )

    def _store_constant(self):
        result = TrainingResult(
            model=self.constant,
            metrics={"rmsse": 0.5},
            primary_metric="rmsse",
            higher_is_better=False,
            n_rows=10,
        )
        model = self.env["pyme.ai.model"]._store_result(
            "demand_forecast", self.company, result, 0.1
        )
        model._activate()
        return model

    def _assert_logged(self, orderpoint, subtype, changes):
        """The rule's last chatter line: the event's subtype, and the min / max
        as tracking values (labels and numbers rendered by each reader)."""
        message = orderpoint.message_ids[0]
        self.assertEqual(
            message.subtype_id, self.env.ref(f"pyme_ai_inventory.{subtype}")
        )
        self.assertFalse(message.body)
        tracked = message.tracking_value_ids._tracking_value_format()
        self.assertEqual(
            sorted(
                (t["fieldName"], t["oldValue"]["value"], t["newValue"]["value"])
                for t in tracked
            ),
            [("product_max_qty", *changes[1]), ("product_min_qty", *changes[0])],
        )

    def test_hand_computed_stockout(self):
        low = (self.product.id, self.wh2.id)  # not in the model: no demand
        values = self.forecasting._ai_plan(
            self.constant,
            [self.key, low],
            {self.key: 20.0, low: 5.0},
            {},
            {self.key: 7.0, low: 7.0},
            self.monday,
            {},
            {},
        )
        val = values[self.key]
        self.assertAlmostEqual(val["daily_demand"], 2.0)
        self.assertAlmostEqual(val["forecast_qty"], 56.0)
        # 20 units at 2 a day: more likely out than not from day 11 (P(Poisson(22)
        # > 20) = 0.63, P(Poisson(20) > 20) = 0.44), after the lead time; the cover
        # is the same number of days
        self.assertEqual(
            (val["stockout_date"] - self.monday).days, 11, "2 a day from 20 units"
        )
        self.assertFalse(val["stockout_within_lead"])
        self.assertEqual(val["days_of_cover"], 11)
        # lead-time demand is Poisson(14): reorder point = its 95% quantile
        rop = next(k for k in range(100) if poisson_cdf(k, 14.0) >= 0.95)
        self.assertEqual(val["reorder_point"], rop)
        # max = min + one review period (7 days at 2 a day)
        self.assertEqual(val["max_level"], rop + 14)
        self.assertAlmostEqual(
            val["stockout_probability"], 1 - poisson_cdf(20, 14.0), places=4
        )
        self.assertEqual(val["method"], "given")
        self.assertEqual(len(val["chart"]["mean"]), 4)
        self.assertEqual(values[low]["daily_demand"], 0.0)
        self.assertFalse(values[low]["stockout_date"])
        self.assertEqual(values[low]["demand_class"], "none")
        # with 10 units the product runs out on day 6, within the 7-day lead time
        val = self.forecasting._ai_plan(
            self.constant,
            [self.key],
            {self.key: 10.0},
            {},
            {self.key: 7.0},
            self.monday,
            {},
            {},
        )[self.key]
        self.assertEqual((val["stockout_date"] - self.monday).days, 6)
        self.assertTrue(val["stockout_within_lead"])
        self.assertGreater(val["stockout_probability"], 0.5)

    def test_lead_time_rule(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "pyme_ai_inventory.default_lead_days", 9
        )
        products = self.product | self.other_product
        self.env["product.supplierinfo"].create(
            [
                {
                    "partner_id": self.env.user.partner_id.id,
                    "product_tmpl_id": self.product.product_tmpl_id.id,
                    "delay": delay,
                }
                for delay in (12, 4)
            ]
        )
        lead = self.forecasting._ai_lead_times(products, self.wh1, self.company)
        self.assertEqual(lead[self.product.id, self.wh1.id], 4.0)  # fastest vendor
        self.assertEqual(lead[self.other_product.id, self.wh1.id], 9.0)  # default

    def test_apply_writes_rows_products_and_suggestions(self):
        ai_model = self._store_constant()
        self._set_on_hand(self.product, self.wh1, 20)
        orderpoints = self.env["stock.warehouse.orderpoint"].create(
            [
                {
                    "product_id": product.id,
                    "warehouse_id": self.wh1.id,
                    "location_id": self.wh1.lot_stock_id.id,
                    "product_min_qty": 1,
                    "product_max_qty": 5,
                }
                for product in (self.product, self.other_product)
            ]
        )
        self.forecasting._cron_ai_apply()
        forecast = self.env["pyme.ai.product.forecast"].search(
            [("product_id", "=", self.product.id), ("warehouse_id", "=", self.wh1.id)]
        )
        self.assertEqual(forecast.model_id, ai_model)
        self.assertEqual(forecast.on_hand, 20.0)
        self.assertAlmostEqual(forecast.daily_demand, 2.0)
        self.assertEqual(len(self.product.ai_forecast_ids), 2)  # both warehouses
        self.assertAlmostEqual(self.product.ai_daily_demand, 2.0)
        self.assertTrue(self.product.ai_stockout_date)
        self.assertEqual(self.product.ai_forecast_method, "given")
        self.assertIn("<svg", self.product.ai_forecast_chart)
        self.assertEqual(self.other_product.ai_demand_class, "none")
        # restart-safe: nothing left to do until the next day or model
        domain = self.forecasting._ai_apply_domain(ai_model)
        self.assertFalse(
            self.env["product.product"].search_count(
                domain + [("id", "in", (self.product | self.other_product).ids)]
            )
        )
        # suggestions are shown next to the user's values, never written alone
        bolt, nut = orderpoints
        rop = next(k for k in range(100) if poisson_cdf(k, 14.0) >= 0.95)
        self.assertEqual(bolt.ai_suggested_min, rop)
        self.assertEqual(bolt.ai_suggested_max, rop + 14)
        self.assertTrue(bolt.ai_suggestion_differs)
        self.assertEqual((bolt.product_min_qty, bolt.product_max_qty), (1, 5))
        # a stock user reads them but cannot apply them
        as_user = bolt.with_user(self.stock_user)
        self.assertEqual(as_user.ai_suggested_min, rop)
        self.assertTrue(
            self.env["pyme.ai.product.forecast"].with_user(self.stock_user).search([])
        )
        with self.assertRaises(AccessError):
            as_user.action_ai_apply_suggestion()
        self.assertEqual(bolt.product_min_qty, 1)
        self.assertIn("lead time", bolt.ai_suggestion_note)
        # one rule: nothing is written before the confirmation
        manager_bolt = bolt.with_user(self.stock_manager)
        action = manager_bolt.action_ai_apply_suggestion()
        self.assertEqual(bolt.product_min_qty, 1)
        wizard = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual(wizard.line_ids.new_min, rop)
        self.assertEqual((wizard.line_ids.old_min, wizard.line_ids.old_max), (1, 5))
        wizard.with_user(self.stock_manager).action_confirm()
        self.assertEqual((bolt.product_min_qty, bolt.product_max_qty), (rop, rop + 14))
        self.assertTrue(bolt.ai_applied)
        self.assertFalse(bolt.ai_suggestion_differs)
        self._assert_logged(bolt, "mt_ai_applied", [(1, rop), (5, rop + 14)])
        # undo restores the values it replaced and says so
        manager_bolt.action_ai_undo()
        self.assertEqual((bolt.product_min_qty, bolt.product_max_qty), (1, 5))
        self.assertFalse(bolt.ai_applied)
        self._assert_logged(bolt, "mt_ai_undone", [(rop, 1), (rop + 14, 5)])
        # many rules through the list action: the 0 / 0 of the nut (no demand)
        # starts unticked and is not applied unless ticked
        action = self.env.ref(
            "pyme_ai_inventory.stock_warehouse_orderpoint_action_apply_ai_suggestion"
        )
        result = (
            action.with_user(self.stock_manager)
            .with_context(
                active_model="stock.warehouse.orderpoint", active_ids=orderpoints.ids
            )
            .run()
        )
        wizard = self.env[result["res_model"]].browse(result["res_id"])
        self.assertEqual(wizard.zero_count, 1)
        nut_line = wizard.line_ids.filtered(lambda line: line.orderpoint_id == nut)
        self.assertFalse(nut_line.apply)
        wizard.with_user(self.stock_manager).action_confirm()
        self.assertEqual((bolt.product_min_qty, bolt.product_max_qty), (rop, rop + 14))
        self.assertEqual((nut.product_min_qty, nut.product_max_qty), (1, 5))
        # ... and only with an explicit tick
        result = nut.with_user(self.stock_manager).action_ai_apply_suggestion()
        wizard = self.env[result["res_model"]].browse(result["res_id"])
        wizard.line_ids.apply = True
        wizard.with_user(self.stock_manager).action_confirm()
        self.assertEqual((nut.product_min_qty, nut.product_max_qty), (0, 0))

    def test_forecast_now_keeps_the_suggestions(self):
        self._store_constant()
        orderpoint = self.env["stock.warehouse.orderpoint"].create(
            {
                "product_id": self.product.id,
                "warehouse_id": self.wh1.id,
                "location_id": self.wh1.lot_stock_id.id,
            }
        )
        self.forecasting._cron_ai_apply()
        before = (orderpoint.ai_suggested_min, orderpoint.ai_suggested_max)
        self.assertGreater(before[0], 0)
        self.product.with_user(self.stock_manager).action_ai_forecast_now()
        orderpoint.invalidate_recordset()
        self.assertEqual(
            (orderpoint.ai_suggested_min, orderpoint.ai_suggested_max), before
        )
        self.assertTrue(self.product.ai_forecast_date)
        self.forecasting._cron_ai_apply()
        row = self.product.ai_forecast_ids.filtered(
            lambda r: r.warehouse_id == self.wh1
        )
        self.assertFalse(row.refresh_requested)

    def test_one_projection_for_every_figure(self):
        """The issue's contradicting case: a late receipt counts in every figure."""
        self._store_constant()
        self._set_on_hand(self.product, self.wh1, 6)
        supplier = self.env.ref("stock.stock_location_suppliers")
        move = self.env["stock.move"].create(
            {
                "name": "late receipt",
                "product_id": self.product.id,
                "product_uom": self.unit.id,
                "product_uom_qty": 35,
                "location_id": supplier.id,
                "location_dest_id": self.wh1.lot_stock_id.id,
                "date": self.monday - datetime.timedelta(days=3),
            }
        )
        move._action_confirm()
        self.forecasting._cron_ai_apply()
        row = self.product.ai_forecast_ids.filtered(
            lambda r: r.warehouse_id == self.wh1
        )
        self.assertEqual(row.late_qty, 35)
        self.assertEqual(row.incoming_qty, 35)
        # 41 units at 2 a day: out around day 21 in cover and date alike
        today = row.date.date()
        self.assertEqual((row.stockout_date - today).days, row.days_of_cover)
        self.assertAlmostEqual(row.days_of_cover, 21, delta=2)
        self.assertEqual(row.stockout_within_lead, row.stockout_probability > 0.5)
        self.assertFalse(row.stockout_within_lead)
        self.assertIn(row.probability_display, ("< 1 %", "1 %", "2 %"))
        self.assertEqual(self.product.ai_days_of_cover, row.days_of_cover)

    def test_activities_never_duplicated(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "pyme_ai_inventory.activities", "True"
        )
        ai_model = self._store_constant()
        self.env["res.lang"]._activate_lang("es_ES")
        self.stock_manager.lang = "es_ES"
        self.product.responsible_id = self.stock_manager
        self._set_on_hand(self.product, self.wh1, 4)  # out in 2 days
        self.forecasting._cron_ai_apply()
        activity_type = self.env.ref(
            "pyme_ai_inventory.mail_activity_type_stockout_risk"
        )

        def activities():
            return self.env["mail.activity"].search(
                [
                    ("res_model", "=", "product.product"),
                    ("res_id", "=", self.product.id),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )

        self.assertTrue(self.product.ai_stockout_within_lead)
        self.assertEqual(activities().user_id, self.stock_manager)
        # written in the language of the user who gets it
        day = self.product.ai_stockout_date.strftime("%d/%m/%Y")
        self.assertEqual(
            activities().summary,
            f"Rotura de stock prevista el {day}, antes de que pueda llegar una "
            "reposición",
        )
        self.assertFalse(self.other_product.activity_ids)
        # forecasting again keeps the single open activity
        self.product.action_ai_forecast_now()
        self.assertTrue(
            self.env["product.product"].search_count(
                self.forecasting._ai_apply_domain(ai_model)
                + [("id", "=", self.product.id)]
            )
        )
        self.forecasting._cron_ai_apply()
        self.assertEqual(len(activities()), 1)

    def test_cron_train_then_apply(self):
        self._weekly_sales(self.product, self.wh1, 7, 30)
        self._weekly_sales(self.other_product, self.wh2, 14, 30)
        self._set_on_hand(self.product, self.wh1, 14)
        with mute_logger(LOGGER):  # other companies have no history
            self.forecasting._cron_ai_train()
        ai_model = self.env["pyme.ai.model"]._get_active("demand_forecast")
        self.assertTrue(ai_model, "training should succeed")
        self.assertEqual(ai_model.primary_metric, "rmsse")
        self.assertGreaterEqual(ai_model.train_rows, 60)  # 2 series x 30 weeks
        # training queued the forecast cron; run it as the runner would
        self.forecasting._cron_ai_apply()
        self.assertAlmostEqual(self.product.ai_daily_demand, 1.0, delta=0.05)
        self.assertAlmostEqual(self.other_product.ai_daily_demand, 2.0, delta=0.1)
        self.assertEqual(self.product.ai_demand_class, "smooth")
        self.assertTrue(self.product.ai_forecast_method)
        wh1_row = self.product.ai_forecast_ids.filtered(
            lambda r: r.warehouse_id == self.wh1
        )
        self.assertAlmostEqual(wh1_row.days_of_cover, 14.0, delta=1.0)
        self.assertAlmostEqual(
            (self.product.ai_stockout_date - wh1_row.date.date()).days, 14, delta=2
        )
        self.assertEqual(len(wh1_row.chart_data["history"]), 26)
        self.assertEqual(wh1_row.chart_data["history"][-1], 7.0)

    def test_too_little_history_is_a_notice(self):
        self._weekly_sales(self.product, self.wh1, 3, 2)
        run = self.forecasting._ai_train()
        self.assertEqual(run.state, "no_data")
        self.assertIn("The AI needs 20 days with deliveries", run.message)
        self.assertIn("The AI needs 20 days", self.product.ai_forecast_notice)

    def test_capability_contract_switch_and_train_now(self):
        forecasting = self.forecasting
        self.assertEqual(forecasting._ai_apply_mode, "batch")
        self.assertFalse(forecasting._ai_protect_active)
        self.assertEqual(forecasting._ai_metrics["rmsse"][1], "lower")
        self.assertEqual(forecasting._ai_metrics["pinball_0.9"][1], "lower")
        # the base's switch and train-now replace the addon's own settings
        self.assertNotIn(
            "pyme_ai_inventory_enabled", self.env["res.config.settings"]._fields
        )
        cron = self.env.ref("pyme_ai_inventory.ir_cron_forecast_demand")
        forecasting._ai_set_enabled(False)
        self.assertFalse(cron.active)
        self.assertFalse(forecasting._ai_is_enabled())
        forecasting._ai_set_enabled(True)
        self.assertTrue(cron.active)
        train = self.env.ref("pyme_ai_inventory.ir_cron_train_demand")
        before = self.env["ir.cron.trigger"].search_count([("cron_id", "=", train.id)])
        forecasting.action_ai_train_now()
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", train.id)]),
            before + 1,
        )

    def test_settings_are_read_typed_with_defaults(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("pyme_ai_inventory.review_days", "14")
        params.set_param("pyme_ai_inventory.service_level", "0.99")
        params.set_param("pyme_ai_inventory.default_lead_days", "soon")
        self.assertEqual(self.forecasting._ai_review_days(), 14)
        self.assertEqual(self.forecasting._ai_service_level(), 0.99)
        self.assertEqual(self.forecasting._ai_default_lead_days(), 7)
        params.set_param("pyme_ai_inventory.service_level", "1")
        self.assertEqual(self.forecasting._ai_service_level(), 0.95)
        self.assertEqual(self.forecasting._ai_horizon_periods(), 4)

    def test_forecasts_of_other_companies_are_hidden(self):
        other = self.env["res.company"].create({"name": "AI other company"})
        other_wh = self.env["stock.warehouse"].search(
            [("company_id", "=", other.id)], limit=1
        )
        Forecast = self.env["pyme.ai.product.forecast"]
        mine, theirs = Forecast.create(
            [
                {"product_id": self.product.id, "warehouse_id": self.wh1.id},
                {
                    "product_id": self.product.id,
                    "warehouse_id": other_wh.id,
                    "company_id": other.id,
                },
            ]
        )
        visible = Forecast.with_user(self.stock_user).search(
            [("product_id", "=", self.product.id)]
        )
        self.assertEqual(visible, mine)
        self.assertNotIn(theirs, visible)
        with self.assertRaises(AccessError):
            mine.with_user(self.stock_user).write({"daily_demand": 5})
