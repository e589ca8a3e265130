# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from odoo.addons.pyme_ai_base.tools import notify

from pyme_ai.sales import SEGMENTS, rfm_scores

RFM_CRON = "pyme_ai_sale.ir_cron_rfm_segments"
MANAGER_GROUP = "pyme_ai_base.pyme_ai_base_group_manager"
# who reads the segments and sales figures of a customer (over RPC too): sales users
RFM_GROUPS = "sales_team.group_sale_salesman"
# companies recomputed per cron call (each one is one SQL aggregate + bulk updates)
COMPANIES_PER_CALL = 5
# partners per UPDATE statement
WRITE_CHUNK = 5000

# labels of the engine's segment codes, in the engine's order
SEGMENT_LABELS = {
    "new": "New",
    "champions": "Champions",
    "loyal": "Loyal",
    "promising": "Promising",
    "cant_lose": "Can't Lose",
    "at_risk": "At Risk",
    "about_to_sleep": "About to Sleep",
    "hibernating": "Hibernating",
    "lost": "Lost",
}
SEGMENT_SELECTION = [(code, SEGMENT_LABELS[code]) for code in SEGMENTS]

# field name -> (SQL array type, jsonb value expression on the unnest alias ``v``)
RFM_COLUMNS = {
    "ai_rfm_segment": ("varchar[]", "segment"),
    "ai_rfm_recency_score": ("int[]", "r"),
    "ai_rfm_frequency_score": ("int[]", "f"),
    "ai_rfm_monetary_score": ("int[]", "m"),
    "ai_rfm_recency_days": ("int[]", "days"),
    "ai_rfm_order_count": ("int[]", "orders"),
    "ai_rfm_monetary": ("float8[]", "total"),
    "ai_rfm_date": ("varchar[]", "day"),
}


# company_dependent: one value per company (jsonb), each computed from that
# company's own orders, like the customer's payment terms or accounts.
RFM_FIELD = {"company_dependent": True, "readonly": True, "groups": RFM_GROUPS}


class ResPartner(models.Model):
    _inherit = "res.partner"

    ai_rfm_segment = fields.Selection(
        SEGMENT_SELECTION,
        string="Customer Segment",
        **RFM_FIELD,
        help="RFM segment of this customer in the current company, from its confirmed "
        "sale orders: how recently, how often and how much it buys compared with the "
        "company's other customers. Recomputed every day.",
    )
    ai_rfm_recency_score = fields.Integer(
        string="Recency Score",
        **RFM_FIELD,
        help="1 to 5: 5 for the fifth of customers who bought most recently.",
    )
    ai_rfm_frequency_score = fields.Integer(
        string="Frequency Score",
        **RFM_FIELD,
        help="1 to 5: 5 for the fifth of customers with the most orders.",
    )
    ai_rfm_monetary_score = fields.Integer(
        string="Monetary Score",
        **RFM_FIELD,
        help="1 to 5: 5 for the fifth of customers who spent the most.",
    )
    ai_rfm_recency_days = fields.Integer(
        string="Days Since Last Order",
        **RFM_FIELD,
        help="Days between the last confirmed sale order and the segment date.",
    )
    ai_rfm_order_count = fields.Integer(
        string="Confirmed Orders",
        **RFM_FIELD,
        help="Confirmed sale orders of this customer (and its contacts) with a "
        "positive untaxed amount.",
    )
    ai_rfm_monetary = fields.Float(
        string="Confirmed Sales Total",
        **RFM_FIELD,
        digits="Product Price",
        help="Untaxed total of the confirmed sale orders of this customer (and its "
        "contacts), in the company currency.",
    )
    ai_rfm_date = fields.Date(
        string="Segment Date",
        **RFM_FIELD,
        help="Day the customer segment was computed on.",
    )

    @api.model
    def action_ai_rfm_recompute(self):
        """Queue a recomputation of the segments of the user's active companies."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only AI administrators can recompute customer segments.")
            )
        cron = self.env.ref(RFM_CRON, raise_if_not_found=False)
        if not cron or not cron.sudo().active:
            raise UserError(
                self.env._(
                    "Customer segments are switched off: switch them on in "
                    "Settings > AI first."
                )
            )
        self.env.companies.sudo().ai_rfm_date = False
        cron.sudo()._trigger()
        return notify(
            self.env,
            self.env._(
                "Customer segments will be recomputed in the background in a few "
                "minutes."
            ),
        )

    @api.model
    def _cron_ai_rfm_segments(self):
        """Recompute the segments of the companies not done today, a few per call."""
        today = fields.Date.today()  # date_order is UTC
        companies = (
            self.env["res.company"]
            .sudo()
            .with_context(active_test=False)
            .search(
                ["|", ("ai_rfm_date", "=", False), ("ai_rfm_date", "<", today)],
                order="id",
            )
        )
        batch = companies[:COMPANIES_PER_CALL]
        for company in batch:
            self.with_company(company)._ai_rfm_compute(company, today)
            company.ai_rfm_date = today
        self.env["ir.cron"]._notify_progress(
            done=len(batch), remaining=len(companies) - len(batch)
        )

    @api.model
    def _ai_rfm_rows(self, company, today):
        """One row per commercial partner: (id, days since last order, orders with a
        positive amount, untaxed total in the company currency)."""
        self.env["sale.order"].flush_model(
            [
                "state",
                "company_id",
                "partner_id",
                "date_order",
                "amount_untaxed",
                "currency_rate",
            ]
        )
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        # currency_rate is the company -> order currency rate on the order date, as
        # in sale.report.
        self.env.cr.execute(
            SQL(
                """
                SELECT p.commercial_partner_id,
                       %(today)s::date - MAX(so.date_order)::date,
                       COUNT(*) FILTER (WHERE so.amount_untaxed > 0),
                       SUM(so.amount_untaxed / CASE COALESCE(so.currency_rate, 0)
                                               WHEN 0 THEN 1.0
                                               ELSE so.currency_rate END)::float8
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale'
                   AND so.company_id = %(company_id)s
                   AND so.date_order::date <= %(today)s::date
              GROUP BY p.commercial_partner_id
              ORDER BY p.commercial_partner_id
                """,
                today=today,
                company_id=company.id,
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _ai_rfm_compute(self, company, today):
        """Segments of ``company``'s customers as of ``today``; the customers who have
        no confirmed order any more lose theirs. Returns the engine's rows."""
        rows = self._ai_rfm_rows(company, today)
        result = rfm_scores(*zip(*rows, strict=True)) if rows else []
        self.flush_model(list(RFM_COLUMNS))
        key = str(company.id)
        for start in range(0, len(result), WRITE_CHUNK):
            chunk = result[start : start + WRITE_CHUNK]
            arrays = {
                "segment": [r["segment"] for r in chunk],
                "r": [r["r"] for r in chunk],
                "f": [r["f"] for r in chunk],
                "m": [r["m"] for r in chunk],
                "days": [round(r["recency_days"]) for r in chunk],
                "orders": [r["frequency"] for r in chunk],
                "total": [r["monetary"] for r in chunk],
                "day": [fields.Date.to_string(today)] * len(chunk),
            }
            self.env.cr.execute(
                SQL(
                    "UPDATE res_partner p SET %s FROM unnest(%s::int[], %s) "
                    "AS v(id, %s) WHERE p.id = v.id",
                    SQL(", ").join(
                        SQL(
                            "%s = COALESCE(p.%s, '{}'::jsonb) "
                            "|| jsonb_build_object(%s::text, v.%s)",
                            SQL.identifier(fname),
                            SQL.identifier(fname),
                            key,
                            SQL.identifier(alias),
                        )
                        for fname, (_type, alias) in RFM_COLUMNS.items()
                    ),
                    [r["customer"] for r in chunk],
                    SQL(", ").join(
                        SQL("%s::%s", arrays[alias], SQL(sql_type))
                        for sql_type, alias in RFM_COLUMNS.values()
                    ),
                    SQL(", ").join(
                        SQL.identifier(alias) for _type, alias in RFM_COLUMNS.values()
                    ),
                )
            )
        # customers that no longer qualify in this company lose their values
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET %s WHERE ai_rfm_segment ? %s "
                "AND NOT (id = ANY(%s))",
                SQL(", ").join(
                    SQL("%s = %s - %s", SQL.identifier(f), SQL.identifier(f), key)
                    for f in RFM_COLUMNS
                ),
                key,
                [r["customer"] for r in result],
            )
        )
        self.invalidate_model(list(RFM_COLUMNS))
        return result
