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
        """Leads with a mailing email opened in the window and not answered: no reply
        (trace status) to any mailing from the same address or record since the
        open, and no incoming email on the lead since. A mailing email belongs to a
        lead when it was sent to the lead, to its contact, or to the lead's email
        address (e.g. through a mailing list). Only mailings of the rule's company
        count, for opens and for replies (``mailing.mailing.ai_company_id``; a
        mailing without company counts for all). The key is the latest such trace."""
        oldest, newest = self._window(now)
        leads = self.env["crm.lead"].search(leads_domain)
        if not leads:
            return {}
        self.env["mailing.trace"].flush_model()
        self.env["mailing.mailing"].flush_model(["ai_company_id"])
        self.env["crm.lead"].flush_model(["partner_id", "email_normalized"])
        self.env["mail.message"].flush_model(
            ["model", "res_id", "date", "message_type", "author_id"]
        )
        self.env.cr.execute(
            SQL(
                """
                WITH ours AS NOT MATERIALIZED (
                    SELECT t.id, t.model, t.res_id, t.email, t.trace_status,
                           t.open_datetime, t.reply_datetime
                      FROM mailing_trace t
                 LEFT JOIN mailing_mailing mm ON mm.id = t.mass_mailing_id
                     WHERE COALESCE(mm.ai_company_id, %(company_id)s) = %(company_id)s
                ), opened AS (
                    SELECT t.id, t.model, t.res_id, t.email, t.open_datetime
                      FROM ours t
                     WHERE t.trace_status = 'open'
                       AND t.open_datetime <= %(newest)s
                       AND t.open_datetime >= %(oldest)s
                )
                SELECT DISTINCT ON (l.id) l.id, o.id
                  FROM crm_lead l
                  JOIN opened o
                    ON (o.model = 'crm.lead' AND o.res_id = l.id)
                    OR (o.model = 'res.partner' AND o.res_id = l.partner_id)
                    OR (o.email = l.email_normalized)
                 WHERE l.id = ANY(%(ids)s)
                   AND NOT EXISTS (
                       SELECT 1 FROM ours r
                        WHERE r.trace_status = 'reply' AND r.email = o.email
                          AND r.reply_datetime >= o.open_datetime)
                   AND NOT EXISTS (
                       SELECT 1 FROM ours r
                        WHERE r.trace_status = 'reply'
                          AND r.model = o.model AND r.res_id = o.res_id
                          AND r.reply_datetime >= o.open_datetime)
                   AND NOT EXISTS (
                       SELECT 1 FROM mail_message m
                        WHERE m.model = 'crm.lead' AND m.res_id = l.id
                          AND m.message_type = 'email' AND m.date > o.open_datetime
                          AND NOT EXISTS (
                              SELECT 1 FROM res_users u
                               WHERE u.partner_id = m.author_id AND NOT u.share))
              ORDER BY l.id, o.open_datetime DESC, o.id DESC
                """,
                ids=leads.ids,
                company_id=self.company_id.id,
                newest=newest,
                oldest=oldest or fields.Datetime.to_datetime("1970-01-01"),
            )
        )
        return {
            lead_id: f"trace:{trace_id}" for lead_id, trace_id in self.env.cr.fetchall()
        }
