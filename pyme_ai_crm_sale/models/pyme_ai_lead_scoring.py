# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import SQL

from odoo.addons.pyme_ai_base.tools import sql_array


class PymeAiLeadScoring(models.AbstractModel):
    _inherit = "pyme.ai.lead.scoring"

    @api.model
    def _ai_feature_labels(self):
        return dict(
            super()._ai_feature_labels(),
            partner_orders=self.env._("Customer's Confirmed Orders"),
        )

    def _ai_extra_features(self, table, ids, when):
        """Confirmed sale orders of the lead's customer (commercial partner, contacts
        included) in the lead's own company, dated before the row's moment."""
        res = super()._ai_extra_features(table, ids, when)
        self.env["sale.order"].flush_model(
            ["state", "partner_id", "date_order", "company_id"]
        )
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env["crm.lead"].flush_model(["partner_id", "company_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT l.n, COUNT(so.id)
                  FROM unnest(%s, %s) WITH ORDINALITY AS l(id, as_of, n)
                  JOIN crm_lead cl ON cl.id = l.id
                  JOIN res_partner lp ON lp.id = cl.partner_id
                  JOIN res_partner op
                    ON op.commercial_partner_id = lp.commercial_partner_id
                  JOIN sale_order so ON so.partner_id = op.id
                                    AND so.state = 'sale'
                                    AND so.date_order < l.as_of
                                    AND so.company_id = COALESCE(
                                        cl.company_id, so.company_id)
              GROUP BY l.n
                """,
                sql_array(ids),
                sql_array(when, "timestamp"),
            )
        )
        orders = dict(self.env.cr.fetchall())
        table.setdefault("partner_orders", []).extend(
            orders.get(n, 0) for n in range(1, len(ids) + 1)
        )
        return res
