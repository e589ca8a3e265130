# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.pyme_ai_crm_website.models.pyme_ai_lead_scoring import PRICING_PATTERNS


class PymeAiFollowupRule(models.Model):
    _inherit = "pyme.ai.followup.rule"

    trigger = fields.Selection(
        selection_add=[("pricing_visit", "Pricing page visited")],
        ondelete={"pricing_visit": "cascade"},
    )

    def _trigger_pricing_visit(self, leads_domain, now):
        """Leads whose visitors viewed a pricing page in the window; one key per
        lead and day of the latest such visit."""
        oldest, newest = self._window(now)
        leads = self.env["crm.lead"].search(
            leads_domain + [("visitor_ids", "!=", False)]
        )
        if not leads:
            return {}
        self.env["website.track"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT lv.crm_lead_id, MAX(t.visit_datetime)
                  FROM crm_lead_website_visitor_rel lv
                  JOIN website_track t ON t.visitor_id = lv.website_visitor_id
                 WHERE lv.crm_lead_id = ANY(%s) AND t.url ILIKE ANY(%s)
                   AND t.visit_datetime <= %s AND t.visit_datetime >= %s
              GROUP BY lv.crm_lead_id
                """,
                leads.ids,
                PRICING_PATTERNS,
                newest,
                oldest or fields.Datetime.to_datetime("1970-01-01"),
            )
        )
        return {
            lead_id: f"pricing:{last:%Y-%m-%d}"
            for lead_id, last in self.env.cr.fetchall()
        }
