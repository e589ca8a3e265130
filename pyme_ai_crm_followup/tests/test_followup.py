# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from unittest.mock import patch

from odoo.exceptions import AccessError, ValidationError
from odoo.sql_db import Cursor
from odoo.tests import new_test_user, tagged

from .common import FollowupCase

LOGGER = "odoo.addons.pyme_ai_crm_followup.models.pyme_ai_followup_rule"


@tagged("post_install", "-at_install")
class TestFollowupRules(FollowupCase):
    def test_no_activity_fires_once(self):
        rule = self._rule("no_activity")
        idle = self._lead(40)
        planned = self._lead(40)
        planned.activity_schedule("mail.mail_activity_data_call")
        recent = self._lead(40)
        self.env["mail.message"].create(
            {
                "model": "crm.lead",
                "res_id": recent.id,
                "message_type": "comment",
                "body": "Called",
                "date": self.now - timedelta(days=5),
            }
        )
        too_old = self._lead(100)  # idle since before the look-back window
        won = self._lead(40)
        won.write({"stage_id": self.stage_won.id})
        other_company = self.env["res.company"].create({"name": "Other AI Co"})
        foreign = self._lead(
            40, company_id=other_company.id, team_id=False, user_id=False
        )

        self.Rule._cron_run()
        self.Rule._cron_run()  # a second run (or a restart) adds nothing
        self.assertFiredOnce(rule, idle, self.salesman)
        self.assertEqual(idle.activity_ids.summary, "Follow up")
        self.assertFalse(
            self.Log.search([("lead_id", "in", (planned | recent | too_old | won).ids)])
        )
        self.assertFalse(self.Log.search([("lead_id", "=", foreign.id)]))
        # done today: the lead is no longer idle, nothing new
        idle.activity_ids.action_feedback("Called back")
        self.Rule._cron_run()
        domain = [("rule_id", "=", rule.id), ("lead_id", "=", idle.id)]
        self.assertEqual(self.Log.search_count(domain), 1)
        # 35 days after that call the lead is idle again: a new idle period, a new
        # follow-up
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE mail_message SET date = %s "
            "WHERE model = 'crm.lead' AND res_id = %s",
            (self.now - timedelta(days=35), idle.id),
        )
        self.Rule._cron_run()
        self.assertEqual(len(set(self.Log.search(domain).mapped("key"))), 2)

    def test_inactive_rule_does_nothing(self):
        rule = self._rule("no_activity", active=False)
        lead = self._lead(40)
        self.Rule._cron_run()
        self.assertFalse(self.Log.search([("rule_id", "=", rule.id)]))
        self.assertFalse(lead.activity_ids)

    def test_hot_lead_goes_to_team_leader(self):
        rule = self._rule(
            "hot_untouched",
            delay=24,
            delay_unit="hours",
            assignee="team_leader",
            activity_type_id=self.env.ref("mail.mail_activity_data_call").id,
        )
        unassigned = self._lead(2, user_id=False, ai_tier="hot")
        waiting = self._lead(2, ai_tier="hot")
        warm = self._lead(2, user_id=False, ai_tier="warm")
        fresh = self._lead(0, user_id=False, ai_tier="hot")
        self.Rule._cron_run()
        self.Rule._cron_run()
        self.assertFiredOnce(rule, unassigned, self.leader)
        self.assertFiredOnce(rule, waiting, self.leader)
        self.assertEqual(unassigned.activity_ids.activity_type_id.name, "Call")
        self.assertFalse(self.Log.search([("lead_id", "in", (warm | fresh).ids)]))

    def test_nobody_to_assign_waits(self):
        rule = self._rule(
            "hot_untouched", delay=24, delay_unit="hours", assignee="team_leader"
        )
        self.team.user_id = False
        lead = self._lead(2, user_id=False, ai_tier="hot")
        self.Rule._cron_run()
        self.assertFalse(lead.activity_ids)
        self.assertFalse(self.Log.search([("rule_id", "=", rule.id)]))
        self.team.user_id = self.leader
        self.Rule._cron_run()
        self.assertFiredOnce(rule, lead, self.leader)

    def test_mail_template_action(self):
        rule = self._template_rule(
            "Still interested, {{ object.name }}?", "<p>Shall we talk again?</p>"
        )
        lead = self._lead(40, email_from="client@example.com")
        self.Rule._cron_run()
        self.Rule._cron_run()
        sent = lead.message_ids.filtered(
            lambda m: m.subject == "Still interested, Follow me?"
        )
        self.assertEqual(len(sent), 1)
        self.assertFalse(lead.activity_ids)
        self.assertEqual(len(self._notes(lead, rule)), 1)
        self.assertEqual(self.Log.search_count([("rule_id", "=", rule.id)]), 1)

    def test_salesman_sees_logs_of_own_leads(self):
        self._rule("no_activity")
        own = self._lead(40)
        other = self._lead(40, user_id=self.other_salesman.id)
        self.Rule._cron_run()
        logs = self.Log.with_user(self.salesman).search([])
        self.assertEqual(logs.lead_id, own)
        self.assertNotIn(other, logs.lead_id)
        self.assertEqual(
            len(self.Log.search([("lead_id", "in", (own | other).ids)])), 2
        )

    def test_extra_conditions_and_teams(self):
        rule = self._rule("no_activity", domain="[('priority', '=', '3')]")
        starred = self._lead(40, priority="3")
        plain = self._lead(40)
        other_team = self.env["crm.team"].create({"name": "Other AI team"})
        starred_elsewhere = self._lead(40, priority="3", team_id=other_team.id)
        rule.team_ids = self.team
        self.Rule._cron_run()
        self.assertFiredOnce(rule, starred, self.salesman)
        self.assertFalse(
            self.Log.search([("lead_id", "in", (plain | starred_elsewhere).ids)])
        )
        with self.assertRaises(ValidationError):
            rule.domain = "[('no_such_field', '=', 1)]"

    def test_texts_in_the_language_of_their_reader(self):
        self.env["res.lang"]._activate_lang("es_ES")
        self.salesman.lang = "es_ES"
        rule = self._rule("no_activity")
        rule.with_context(lang="es_ES").activity_summary = "Reactivar"
        spanish = self._lead(40)
        english = self._lead(40, user_id=self.other_salesman.id)
        self.other_salesman.lang = "en_US"
        self.Rule._cron_run()
        self.assertEqual(spanish.activity_ids.summary, "Reactivar")
        self.assertEqual(english.activity_ids.summary, "Follow up")
        # the chatter line: what was done by subtype (each reader's language),
        # the rule's name as the body
        (note,) = self._notes(spanish, rule)
        subtype = self.env.ref("pyme_ai_crm_followup.mt_followup_activity")
        self.assertEqual(note.subtype_id, subtype)
        self.assertEqual(note.body, f"<p>{rule.name}</p>")

    def test_assignee_emailed_only_when_asked(self):
        quiet = self._rule("no_activity")
        loud = self._rule("hot_untouched", activity_notify=True, assignee="team_leader")
        idle = self._lead(40)
        hot = self._lead(40, user_id=False, ai_tier="hot")
        self.Rule._cron_run()
        self.assertFiredOnce(quiet, idle, self.salesman)
        self.assertFiredOnce(loud, hot, self.leader)
        Message = self.env["mail.message"]
        notified = [("message_type", "=", "user_notification")]
        self.assertFalse(
            Message.search(
                notified + [("partner_ids", "in", self.salesman.partner_id.ids)]
            )
        )
        self.assertEqual(
            Message.search_count(
                notified
                + [("partner_ids", "in", self.leader.partner_id.ids)]
                + [("model", "=", "crm.lead"), ("res_id", "=", hot.id)]
            ),
            1,
        )

    def test_ai_manager_reads_rules_and_followups(self):
        ai_manager = new_test_user(
            self.env,
            login="ai_fu_manager",
            groups="pyme_ai_base.pyme_ai_base_group_manager",
        )
        rule = self._rule("no_activity")
        lead = self._lead(40)
        self.Rule._cron_run()
        self.assertEqual(rule.with_user(ai_manager).log_count, 1)
        logs = self.Log.with_user(ai_manager).search([("rule_id", "=", rule.id)])
        self.assertEqual(logs.lead_id, lead)
        action = rule.with_user(ai_manager).action_view_logs()
        self.assertEqual(action["domain"], [("rule_id", "=", rule.id)])

    def test_broken_rule_does_not_stop_the_others(self):
        broken = self._template_rule(
            "{{ object.no_such_field }}",
            name="Broken template",
            sequence=1,
            domain="[('priority', '!=', '3')]",
        )
        # a domain that no longer evaluates (saved before a field was removed)
        bad_domain = self._rule("no_activity", name="Bad domain", sequence=2)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE pyme_ai_followup_rule SET domain = %s WHERE id = %s",
            ("[('no_such_field', '=', 1)]", bad_domain.id),
        )
        bad_domain.invalidate_recordset(["domain"])
        working = self._rule(
            "no_activity", sequence=3, domain="[('priority', '=', '3')]"
        )
        lead = self._lead(40, priority="3")
        emailed = self._lead(40)
        with self.assertLogs(LOGGER, level="WARNING") as logs:
            self.Rule._cron_run()
        self.assertEqual(len(logs.records), 2)
        self.assertFalse(
            self.Log.search([("rule_id", "in", (broken | bad_domain).ids)])
        )
        self.assertFiredOnce(working, lead, self.salesman)
        # each failure is shown on its rule, with the step and the date
        self.assertEqual(broken.last_error_step, "action")
        self.assertTrue(broken.last_error.startswith("Following the leads up failed"))
        self.assertIn("no_such_field", broken.last_error)
        self.assertEqual(bad_domain.last_error_step, "search")
        self.assertTrue(bad_domain.last_error.startswith("Finding the leads failed"))
        self.assertIn("no_such_field", bad_domain.last_error)
        self.assertTrue(bad_domain.last_error_date)
        self.assertFalse(working.last_error_step)
        failing = self.Rule.search([("last_error_step", "!=", False)])
        self.assertEqual(failing, broken | bad_domain)
        # fixed, the next run succeeds and clears the error
        broken.mail_template_id.subject = "{{ object.name }}"
        with self.assertLogs(LOGGER, level="WARNING"):
            self.Rule._cron_run()  # the bad domain still fails
        self.assertFalse(broken.last_error_step)
        self.assertFalse(broken.last_error)
        self.assertEqual(
            self.Log.search([("rule_id", "=", broken.id)]).lead_id, emailed
        )
        self.assertEqual(bad_domain.last_error_step, "search")

    def test_rule_runs_with_its_owner_rights(self):
        manager = new_test_user(
            self.env,
            login="ai_fu_sales_manager",
            groups="sales_team.group_sale_manager",
        )
        # the creator owns the rule; a plain salesperson sees only their leads
        rule = self.Rule.with_user(manager).create(
            {
                "name": "Owner rights",
                "trigger": "no_activity",
                "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
            }
        )
        self.assertEqual(rule.run_as_user_id, manager)
        rule.sudo().run_as_user_id = self.salesman
        # a copy runs as whoever copies it
        copied = rule.with_user(manager).copy({"active": False})
        self.assertEqual(copied.run_as_user_id, manager)
        own = self._lead(40)
        unassigned = self._lead(40, user_id=False)
        other = self._lead(40, user_id=self.other_salesman.id)
        self.Rule._cron_run()
        logs = self.Log.search([("rule_id", "=", rule.id)])
        self.assertEqual(logs.lead_id, own | unassigned)
        self.assertNotIn(other, logs.lead_id)
        # whoever edits the conditions becomes the owner (no borrowed rights)
        rule.with_user(manager).domain = "[('priority', '=', '0')]"
        self.assertEqual(rule.run_as_user_id, manager)
        self.Rule._cron_run()
        self.assertIn(other, self.Log.search([("rule_id", "=", rule.id)]).lead_id)
        # only an administrator makes a rule run as somebody else
        with self.assertRaises(AccessError):
            rule.with_user(manager).run_as_user_id = self.salesman
        with self.assertRaises(AccessError):
            self.Rule.with_user(manager).create(
                {
                    "name": "Borrowed",
                    "trigger": "no_activity",
                    "run_as_user_id": self.env.ref("base.user_admin").id,
                }
            )
        # the owner must be an active salesperson of the rule's company
        employee = new_test_user(
            self.env, login="ai_fu_employee", groups="base.group_user"
        )
        portal = new_test_user(
            self.env, login="ai_fu_portal", groups="base.group_portal"
        )
        other_company = self.env["res.company"].create({"name": "Other FU Co"})
        rule = rule.sudo()
        for user in (employee, portal):
            with self.assertRaises(ValidationError):
                rule.run_as_user_id = user
        with self.assertRaises(ValidationError):
            rule.company_id = other_company
        # its extra conditions are checked with the owner's rights
        rule.run_as_user_id = self.salesman
        with self.assertRaises(ValidationError):
            rule.domain = "[('no_such_field', '=', 1)]"

    def test_template_rendered_as_owner(self):
        rule = self._template_rule("News for {{ object.name }}")
        rule.run_as_user_id = self.salesman
        own = self._lead(40, email_from="own@example.com")
        other = self._lead(
            40, email_from="other@example.com", user_id=self.other_salesman.id
        )
        self.Rule._cron_run()
        sent = own.message_ids.filtered(lambda m: m.subject == "News for Follow me")
        self.assertEqual(sent.author_id, self.salesman.partner_id)
        self.assertFalse(
            other.message_ids.filtered(lambda m: m.subject == "News for Follow me")
        )

    def test_salesperson_change_does_not_touch_the_log(self):
        """The log has no stored copy of the lead's salesperson or company: changing
        them on leads runs no query on the log table (Odoo's own paths stay as
        fast as without this addon), and the record rules go through lead_id."""
        Log = self.env["pyme.ai.followup.log"]
        for fname in ("user_id", "company_id"):
            self.assertFalse(Log._fields[fname].store)
        self._rule("no_activity")
        leads = self._lead(40) | self._lead(40)
        self.Rule._cron_run()
        self.env.invalidate_all()
        queries = []
        execute = Cursor.execute

        def spy(cursor, query, params=None, log_exceptions=True):
            queries.append(str(query))
            return execute(cursor, query, params, log_exceptions)

        company = self.env["res.company"].create({"name": "Moved FU Co"})
        with patch.object(Cursor, "execute", spy):
            leads.write({"user_id": self.other_salesman.id})
            leads.write({"company_id": company.id, "team_id": False, "user_id": False})
            self.env.flush_all()
        self.assertTrue(queries)
        self.assertFalse([q for q in queries if "pyme_ai_followup_log" in q])
        # the record rules follow the lead: another company's leads are hidden,
        # the new salesperson sees the logs, the former one no longer does
        self.assertFalse(Log.with_user(self.other_salesman).search([]))
        leads.write(
            {"company_id": self.env.company.id, "user_id": self.other_salesman.id}
        )
        self.assertEqual(Log.with_user(self.other_salesman).search([]).lead_id, leads)
        self.assertFalse(Log.with_user(self.salesman).search([]))

    def test_logs_of_lost_leads_stay_visible(self):
        self._rule("no_activity")
        lead = self._lead(40)
        self.Rule._cron_run()
        lead.action_set_lost()
        self.assertFalse(lead.active)
        logs = self.Log.with_user(self.salesman).search([])
        self.assertEqual(logs.lead_id, lead)

    def test_settings_switch_and_run_now(self):
        cron = self.env.ref("pyme_ai_crm_followup.ir_cron_followup_rules")
        self.assertTrue(
            self.env["res.config.settings"].create({}).pyme_ai_crm_followup_enabled
        )
        self.env["res.config.settings"].create(
            {"pyme_ai_crm_followup_enabled": False}
        ).execute()
        self.assertFalse(cron.active)
        self.assertFalse(
            self.env["res.config.settings"].create({}).pyme_ai_crm_followup_enabled
        )
        self.env["res.config.settings"].create(
            {"pyme_ai_crm_followup_enabled": True}
        ).execute()
        self.assertTrue(cron.active)
        rule = self._rule("no_activity")
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        rule.action_run_now()
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]),
            len(triggers) + 1,
        )
