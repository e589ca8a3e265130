# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL


class PymeAiFollowupRule(models.Model):
    _inherit = "pyme.ai.followup.rule"

    trigger = fields.Selection(
        selection_add=[("email_opened", "Email opened, not answered")],
        ondelete={"email_opened": "cascade"},
    )

    def _trigger_email_opened(self, leads_domain, now):
        """Leads with a mailing email (to the lead or its contact) opened in the
        window, never replied to (trace status) and without an incoming email on the
        lead since; the key is the latest such trace."""
        oldest, newest = self._window(now)
        leads = self.env["crm.lead"].search(leads_domain)
        if not leads:
            return {}
        self.env["mailing.trace"].flush_model()
        self.env["mail.message"].flush_model(
            ["model", "res_id", "date", "message_type", "author_id"]
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (l.id) l.id, t.id
                  FROM crm_lead l
                  JOIN mailing_trace t
                    ON (t.model = 'crm.lead' AND t.res_id = l.id)
                    OR (t.model = 'res.partner' AND t.res_id = l.partner_id)
                 WHERE l.id = ANY(%s) AND t.trace_status = 'open'
                   AND t.open_datetime <= %s AND t.open_datetime >= %s
                   AND NOT EXISTS (
                       SELECT 1 FROM mail_message m
                        WHERE m.model = 'crm.lead' AND m.res_id = l.id
                          AND m.message_type = 'email' AND m.date > t.open_datetime
                          AND NOT EXISTS (
                              SELECT 1 FROM res_users u
                               WHERE u.partner_id = m.author_id AND NOT u.share))
              ORDER BY l.id, t.open_datetime DESC, t.id DESC
                """,
                leads.ids,
                newest,
                oldest or fields.Datetime.to_datetime("1970-01-01"),
            )
        )
        return {
            lead_id: f"trace:{trace_id}" for lead_id, trace_id in self.env.cr.fetchall()
        }
