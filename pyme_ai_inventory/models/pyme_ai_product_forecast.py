# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools.misc import formatLang

from odoo.addons.pyme_ai_base.tools import ai_model_field, company_field

from pyme_ai.demand import DEMAND_CLASSES as ENGINE_DEMAND_CLASSES

#: Selection of the demand classes, as the engine names them.
DEMAND_CLASSES = list(ENGINE_DEMAND_CLASSES)
#: Forecast methods in words (weekly periods), by engine code; "category" is the
#: pooled forecast of new products.
METHODS = [
    ("naive", "Last week's demand"),
    ("ma3", "Average of the last 3 weeks"),
    ("ma13", "Average of the last 13 weeks"),
    ("mean", "Average of every week since the first sale"),
    ("ses", "Weekly demand, exponentially smoothed"),
    ("croston", "Croston: size and interval of occasional sales"),
    ("sba", "Croston with bias correction (occasional sales)"),
    ("tsb", "TSB: occasional sales that may be dying out"),
    ("snaive", "Same weeks of last year (seasonal)"),
    ("pooled", "Blend of averages learnt from all products"),
    ("category", "Average of its category (new product, pooled)"),
    ("given", "Given demand rate"),
    ("none", "No sales history"),
]


#: Quantities of a forecast row, in the product's unit of measure.
QTY = dict(digits="Product Unit of Measure", readonly=True)


def probability_text(env, value):
    """Whole percents in the reader's language, never a false certainty."""
    pct = (value or 0.0) * 100
    if pct < 1:
        return f"< {formatLang(env, 1, digits=0)} %"
    if pct > 99:
        return f"> {formatLang(env, 99, digits=0)} %"
    return f"{formatLang(env, round(pct), digits=0)} %"


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
    company_id = company_field()
    model_id = ai_model_field(groups="pyme_ai_base.pyme_ai_base_group_user")
    date = fields.Datetime(string="Forecast On", readonly=True, index=True)
    daily_demand = fields.Float(aggregator="sum", **QTY)
    forecast_qty = fields.Float(
        "Forecast Over Horizon",
        aggregator="sum",
        **QTY,
        help="Expected demand over the forecast horizon (see the AI settings).",
    )
    on_hand = fields.Float(**QTY)
    incoming_qty = fields.Float("Incoming", **QTY)
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
    reorder_point = fields.Float("Suggested Min", **QTY)
    max_level = fields.Float("Suggested Max", **QTY)
    order_qty = fields.Float("Suggested Order", **QTY)
    demand_class = fields.Selection(DEMAND_CLASSES, readonly=True)
    method = fields.Selection(METHODS, string="Forecast Method", readonly=True)
    forecast_error = fields.Float(
        digits=(16, 3),
        readonly=True,
        aggregator="avg",
        help="Error of the AI's past forecasts against what happened (RMSSE over "
        "rolling backtests; lower is better, 1 = as good as repeating the last week).",
    )
    baseline_error = fields.Float(
        string="Moving Average Error",
        digits=(16, 3),
        readonly=True,
        aggregator="avg",
        help="The same error for the average of the last 3 weeks, the moving average "
        "Odoo's replenishment shows.",
    )
    ai_worse = fields.Boolean(
        string="AI Worse Than Moving Average",
        readonly=True,
        index=True,
        help="The AI's past forecasts of this product erred more than the moving "
        "average: do not trust it here.",
    )
    lead_demand = fields.Float("Demand During Lead Time", **QTY)
    safety_stock = fields.Float(**QTY)
    review_demand = fields.Float("Demand of a Review Period", **QTY)
    service_level = fields.Float(digits=(16, 3), readonly=True)
    order_multiple = fields.Float(**QTY)
    vendor_min = fields.Float("Vendor Minimum", **QTY)
    late_qty = fields.Float(
        "Late Receipts",
        **QTY,
        help="Receipts still open after their scheduled date; counted as arriving "
        "today in every figure.",
    )
    refresh_requested = fields.Boolean(
        readonly=True,
        help="Forecast now was asked: the row keeps its values until the new ones "
        "are written.",
    )
    probability_display = fields.Char(
        string="Stock-out Risk", compute="_compute_probability_display"
    )
    chart_data = fields.Json(readonly=True)

    _sql_constraints = [
        (
            "product_warehouse_uniq",
            "unique(product_id, warehouse_id)",
            "One forecast per product and warehouse.",
        )
    ]

    @api.depends("stockout_probability")
    def _compute_probability_display(self):
        for row in self:
            row.probability_display = probability_text(
                self.env, row.stockout_probability
            )
