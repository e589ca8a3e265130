# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import random
from datetime import timedelta

from odoo import fields
from odoo.tests import new_test_user

from odoo.addons.pyme_ai_base.tests.common import PymeAiCase


class LeadScoringCase(PymeAiCase):
    """Closed leads with a learnable signal: web leads with revenue tend to be won."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scoring = cls.env["pyme.ai.lead.scoring"]
        # the tests own the whole history (demo leads would change the counts)
        cls.env["crm.lead"].with_context(active_test=False).search([]).unlink()
        cls.team = cls.env["crm.team"].create({"name": "AI team"})
        cls.stage_new = cls.env["crm.stage"].create({"name": "New AI", "sequence": 1})
        cls.stage_proposal = cls.env["crm.stage"].create(
            {"name": "Proposal AI", "sequence": 2}
        )
        cls.stage_won = cls.env["crm.stage"].create(
            {"name": "Won AI", "sequence": 9, "is_won": True}
        )
        Source = cls.env["utm.source"]
        cls.source_web = Source.create({"name": "Website AI"})
        cls.source_call = Source.create({"name": "Cold call AI"})
        cls.salesman = new_test_user(
            cls.env,
            login="ai_salesman",
            groups="sales_team.group_sale_salesman",
        )
        cls.other_salesman = new_test_user(
            cls.env,
            login="ai_salesman_2",
            groups="sales_team.group_sale_salesman",
        )

    @classmethod
    def _create_history(cls, n_won, n_lost, seed=0):
        rng = random.Random(seed)
        Lead = cls.env["crm.lead"]

        def values(i, won):
            web = rng.random() < (0.8 if won else 0.25)
            return {
                "name": f"Closed {won and 'won' or 'lost'} {i}",
                "type": "opportunity",
                "team_id": cls.team.id,
                "source_id": (cls.source_web if web else cls.source_call).id,
                "expected_revenue": rng.uniform(5000, 9000)
                if won
                else rng.uniform(100, 6000),
                "email_from": f"buyer{i}@{'acme.es' if web else 'gmail.com'}",
                "stage_id": cls.stage_proposal.id,
            }

        won = Lead.create([values(i, True) for i in range(n_won)])
        won.write({"stage_id": cls.stage_won.id})
        lost = Lead.create([values(i, False) for i in range(n_lost)])
        lost.action_set_lost()
        return won, lost

    def _open_lead(self, web, revenue, **extra):
        return self.env["crm.lead"].create(
            dict(
                {
                    "name": "Open lead",
                    "type": "opportunity",
                    "team_id": self.team.id,
                    "source_id": (self.source_web if web else self.source_call).id,
                    "expected_revenue": revenue,
                    "email_from": "someone@acme.es" if web else "someone@gmail.com",
                    "stage_id": self.stage_new.id,
                },
                **extra,
            )
        )

    def _created(self, leads, when):
        """Set the creation date of ``leads``."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_lead SET create_date = %s WHERE id = ANY(%s)", (when, leads.ids)
        )
        leads.invalidate_recordset(["create_date"])

    def _move(self, leads, stage, when):
        """Tracked stage change of ``leads``, dated ``when``.

        Records created in the same transaction are only tracked once the
        precommit hooks ran: flush with ``self.env.cr.flush()`` after creating them.
        """
        leads.with_context(tracking_disable=False, mail_notrack=False).write(
            {"stage_id": stage.id}
        )
        self.env.flush_all()
        self.env.cr.flush()  # runs the precommit hooks that write tracking values
        self.env.cr.execute(
            """
            UPDATE mail_message SET date = %s
             WHERE id IN (SELECT DISTINCT ON (m.res_id) m.id
                            FROM mail_message m
                            JOIN mail_tracking_value t ON t.mail_message_id = m.id
                           WHERE m.model = 'crm.lead' AND m.res_id = ANY(%s)
                        ORDER BY m.res_id, m.id DESC)
            """,
            (when, leads.ids),
        )


class FollowupCase(LeadScoringCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Rule = cls.env["pyme.ai.followup.rule"]
        cls.Log = cls.env["pyme.ai.followup.log"]
        cls.Rule.search([]).active = False  # the shipped rules stay out of the way
        cls.leader = new_test_user(
            cls.env, login="ai_leader", groups="sales_team.group_sale_salesman"
        )
        cls.team.user_id = cls.leader
        cls.now = fields.Datetime.now()

    def _lead(self, age_days, **values):
        lead = self.env["crm.lead"].create(
            dict(
                {
                    "name": "Follow me",
                    "type": "opportunity",
                    "team_id": self.team.id,
                    "user_id": self.salesman.id,
                    "stage_id": self.stage_new.id,
                },
                **values,
            )
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_lead SET create_date = %s WHERE id = %s",
            (self.now - timedelta(days=age_days), lead.id),
        )
        lead.invalidate_recordset(["create_date"])
        return lead

    def _rule(self, trigger, **values):
        return self.Rule.create(
            dict(
                {
                    "name": f"Rule {trigger}",
                    "trigger": trigger,
                    "delay": 30,
                    "delay_unit": "days",
                    "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                    "activity_summary": "Follow up",
                },
                **values,
            )
        )

    def _notes(self, lead, rule):
        return lead.message_ids.filtered(lambda m: rule.name in (m.body or ""))

    def assertFiredOnce(self, rule, lead, user):
        logs = self.Log.search([("rule_id", "=", rule.id), ("lead_id", "=", lead.id)])
        self.assertEqual(len(logs), 1)
        self.assertEqual(logs.activity_id.res_id, lead.id)
        self.assertEqual(logs.activity_id.user_id, user)
        self.assertEqual(len(self._notes(lead, rule)), 1)
