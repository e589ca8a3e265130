# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, timedelta

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT


class PaymentRiskCase(AccountTestInvoicingCommon):
    """A vendor billing about 100 EUR every two weeks for a year, a second vendor,
    an accountant, an accounting manager and a trained model."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.risk = cls.env["pyme.ai.payment.risk"]
        spain = cls.env.ref("base.es")
        cls.vendor = cls.env["res.partner"].create(
            {"name": "Suministros Norte SL", "country_id": spain.id}
        )
        cls.other_vendor = cls.env["res.partner"].create(
            {"name": "Limpiezas Sur SL", "country_id": spain.id}
        )
        cls.bank = cls._bank(cls.vendor, "ES9121000418450200051332", days_ago=400)
        cls._bank(cls.other_vendor, "ES7921000813610123456789", days_ago=400)
        cls.accountant = new_test_user(
            cls.env,
            login="ai_accountant",
            groups="base.group_user,account.group_account_invoice",
            company_id=cls.env.company.id,
        )
        cls.manager = new_test_user(
            cls.env,
            login="ai_account_manager",
            groups="base.group_user,account.group_account_manager",
            company_id=cls.env.company.id,
        )
        cls.today = date.today()
        start = cls.today - timedelta(days=360)
        for i in range(24):
            cls._bill(
                f"F-{start.year}/{i + 1:04d}",
                100 + i % 7,
                start + timedelta(days=14 * i),
                at=f"{start + timedelta(days=14 * i)} 10:00:00",
            )
        for i in range(8):
            cls._bill(
                f"L{i + 1}",
                60 + i,
                start + timedelta(days=40 * i),
                partner=cls.other_vendor,
            )
        cls.train_run = cls.risk.with_company(cls.env.company)._ai_train(
            trigger="manual"
        )

    @classmethod
    def _bank(cls, partner, number, days_ago=0, company=None):
        bank = cls.env["res.partner.bank"].create(
            {
                "partner_id": partner.id,
                "acc_number": number,
                "allow_out_payment": True,
                "company_id": (company or cls.env.company).id,
            }
        )
        bank.ai_changed_date = bank.create_date - timedelta(days=days_ago)
        return bank

    @classmethod
    def _bill(cls, ref, amount, when, partner=None, company=None, at=None, post=True):
        company = company or cls.env.company
        partner = partner or cls.vendor
        move = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "in_invoice",
                    "partner_id": partner.id,
                    "invoice_date": when,
                    "ref": ref,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Servicio",
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        if post:
            move.action_post()
            if at:
                move.ai_posted_at = at
        return move

    def _scan(self):
        self.risk._cron_ai_apply()

    def _codes(self, record):
        return [reason["code"] for reason in record.ai_risk_reasons or ()]
