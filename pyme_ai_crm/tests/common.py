# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import random

from odoo.tools import SQL

from odoo.addons.pyme_ai_base.tests.common import PymeAiCase, make_users


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
        cls.salesman, cls.other_salesman = make_users(
            cls.env,
            ai_salesman="sales_team.group_sale_salesman",
            ai_salesman_2="sales_team.group_sale_salesman",
        )

    @classmethod
    def _create_history(cls, n_won, n_lost, seed=0, weak=False):
        """Closed leads where the web source and the revenue tell won from lost;
        ``weak``: only the source, and a little (the leads are then created weeks
        apart, or their age at closing alone would give the outcome away)."""
        rng = random.Random(seed)
        Lead = cls.env["crm.lead"]

        def values(i, won):
            web = rng.random() < (
                (0.6 if won else 0.4) if weak else (0.8 if won else 0.25)
            )
            if weak:
                revenue = rng.uniform(100, 9000)
            else:
                revenue = rng.uniform(5000, 9000) if won else rng.uniform(100, 6000)
            return {
                "name": f"Closed {won and 'won' or 'lost'} {i}",
                "type": "opportunity",
                "team_id": cls.team.id,
                "source_id": (cls.source_web if web else cls.source_call).id,
                "expected_revenue": revenue,
                "email_from": False
                if weak
                else f"buyer{i}@{'acme.es' if web else 'gmail.com'}",
                "stage_id": cls.stage_proposal.id,
            }

        won = Lead.create([values(i, True) for i in range(n_won)])
        won.write({"stage_id": cls.stage_won.id})
        lost = Lead.create([values(i, False) for i in range(n_lost)])
        lost.action_set_lost()
        if weak:
            cls.env.flush_all()
            cls.env.cr.execute(
                SQL(
                    "UPDATE crm_lead SET create_date = create_date "
                    "- mod(id * 37, 60) * INTERVAL '1 day' WHERE id = ANY(%s)",
                    (won | lost).ids,
                )
            )
            cls.env.invalidate_all()
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
