# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class StockWarehouseOrderpoint(models.Model):
    _inherit = "stock.warehouse.orderpoint"

    ai_forecast_id = fields.Many2one(
        "pyme.ai.product.forecast",
        string="AI Forecast",
        compute="_compute_ai_forecast_id",
    )
    ai_suggested_min = fields.Float(
        string="AI Suggested Min",
        digits="Product Unit of Measure",
        compute="_compute_ai_forecast_id",
        help="Reorder point for the target service level: demand over the lead "
        "time that is exceeded only with 1 - service level probability.",
    )
    ai_suggested_max = fields.Float(
        string="AI Suggested Max",
        digits="Product Unit of Measure",
        compute="_compute_ai_forecast_id",
        help="Suggested min plus the expected demand of one review period.",
    )
    ai_stockout_date = fields.Date(
        string="AI Stock-out Date", compute="_compute_ai_forecast_id"
    )
    ai_suggestion_differs = fields.Boolean(
        string="AI Suggestion Differs", compute="_compute_ai_forecast_id"
    )

    @api.depends("product_id", "warehouse_id", "product_min_qty", "product_max_qty")
    def _compute_ai_forecast_id(self):
        forecasts = self.env["pyme.ai.product.forecast"].search(
            [
                ("product_id", "in", self.product_id.ids),
                ("warehouse_id", "in", self.warehouse_id.ids),
                ("date", "!=", False),
            ]
        )
        by_key = {(f.product_id.id, f.warehouse_id.id): f for f in forecasts}
        rounding = self.env["decimal.precision"].precision_get(
            "Product Unit of Measure"
        )
        for orderpoint in self:
            forecast = by_key.get(
                (orderpoint.product_id.id, orderpoint.warehouse_id.id),
                forecasts.browse(),
            )
            orderpoint.ai_forecast_id = forecast
            orderpoint.ai_suggested_min = forecast.reorder_point
            orderpoint.ai_suggested_max = forecast.max_level
            orderpoint.ai_stockout_date = forecast.stockout_date
            orderpoint.ai_suggestion_differs = bool(forecast) and (
                round(forecast.reorder_point - orderpoint.product_min_qty, rounding)
                != 0
                or round(forecast.max_level - orderpoint.product_max_qty, rounding) != 0
            )

    def action_ai_apply_suggestion(self):
        """Copy the AI suggested min and max into the user's own values.

        Explicit only (a button or the list action): nothing else writes min / max.
        """
        if not self.env.user.has_group("stock.group_stock_manager"):
            raise AccessError(
                self.env._("Only inventory administrators can apply AI suggestions.")
            )
        self.check_access("write")
        todo = self.filtered("ai_forecast_id")
        if not todo:
            raise UserError(
                self.env._(
                    "There is no AI forecast for these reordering rules yet; it is "
                    "computed every night once there is sales history."
                )
            )
        # group by values so many rules with the same suggestion share one write
        groups = {}
        for orderpoint in todo:
            key = (orderpoint.ai_suggested_min, orderpoint.ai_suggested_max)
            groups.setdefault(key, self.browse())
            groups[key] |= orderpoint
        for (minimum, maximum), orderpoints in groups.items():
            orderpoints.write(
                {"product_min_qty": minimum, "product_max_qty": max(maximum, minimum)}
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "AI suggestion applied to %(count)s reordering rule(s).",
                    count=len(todo),
                ),
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
