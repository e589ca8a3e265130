# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from ..models.pyme_ai_lead_scoring import FEATURES, READ_FIELDS
from .common import LeadScoringCase


@tagged("post_install", "-at_install")
class TestWonLost(LeadScoringCase):
    def test_won_lost_closed_domains_follow_odoo(self):
        Lead = self.env["crm.lead"].with_context(active_test=False)
        open_lead = self._open_lead(web=True, revenue=100)
        zero = self._open_lead(web=True, revenue=100, probability=0)
        won = self._open_lead(web=True, revenue=100)
        won.action_set_won()
        lost = self._open_lead(web=False, revenue=100)
        lost.action_set_lost()
        # a lead lost while in a won stage is lost, not won
        lost_at_won = self._open_lead(web=False, revenue=100)
        lost_at_won.write({"stage_id": self.stage_won.id})
        lost_at_won.action_set_lost()
        self.assertEqual(lost_at_won.stage_id, self.stage_won)
        leads = open_lead | zero | won | lost | lost_at_won

        def found(domain):
            return Lead.search(domain + [("id", "in", leads.ids)])

        self.assertEqual(found(Lead._ai_won_domain()), won)
        self.assertEqual(found(Lead._ai_lost_domain()), lost | lost_at_won)
        self.assertEqual(found(Lead._ai_closed_domain()), won | lost | lost_at_won)
        # training uses the same vocabulary
        ids, __, is_won, total = self.scoring._ai_closed_leads()
        self.assertEqual(set(ids), set((won | lost | lost_at_won).ids))
        self.assertEqual({i for i in ids if is_won[i]}, set(won.ids))
        self.assertEqual(total, 3)

    def test_training_target_and_history_use_won_lost(self):
        won, lost = self._create_history(25, 20)
        won[:2].action_set_lost()  # lost while in the won stage
        data = self.scoring._ai_training_data()
        self.assertEqual(sum(data["target"]), 23)
        self.assertEqual(len(data["target"]), 45)

    def test_customer_history_counts_earlier_won_and_lost(self):
        partner = self.env["res.partner"].create({"name": "Returning AI customer"})
        won = self._open_lead(web=True, revenue=100, partner_id=partner.id)
        won.action_set_won()
        lost = self._open_lead(web=True, revenue=100, partner_id=partner.id)
        lost.action_set_lost()
        contact = self.env["res.partner"].create(
            {"name": "Buyer", "parent_id": partner.id}
        )
        lead = self._open_lead(web=True, revenue=100, partner_id=contact.id)
        later = fields.Datetime.now() + timedelta(hours=1)
        table, ids = self.scoring._ai_lead_table(
            lead | won, {lead.id: later, won.id: later}, []
        )
        row = ids.index(lead.id)
        self.assertEqual(table["partner_won"][row], 1)
        self.assertEqual(table["partner_lost"][row], 1)
        # a lead never counts itself
        self.assertEqual(table["partner_won"][ids.index(won.id)], 0)

    def test_customer_history_stays_in_its_company(self):
        other = self.env["res.company"].create({"name": "Other AI company"})
        foreign = {"company_id": other.id, "team_id": False, "user_id": False}
        partner = self.env["res.partner"].create({"name": "Shared customer"})
        mine = self._open_lead(web=True, revenue=100, partner_id=partner.id)
        mine.action_set_won()
        theirs = self._open_lead(
            web=True, revenue=100, partner_id=partner.id, **foreign
        )
        theirs.action_set_won()
        theirs_lost = self._open_lead(
            web=True, revenue=100, partner_id=partner.id, **foreign
        )
        theirs_lost.action_set_lost()
        here = self._open_lead(web=True, revenue=100, partner_id=partner.id)
        there = self._open_lead(web=True, revenue=100, partner_id=partner.id, **foreign)
        later = fields.Datetime.now() + timedelta(hours=1)
        table, ids = self.scoring._ai_lead_table(
            here | there, {here.id: later, there.id: later}, []
        )
        # each lead counts only its own company's earlier outcomes
        self.assertEqual(table["partner_won"][ids.index(here.id)], 1)
        self.assertEqual(table["partner_lost"][ids.index(here.id)], 0)
        self.assertEqual(table["partner_won"][ids.index(there.id)], 1)
        self.assertEqual(table["partner_lost"][ids.index(there.id)], 1)


@tagged("post_install", "-at_install")
class TestFeatures(LeadScoringCase):
    def test_read_list_covers_every_feature(self):
        Lead = self.env["crm.lead"]
        for feature in FEATURES:
            for name in feature.fields:
                self.assertIn(name, READ_FIELDS)
                self.assertIn(name, Lead._fields, feature.column)
        self.assertEqual(len(READ_FIELDS), len(set(READ_FIELDS)))

    def test_table_and_labels_have_every_feature(self):
        tag = self.env["crm.tag"].create({"name": "VIP AI"})
        lead = self._open_lead(web=True, revenue=1000, tag_ids=[Command.set(tag.ids)])
        table, ids = self.scoring._ai_lead_table(
            lead, {lead.id: fields.Datetime.now()}, [tag.id]
        )
        self.assertEqual(ids, lead.ids)
        labels = self.scoring._ai_feature_labels()
        for feature in FEATURES:
            column = f"tag_{tag.id}" if feature.column == "tag" else feature.column
            self.assertIn(column, table)
            self.assertEqual(len(table[column]), 1)
            self.assertIn(column, labels)
        self.assertEqual(table[f"tag_{tag.id}"], [True])
        # ids, never display names (the same in every language)
        self.assertEqual(table["source"], [f"#{self.source_web.id}"])
        self.assertEqual(table["expected_revenue"], [1000])
        self.assertEqual(labels[f"tag_{tag.id}"], "Tag: VIP AI")
        self.assertEqual(labels["email_free"], "Free Email Domain")

    def test_writing_each_scored_field_flags_the_lead(self):
        Lead = self.env["crm.lead"]
        scored = Lead._ai_scored_fields()
        # the fields the score is read from and a user can change
        self.assertEqual(
            scored,
            {
                "source_id",
                "medium_id",
                "campaign_id",
                "country_id",
                "state_id",
                "tag_ids",
                "team_id",
                "user_id",
                "expected_revenue",
                "email_from",
                "phone",
                "mobile",
                "lang_id",
                "stage_id",
                "partner_id",
                "type",
            },
        )
        lead = self._open_lead(web=True, revenue=100)
        values = {
            "many2one": False,
            "many2many": [Command.clear()],
            "float": 123.0,
            "monetary": 123.0,
            "char": "ai@example.com",
            "selection": "lead",
        }
        phones = {"phone": "+34 600 000 001", "mobile": "+34 600 000 002"}
        for name in sorted(scored):
            lead.write({"ai_needs_scoring": False})
            lead.write({name: phones.get(name, values[Lead._fields[name].type])})
            self.assertTrue(lead.ai_needs_scoring, name)
        lead.write({"ai_needs_scoring": False})
        lead.write({"priority": "2", "description": "Not a feature"})
        self.assertFalse(lead.ai_needs_scoring)
