# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import PaymentRiskCase

BLOCK = "pyme_ai_account.block_flagged"
ACTIVITY = "pyme_ai_account.mail_activity_type_ai_review"


@tagged("post_install", "-at_install")
class TestPaymentRisk(PaymentRiskCase):
    def _activities(self, record):
        kind = self.env.ref(ACTIVITY)
        return record.activity_ids.filtered(lambda a: a.activity_type_id == kind)

    def test_contract_and_training(self):
        self.assertEqual(self.risk._ai_contract_errors(), [])
        self.assertEqual(self.train_run.state, "done", self.train_run.message)
        ai_model = self.env["pyme.ai.model"].sudo()._get_active("payment_risk")
        self.assertTrue(ai_model)
        self.assertEqual(ai_model.metrics["n_bills"], 32)

    def test_bill_entered_twice_is_flagged_in_spanish(self):
        day = self.today - timedelta(days=3)
        first = self._bill("F-2026/0012", 103.0, day)
        self.assertTrue(first.ai_risk_pending, "a posted bill is queued")
        self._scan()
        self.assertFalse(first.ai_review_state)
        self.assertFalse(first.ai_risk_pending)
        again = self._bill("f2026 - 12", 103.0, day)
        self._scan()
        self.assertEqual(again.ai_review_state, "to_review")
        self.assertEqual(self._codes(again)[0], "duplicate_reference")
        self.assertEqual(again.ai_risk_reasons[0]["params"]["bill"], str(first.id))
        self.assertGreaterEqual(again.ai_risk_score, 50)
        self.env["res.lang"]._activate_lang("es_ES")
        html = again.with_context(lang="es_ES").ai_risk_reasons_html
        self.assertIn("Misma referencia que", html)
        self.assertIn(first.name, html)
        self.assertIn("103,00", html)
        self.assertIn(
            "Same reference as", again.with_context(lang="en_US").ai_risk_reasons_html
        )
        # one activity for the accountant, not one per scan
        self.assertEqual(len(self._activities(again)), 1)
        again.ai_risk_pending = True
        self._scan()
        self.assertEqual(len(self._activities(again)), 1)
        # only accounting users see the flags
        employee = new_test_user(
            self.env, login="ai_employee", groups="base.group_user"
        )
        self.assertNotIn(
            "ai_risk_score", self.env["account.move"].with_user(employee).fields_get()
        )
        self.assertIn(
            "ai_risk_score",
            self.env["account.move"].with_user(self.accountant).fields_get(),
        )

    def test_payment_to_changed_bank_account_is_blocked_until_reviewed(self):
        new_bank = self._bank(self.vendor, "PT50000201231234567890154", days_ago=2)
        self.env["ir.config_parameter"].sudo().set_param(BLOCK, "True")
        Payment = self.env["account.payment"].with_user(self.accountant)
        payment = Payment.create(
            {
                "payment_type": "outbound",
                "partner_type": "supplier",
                "partner_id": self.vendor.id,
                "partner_bank_id": new_bank.id,
                "amount": 104.0,
                "date": self.today,
            }
        )
        self.assertEqual(payment.ai_review_state, "to_review")
        codes = self._codes(payment)
        self.assertEqual(codes[0], "bank_account_changed")
        self.assertIn("bank_account_new", codes)
        self.assertIn("bank_account_other_country", codes)
        self.assertEqual(payment.ai_risk_reasons[0]["params"]["days"], 2)
        self.env["res.lang"]._activate_lang("es_ES")
        self.accountant.lang = "es_ES"
        with self.assertRaisesRegex(UserError, "revisado"):
            payment.with_user(self.accountant).with_context(lang="es_ES").action_post()
        with self.assertRaises(UserError):
            payment.with_user(self.accountant).action_ai_mark_reviewed()
        with self.assertRaises(UserError):  # with the rule on, only managers clear it
            payment.with_user(self.accountant).action_ai_not_a_problem()
        payment.with_user(self.manager).action_ai_mark_reviewed()
        self.assertEqual(payment.ai_review_state, "reviewed")
        self.assertEqual(payment.ai_reviewed_by_id, self.manager)
        payment.with_user(self.accountant).action_post()
        self.assertNotEqual(payment.state, "draft")
        # the usual account goes through
        usual = Payment.create(
            {
                "payment_type": "outbound",
                "partner_type": "supplier",
                "partner_id": self.vendor.id,
                "partner_bank_id": self.bank.id,
                "amount": 101.0,
                "date": self.today,
            }
        )
        self.assertFalse(usual.ai_review_state, usual.ai_risk_reasons)

    def test_flagged_bill_cannot_be_registered_for_payment(self):
        self.env["ir.config_parameter"].sudo().set_param(BLOCK, "True")
        day = self.today - timedelta(days=2)
        self._bill("INV-88812", 102.0, day)
        again = self._bill("INV 88812", 102.0, day)
        self._scan()
        self.assertEqual(again.ai_review_state, "to_review")
        wizard = (
            self.env["account.payment.register"]
            .with_user(self.accountant)
            .with_context(active_model="account.move", active_ids=again.ids)
            .create({})
        )
        with self.assertRaises(UserError):
            wizard._create_payments()
        again.with_user(self.manager).action_ai_mark_reviewed()
        wizard._create_payments()
        self.assertIn(again.payment_state, ("paid", "in_payment"))

    def test_not_a_problem_clears_and_is_remembered(self):
        day = self.today - timedelta(days=4)
        self._bill("F-2026/0077", 105.0, day)
        again = self._bill("F2026-77", 105.0, day)
        self._scan()
        score = again.ai_risk_score
        self.assertEqual(again.ai_review_state, "to_review")
        again.with_user(self.accountant).action_ai_not_a_problem()
        self.assertEqual(again.ai_review_state, "dismissed")
        self.assertFalse(self._activities(again))
        feedback = self.env["pyme.ai.payment.feedback"].search(
            [("move_id", "=", again.id)]
        )
        self.assertIn("duplicate_reference", feedback.mapped("code"))
        self.assertEqual(feedback.partner_id, self.vendor)
        # immediately: the same pattern of this vendor weighs less
        third = self._bill("F 2026 / 077", 105.0, day)
        self._scan()
        self.assertLess(third.ai_risk_score, score)
        self.assertFalse(third.ai_review_state)
        # ... and the next training remembers it
        data = self.risk._ai_training_data()
        self.assertIn(
            {"vendor": str(self.vendor.id), "code": "duplicate_reference"},
            data["feedback"],
        )
        model = self.risk._ai_fit(data).model
        self.assertEqual(
            model.feedback_[(str(self.vendor.id), "duplicate_reference")], 1
        )

    def test_multi_company_isolation(self):
        other = self.setup_other_company(name="Otra Empresa SL")["company"]
        partner = self.env["res.partner"].create({"name": "Proveedor B"})
        bill_b = self._bill("B-1", 5000.0, self.today, partner=partner, company=other)
        self.env["pyme.ai.payment.feedback"].sudo().create(
            {"company_id": other.id, "partner_id": partner.id, "code": "same_amount"}
        )
        data = self.risk.with_company(self.env.company)._ai_training_data()
        self.assertNotIn(str(bill_b.id), [row["id"] for row in data["bills"]])
        self.assertFalse(
            [row for row in data["feedback"] if row["vendor"] == str(partner.id)]
        )
        Feedback = self.env["pyme.ai.payment.feedback"].with_user(self.accountant)
        self.assertFalse(Feedback.search([("company_id", "=", other.id)]))
        # no model for the other company: its bill waits, nothing breaks
        self._scan()
        self.assertTrue(bill_b.ai_risk_pending)
        self.assertFalse(bill_b.ai_review_state)
