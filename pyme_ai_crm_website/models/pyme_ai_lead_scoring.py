# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import SQL

from odoo.addons.pyme_ai_base.tools import sql_array

# URL fragments of pricing pages (English and Spanish sites).
PRICING_PATTERNS = ["%pric%", "%precio%", "%tarifa%", "%/shop%", "%plan%"]


class PymeAiLeadScoring(models.AbstractModel):
    _inherit = "pyme.ai.lead.scoring"

    @api.model
    def _ai_feature_labels(self):
        _ = self.env._
        return dict(
            super()._ai_feature_labels(),
            page_views=_("Website Page Views"),
            pricing_views=_("Pricing Page Views"),
        )

    def _ai_extra_features(self, table, ids, when):
        """Page views of the lead's website visitors before the row's moment."""
        res = super()._ai_extra_features(table, ids, when)
        self.env["website.track"].flush_model()
        self.env["crm.lead"].flush_model(["visitor_ids"])
        self.env.cr.execute(
            SQL(
                """
                SELECT l.n, COUNT(t.id),
                       COUNT(t.id) FILTER (WHERE t.url ILIKE ANY(%s))
                  FROM unnest(%s, %s) WITH ORDINALITY AS l(id, as_of, n)
                  JOIN crm_lead_website_visitor_rel lv ON lv.crm_lead_id = l.id
                  JOIN website_track t ON t.visitor_id = lv.website_visitor_id
                                      AND t.visit_datetime <= l.as_of
              GROUP BY l.n
                """,
                PRICING_PATTERNS,
                sql_array(ids),
                sql_array(when, "timestamp"),
            )
        )
        views = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for n in range(1, len(ids) + 1):
            total, pricing = views.get(n, (0, 0))
            table.setdefault("page_views", []).append(total)
            table.setdefault("pricing_views", []).append(pricing)
        return res
