# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Risk flags shared by vendor bills and outgoing payments."""

from odoo import api, fields, models
from odoo.exceptions import UserError

from .pyme_ai_payment_risk import ACTIVITY_XMLID

#: who sees the flags: accounting users (invoicing and read-only auditors)
FLAG_GROUPS = "account.group_account_invoice,account.group_account_readonly"
MANAGER_GROUP = "account.group_account_manager"
REVIEW_STATES = [
    ("to_review", "To review"),
    ("reviewed", "Reviewed"),
    ("dismissed", "Not a problem"),
]


class PymeAiRiskMixin(models.AbstractModel):
    _name = "pyme.ai.risk.mixin"
    _description = "AI Risk Flags"

    ai_risk_score = fields.Integer(
        string="AI Risk Score",
        readonly=True,
        copy=False,
        groups=FLAG_GROUPS,
        help="0-100: how unusual this document is for its vendor.",
    )
    ai_risk_reasons = fields.Json(
        string="AI Risk Reasons Data", readonly=True, copy=False, groups=FLAG_GROUPS
    )
    ai_risk_reasons_html = fields.Html(
        string="AI Risk Reasons",
        compute="_compute_ai_risk_reasons_html",
        sanitize=False,
        groups=FLAG_GROUPS,
    )
    ai_review_state = fields.Selection(
        REVIEW_STATES,
        string="AI Review",
        readonly=True,
        copy=False,
        index=True,
        groups=FLAG_GROUPS,
    )
    ai_risk_pending = fields.Boolean(
        string="AI Scan Pending",
        readonly=True,
        copy=False,
        index=True,
        groups=FLAG_GROUPS,
    )
    ai_risk_date = fields.Datetime(
        string="AI Scanned On", readonly=True, copy=False, groups=FLAG_GROUPS
    )
    ai_reviewed_by_id = fields.Many2one(
        "res.users",
        string="AI Reviewed By",
        readonly=True,
        copy=False,
        groups=FLAG_GROUPS,
    )

    @api.depends("ai_risk_reasons")
    @api.depends_context("lang")
    def _compute_ai_risk_reasons_html(self):
        risk = self.env["pyme.ai.payment.risk"]
        for record in self:
            record.ai_risk_reasons_html = risk._ai_render_reasons(
                record.ai_risk_reasons, record.currency_id
            )

    # ------------------------------------------------------------------ buttons
    def _ai_check_reviewer(self, manager_only):
        user = self.env.user
        if manager_only and not user.has_group(MANAGER_GROUP):
            raise UserError(
                self.env._(
                    "Only an accounting manager can mark an unusual bill or payment "
                    "as reviewed."
                )
            )
        if not user.has_group("account.group_account_invoice"):
            raise UserError(
                self.env._("Only accounting users can review unusual documents.")
            )

    def action_ai_not_a_problem(self):
        """Clear the flag and remember, for this vendor, that these reasons are
        normal: later scans weigh them less and trainings learn it."""
        risk = self.env["pyme.ai.payment.risk"]
        self._ai_check_reviewer(manager_only=risk._ai_blocking())
        Feedback = self.env["pyme.ai.payment.feedback"].sudo()
        for record in self.filtered("ai_review_state"):
            codes = {r["code"] for r in record.sudo().ai_risk_reasons or ()}
            Feedback.create(
                [
                    {
                        "company_id": record.company_id.id,
                        "partner_id": record.partner_id.commercial_partner_id.id,
                        "code": code,
                        record._ai_feedback_field(): record.id,
                        "user_id": self.env.uid,
                    }
                    for code in sorted(codes)
                ]
            )
        self._ai_set_review("dismissed")
        return True

    def action_ai_mark_reviewed(self):
        """An accounting manager checked this document: it may be paid."""
        self._ai_check_reviewer(manager_only=True)
        self._ai_set_review("reviewed")
        return True

    def _ai_set_review(self, state):
        records = self.filtered("ai_review_state").sudo()
        records.write(
            {
                "ai_review_state": state,
                "ai_reviewed_by_id": self.env.uid,
            }
        )
        records.activity_feedback([ACTIVITY_XMLID])

    # ------------------------------------------------------------------ helpers
    def _ai_feedback_field(self):
        raise NotImplementedError

    def _ai_clear_pending(self):
        if self:
            self.sudo().write({"ai_risk_pending": False})

    def _ai_reviewer(self):
        """The accountant who gets the review activity."""
        self.ensure_one()
        candidates = [self.create_uid]
        if "invoice_user_id" in self._fields:
            candidates.insert(0, self.invoice_user_id)
        for user in candidates:
            if user and user.has_group("account.group_account_invoice"):
                return user
        managers = (
            self.env.ref(MANAGER_GROUP)
            .sudo()
            .users.filtered(lambda u: self.company_id in u.company_ids)
        )
        return managers[:1] or self.env.user

    def _ai_schedule_review(self):
        """One review activity per newly flagged document."""
        activity_type = self.env.ref(ACTIVITY_XMLID, raise_if_not_found=False)
        if not activity_type:
            return
        for record in self.sudo():
            if record.activity_ids.filtered(
                lambda a: a.activity_type_id == activity_type
            ):
                continue
            record.activity_schedule(ACTIVITY_XMLID, user_id=record._ai_reviewer().id)

    def _ai_check_payable(self):
        """Raise when the rule is on and one of these documents awaits review."""
        if not self.env["pyme.ai.payment.risk"]._ai_blocking():
            return
        blocked = self.sudo().filtered(lambda r: r.ai_review_state == "to_review")
        if blocked:
            raise UserError(
                self.env._(
                    "%(documents)s was flagged as unusual and cannot be paid until "
                    "an accounting manager marks it as reviewed (or as not a "
                    "problem). Reasons: %(reasons)s",
                    documents=", ".join(blocked.mapped("display_name")),
                    reasons=" ".join(
                        self.env["pyme.ai.payment.risk"]._ai_reason_lines(
                            blocked[:1].ai_risk_reasons, blocked[:1].currency_id
                        )
                    )
                    or "—",
                )
            )
