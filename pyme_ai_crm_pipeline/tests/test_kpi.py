# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from odoo.tests import new_test_user, tagged

from odoo.addons.pyme_ai_crm.tests.common import LeadScoringCase

from pyme_ai.sales import (
    acted_on_share,
    response_time,
    sales_cycle,
    stage_funnel,
    win_rate,
)

T0 = datetime(2026, 3, 2, 9)


@tagged("post_install", "-at_install")
class TestSalesKpis(LeadScoringCase):
    """Five opportunities with a hand-built history:

    ====  ============  =========  ========  ====================  ===========
    lead  salesperson   response   outcome   stages                scored/acted
    ====  ============  =========  ========  ====================  ===========
    A     salesman      2 h        won 10 d  new > proposal > won  -
    B     salesman      4 h (act.) lost      new > proposal        -
    C     other         6 h        open      new                   yes / yes
    D     other         4 h        open      new                   yes / no
    E     salesman      none (*)   won 20 d  new > won             -
    ====  ============  =========  ========  ====================  ===========

    (*) only an OdooBot message and an internal note: neither is a response.
    """

    def _post(self, lead, user, when, note=False):
        message = lead.with_user(user).message_post(
            body="Hello",
            message_type="comment",
            subtype_xmlid="mail.mt_note" if note else "mail.mt_comment",
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE mail_message SET date = %s WHERE id = %s", (when, message.id)
        )

    def _activity_done(self, lead, user, when):
        activity = lead.with_user(user).activity_schedule(
            "mail.mail_activity_data_call", user_id=user.id
        )
        activity.with_user(user).action_feedback(feedback="Called")
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE mail_message SET date = %s WHERE id = ("
            " SELECT id FROM mail_message WHERE model = 'crm.lead' AND res_id = %s"
            " AND mail_activity_type_id IS NOT NULL ORDER BY id DESC LIMIT 1)",
            (when, lead.id),
        )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="ai_sales_manager",
            groups="sales_team.group_sale_manager",
        )

    def _build(self):
        Lead = self.env["crm.lead"].with_context(
            tracking_disable=False, mail_notrack=False
        )
        h = timedelta(hours=1)
        d = timedelta(days=1)

        def lead(name, user, source):
            return Lead.create(
                {
                    "name": name,
                    "type": "opportunity",
                    "team_id": self.team.id,
                    "user_id": user.id,
                    "source_id": source.id,
                    "stage_id": self.stage_new.id,
                }
            )

        a = lead("A", self.salesman, self.source_web)
        b = lead("B", self.salesman, self.source_web)
        c = lead("C", self.other_salesman, self.source_call)
        d_ = lead("D", self.other_salesman, self.source_call)
        e = lead("E", self.salesman, self.source_call)
        leads = a | b | c | d_ | e
        self.env.flush_all()
        self.env.cr.flush()
        self.env.cr.execute(
            "UPDATE crm_lead SET create_date = %s WHERE id = ANY(%s)",
            (T0, leads.ids),
        )
        self._move(a, self.stage_proposal, T0 + 2 * d)
        self._move(a, self.stage_won, T0 + 10 * d)
        self._move(b, self.stage_proposal, T0 + 3 * d)
        b.action_set_lost()
        self._move(e, self.stage_won, T0 + 20 * d)
        self._post(a, self.salesman, T0 + 2 * h)
        self._activity_done(b, self.salesman, T0 + 4 * h)
        self._post(c, self.other_salesman, T0 + 6 * h)
        self._post(c, self.other_salesman, T0 + 2 * d)
        self._post(d_, self.other_salesman, T0 + 4 * h)
        e.message_post(body="Automatic", message_type="comment")  # OdooBot
        self._post(e, self.salesman, T0 + 1 * h, note=True)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_lead SET date_closed = %s WHERE id = %s",
            (T0 + 10 * d, a.id),
        )
        self.env.cr.execute(
            "UPDATE crm_lead SET date_closed = %s WHERE id = %s",
            (T0 + 20 * d, e.id),
        )
        self.env.cr.execute(
            "UPDATE crm_lead SET ai_score_date = %s WHERE id = ANY(%s)",
            (T0 + 1 * d, [c.id, d_.id]),
        )
        self.env.invalidate_all()
        return a, b, c, d_, e

    def _aggregates(self, model, domain, measures, user=None):
        Model = self.env[model]
        if user:
            Model = Model.with_user(user)
        return dict(
            zip(measures, Model._read_group(domain, [], measures)[0], strict=True)
        )

    def test_kpis_equal_engine(self):
        a, b, c, d_, e = self._build()
        self.env["pyme.ai.crm.kpi"]._cron_compute()
        Kpi = self.env["pyme.ai.crm.kpi"]
        rows = Kpi.search([("company_id", "=", self.env.company.id)])
        self.assertEqual(set(rows.lead_id.ids), {a.id, b.id, c.id, d_.id, e.id})

        # engine numbers on the same history, by hand
        created = [T0] * 5
        h = timedelta(hours=1)
        rt = response_time(
            created, [T0 + 2 * h, T0 + 4 * h, T0 + 6 * h, T0 + 4 * h, None]
        )
        self.assertEqual((rt["median_hours"], rt["n_responded"]), (4.0, 4))
        wr = win_rate([True, False, None, None, True])
        self.assertEqual(wr["rate"], 0.6667)
        sc = sales_cycle(
            [T0, T0], [T0 + timedelta(days=10), T0 + timedelta(days=20)], [True, True]
        )
        self.assertEqual(sc["median_days"], 15.0)
        acted = acted_on_share(
            [T0 + timedelta(days=1)] * 2, [T0 + timedelta(days=2), T0 + 4 * h]
        )
        self.assertEqual(acted["share"], 0.5)

        # the pivot's aggregates over the whole report
        measures = [
            "lead_count:sum",
            "responded:sum",
            "response_hours:avg",
            "closed:sum",
            "won:sum",
            "win_rate:avg",
            "cycle_days:avg",
            "scored:sum",
            "acted:sum",
            "acted_share:avg",
        ]
        total = self._aggregates("pyme.ai.crm.kpi", [], measures)
        self.assertEqual(total["lead_count:sum"], rt["n"])
        self.assertEqual(total["responded:sum"], rt["n_responded"])
        self.assertAlmostEqual(total["response_hours:avg"], rt["median_hours"])
        self.assertEqual(total["closed:sum"], wr["n_closed"])
        self.assertEqual(total["won:sum"], wr["won"])
        self.assertAlmostEqual(total["win_rate:avg"], wr["rate"] * 100, places=1)
        self.assertAlmostEqual(total["cycle_days:avg"], sc["median_days"])
        self.assertEqual(total["scored:sum"], acted["n"])
        self.assertEqual(total["acted:sum"], acted["acted"])
        self.assertAlmostEqual(total["acted_share:avg"], acted["share"] * 100)

        # by salesperson (as the pivot groups): A, B, E vs C, D
        by_user = {
            user: (hours, rate)
            for user, hours, rate in Kpi._read_group(
                [], ["user_id"], ["response_hours:avg", "win_rate:avg"]
            )
        }
        own = response_time([T0] * 3, [T0 + 2 * h, T0 + 4 * h, None])
        self.assertAlmostEqual(by_user[self.salesman][0], own["median_hours"])
        self.assertAlmostEqual(by_user[self.salesman][1], 200 / 3)
        self.assertAlmostEqual(by_user[self.other_salesman][0], 5.0)
        self.assertFalse(by_user[self.other_salesman][1])  # no closed lead: NULL

        # conversion by stage
        funnel = stage_funnel(
            [
                self.stage_won.id,
                self.stage_proposal.id,
                self.stage_new.id,
                self.stage_new.id,
                self.stage_won.id,
            ],
            [self.stage_new.id, self.stage_proposal.id, self.stage_won.id],
        )
        Funnel = self.env["pyme.ai.crm.funnel"]
        by_stage = {
            stage.id: (reached, conversion)
            for stage, reached, conversion in Funnel._read_group(
                [], ["stage_id"], ["reached:sum", "conversion:avg"]
            )
        }
        self.assertEqual(
            [by_stage[row["stage"]][0] for row in funnel],
            [row["reached"] for row in funnel],
        )
        self.assertEqual([row["reached"] for row in funnel], [5, 3, 2])
        for row, following in zip(funnel, funnel[1:], strict=False):
            self.assertAlmostEqual(
                by_stage[row["stage"]][1], following["from_previous"] * 100, places=1
            )
        self.assertFalse(by_stage[self.stage_won.id][1])  # last stage: no next

        # recomputing replaces the rows
        Kpi._cron_compute()
        self.assertEqual(Kpi.search_count([]), 5)
        self.assertEqual(Funnel.search_count([]), 10)

    def test_access_and_actions(self):
        a, b, c, d_, e = self._build()
        self.env["pyme.ai.crm.kpi"]._cron_compute()
        Kpi = self.env["pyme.ai.crm.kpi"]
        Funnel = self.env["pyme.ai.crm.funnel"]
        # salespeople see their own leads' rows, managers all
        self.assertEqual(Kpi.with_user(self.salesman).search([]).lead_id, a | b | e)
        self.assertEqual(Kpi.with_user(self.other_salesman).search([]).lead_id, c | d_)
        self.assertEqual(Kpi.with_user(self.manager).search_count([]), 5)
        self.assertEqual(
            set(Funnel.with_user(self.salesman).search([]).lead_id.ids),
            {a.id, b.id, e.id},
        )
        # another company sees nothing
        other = self.env["res.company"].create({"name": "Other AI company"})
        self.manager.write({"company_ids": [(4, other.id)], "company_id": other.id})
        self.assertFalse(
            Kpi.with_user(self.manager)
            .with_context(allowed_company_ids=[other.id])
            .search([])
        )
        # the reports open, as the menu would, and group as the pivot does
        for xmlid, model in (
            ("pyme_ai_crm_pipeline.pyme_ai_crm_kpi_action", "pyme.ai.crm.kpi"),
            ("pyme_ai_crm_pipeline.pyme_ai_crm_funnel_action", "pyme.ai.crm.funnel"),
        ):
            action = self.env.ref(xmlid)
            self.assertEqual(action.res_model, model)
            for view in ("pivot", "graph", "list", "search"):
                self.env[model].with_user(self.salesman).get_view(view_type=view)
        groups = Kpi.with_user(self.salesman).read_group(
            [], ["win_rate:avg", "lead_count:sum"], ["lead_date:month"]
        )
        self.assertEqual(groups[0]["lead_count"], 3)
        self.assertAlmostEqual(groups[0]["win_rate"], 200 / 3)

    def test_settings_toggle(self):
        cron = self.env.ref("pyme_ai_crm_pipeline.ir_cron_compute_sales_kpis")
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.pyme_ai_crm_pipeline_kpi_enabled, cron.active)
        settings.pyme_ai_crm_pipeline_kpi_enabled = False
        settings.execute()
        self.assertFalse(cron.active)
        settings = self.env["res.config.settings"].create(
            {"pyme_ai_crm_pipeline_kpi_enabled": True}
        )
        settings.execute()
        self.assertTrue(cron.active)
