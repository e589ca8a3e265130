# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import formatLang

from odoo.addons.pyme_ai_base.tools import log_event

#: The AI fields of a rule read its forecast row; the values before an applied
#: suggestion are kept for undo.
AI = dict(compute="_compute_ai_forecast_id")
AI_QTY = dict(AI, digits="Product Unit of Measure")
UNDO_QTY = dict(digits="Product Unit of Measure", copy=False)


class StockWarehouseOrderpoint(models.Model):
    _name = "stock.warehouse.orderpoint"
    _inherit = ["stock.warehouse.orderpoint", "mail.thread"]

    ai_forecast_id = fields.Many2one("pyme.ai.product.forecast", "AI Forecast", **AI)
    ai_suggested_min = fields.Float(
        "AI Suggested Min",
        **AI_QTY,
        help="Reorder point: demand during the lead time plus the safety stock of the "
        "service level set in the AI settings.",
    )
    ai_suggested_max = fields.Float(
        "AI Suggested Max",
        **AI_QTY,
        help="Suggested min plus the expected demand of one review period.",
    )
    ai_stockout_date = fields.Date("AI Stock-out Date", **AI)
    ai_suggestion_differs = fields.Boolean("AI Suggestion Differs", **AI)
    ai_suggestion_note = fields.Char("AI Suggestion Explained", **AI)
    ai_previous_min = fields.Float("Min Before AI", **UNDO_QTY)
    ai_previous_max = fields.Float("Max Before AI", **UNDO_QTY)
    ai_applied = fields.Boolean(
        string="AI Suggestion Applied",
        copy=False,
        help="The min and max come from an AI suggestion; Undo restores the values "
        "they replaced.",
    )

    @api.depends("product_id", "warehouse_id", "product_min_qty", "product_max_qty")
    @api.depends_context("lang")
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
            orderpoint.ai_suggested_max = max(
                forecast.max_level, forecast.reorder_point
            )
            orderpoint.ai_stockout_date = forecast.stockout_date
            orderpoint.ai_suggestion_differs = bool(forecast) and (
                round(forecast.reorder_point - orderpoint.product_min_qty, rounding)
                != 0
                or round(forecast.max_level - orderpoint.product_max_qty, rounding) != 0
            )
            orderpoint.ai_suggestion_note = (
                orderpoint._ai_explain(forecast) if forecast else False
            )

    def _ai_explain(self, forecast):
        """One line saying where the suggested min and max come from, in the
        reader's language."""
        env = self.env

        def num(value):
            return formatLang(env, value, digits=1)

        if forecast.daily_demand <= 0 and forecast.reorder_point <= 0:
            return env._(
                "No demand forecast: a 0 / 0 rule would stop replenishing this "
                "product; it is never applied without asking."
            )
        text = env._(
            "Min %(min)s = %(lead)s expected in the %(days)s days of lead time + "
            "%(safety)s safety stock for %(level)s %% service; max %(max)s = min + "
            "%(review)s for one review period.",
            min=num(forecast.reorder_point),
            lead=num(forecast.lead_demand),
            days=formatLang(env, forecast.lead_time_days, digits=0),
            safety=num(forecast.safety_stock),
            level=formatLang(env, forecast.service_level * 100, digits=0),
            max=num(max(forecast.max_level, forecast.reorder_point)),
            review=num(forecast.review_demand),
        )
        extra = []
        if forecast.order_multiple > 1:
            extra.append(
                env._("orders in multiples of %s", num(forecast.order_multiple))
            )
        if forecast.vendor_min > 0:
            extra.append(env._("vendor minimum %s", num(forecast.vendor_min)))
        if forecast.method == "category":
            extra.append(env._("new product: demand pooled from its category"))
        if extra:
            text += " " + env._("Also: %s.", ", ".join(extra))
        return text

    def _ai_check_manager(self):
        if not self.env.user.has_group("stock.group_stock_manager"):
            raise AccessError(
                self.env._("Only inventory administrators can apply AI suggestions.")
            )
        self.check_access("write")

    def action_ai_apply_suggestion(self):
        """Open the confirmation of the AI suggestions of these rules (nothing is
        written before the user confirms)."""
        self._ai_check_manager()
        todo = self.filtered("ai_forecast_id")
        if not todo:
            raise UserError(
                self.env._(
                    "There is no AI forecast for these reordering rules yet; it is "
                    "computed every night once there is sales history."
                )
            )
        wizard = self.env["stock.warehouse.orderpoint.ai.apply"].create(
            {
                "line_ids": [
                    fields.Command.create(
                        {
                            "orderpoint_id": op.id,
                            # 0 / 0 switches replenishment off: only when ticked
                            "apply": op.ai_suggested_max > 0,
                        }
                    )
                    for op in todo
                ]
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Apply AI suggestions"),
            "res_model": wizard._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def _ai_apply_values(self, minimum, maximum):
        """Write the new min / max, keep the old ones for undo, log both."""
        for orderpoint in self:
            values = {
                "product_min_qty": minimum,
                "product_max_qty": max(maximum, minimum),
                "ai_applied": True,
            }
            if not orderpoint.ai_applied:
                values.update(
                    ai_previous_min=orderpoint.product_min_qty,
                    ai_previous_max=orderpoint.product_max_qty,
                )
            orderpoint._ai_write_logged(values, "pyme_ai_inventory.mt_ai_applied")

    def _ai_write_logged(self, values, subtype_xmlid):
        """Write ``values`` and log the min / max change, rendered per reader."""
        names = ("product_min_qty", "product_max_qty")
        old = {name: self[name] for name in names}
        self.write(values)
        changes = {name: (old[name], self[name]) for name in names}
        log_event(self, subtype_xmlid, {self.id: changes})

    def action_ai_undo(self):
        """Restore the min / max an AI suggestion replaced."""
        self._ai_check_manager()
        todo = self.filtered("ai_applied")
        if not todo:
            raise UserError(self.env._("No AI suggestion to undo on these rules."))
        for orderpoint in todo:
            orderpoint._ai_write_logged(
                {
                    "product_min_qty": orderpoint.ai_previous_min,
                    "product_max_qty": orderpoint.ai_previous_max,
                    "ai_applied": False,
                },
                "pyme_ai_inventory.mt_ai_undone",
            )
        return {"type": "ir.actions.client", "tag": "soft_reload"}
