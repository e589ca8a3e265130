# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from pyme_ai.demand import DEMAND_CLASSES as ENGINE_DEMAND_CLASSES

#: Selection of the demand classes, as the engine names them.
DEMAND_CLASSES = list(ENGINE_DEMAND_CLASSES)


class PymeAiProductForecast(models.Model):
    """Forecast of one product in one warehouse, written in bulk by the apply cron."""

    _name = "pyme.ai.product.forecast"
    _description = "AI Product Forecast"
    _order = "stockout_date, product_id, warehouse_id"
    _check_company_auto = True

    product_id = fields.Many2one(
        "product.product",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
        check_company=True,
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    model_id = fields.Many2one(
        "pyme.ai.model",
        string="AI Model",
        readonly=True,
        ondelete="set null",
        groups="pyme_ai_base.pyme_ai_base_group_user",
    )
    date = fields.Datetime(string="Forecast On", readonly=True, index=True)
    daily_demand = fields.Float(
        digits="Product Unit of Measure", readonly=True, aggregator="sum"
    )
    forecast_qty = fields.Float(
        string="Forecast Over Horizon",
        digits="Product Unit of Measure",
        readonly=True,
        aggregator="sum",
        help="Expected demand over the forecast horizon (see the AI settings).",
    )
    on_hand = fields.Float(digits="Product Unit of Measure", readonly=True)
    incoming_qty = fields.Float(
        string="Incoming", digits="Product Unit of Measure", readonly=True
    )
    lead_time_days = fields.Float(
        string="Lead Time (days)", digits=(16, 1), readonly=True, aggregator="avg"
    )
    stockout_date = fields.Date(string="Stock-out Date", readonly=True, index=True)
    stockout_probability = fields.Float(
        digits=(16, 4),
        readonly=True,
        aggregator="max",
        help="Chance of running out before a replenishment ordered today arrives.",
    )
    days_of_cover = fields.Float(
        digits=(16, 1), readonly=True, aggregator="min", help="On hand / daily demand."
    )
    stockout_within_lead = fields.Boolean(
        string="Stock-out Within Lead Time", readonly=True, index=True
    )
    reorder_point = fields.Float(
        string="Suggested Min", digits="Product Unit of Measure", readonly=True
    )
    max_level = fields.Float(
        string="Suggested Max", digits="Product Unit of Measure", readonly=True
    )
    order_qty = fields.Float(
        string="Suggested Order", digits="Product Unit of Measure", readonly=True
    )
    demand_class = fields.Selection(DEMAND_CLASSES, readonly=True)
    method = fields.Char(string="Forecast Method", readonly=True)
    forecast_error = fields.Float(
        digits=(16, 3),
        readonly=True,
        aggregator="avg",
        help="Backtest RMSSE of the chosen method (lower is better; 1 = as good as "
        "repeating the last period).",
    )
    chart_data = fields.Json(readonly=True)

    _sql_constraints = [
        (
            "product_warehouse_uniq",
            "unique(product_id, warehouse_id)",
            "One forecast per product and warehouse.",
        )
    ]
