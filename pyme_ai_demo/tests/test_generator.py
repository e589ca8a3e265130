# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime
from collections import Counter

from odoo.tests.common import BaseCase

from ..generator import generate


class TestGenerator(BaseCase):
    """The plan itself: fixed seed, the sizes the readme gives, the planted rates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = datetime.date(2026, 6, 1)
        cls.plan = generate(today=cls.today)

    def test_same_seed_same_plan(self):
        again = generate(today=self.today)
        self.assertEqual(
            [(lead["name"], lead["closed"]) for lead in again["leads"]],
            [(lead["name"], lead["closed"]) for lead in self.plan["leads"]],
        )

    def test_sizes(self):
        self.assertGreaterEqual(len(self.plan["leads"]), 1500)
        self.assertGreaterEqual(len(self.plan["products"]), 100)
        patterns = Counter(p["pattern"] for p in self.plan["products"])
        for pattern in ("regular", "trending", "seasonal", "intermittent", "lumpy"):
            self.assertGreaterEqual(patterns[pattern], 10, pattern)

    def test_planted_rates(self):
        closed = [lead for lead in self.plan["leads"] if lead["outcome"] != "open"]

        def rate(leads):
            return sum(lead["outcome"] == "won" for lead in leads) / len(leads)

        overall = rate(closed)
        self.assertGreater(
            rate([x for x in closed if x["source"] == "referral"]), 1.5 * overall
        )
        self.assertLess(rate([x for x in closed if x["source"] == "list"]), overall / 2)
        lucia = [x for x in closed if x["user"] == "lucia"]
        self.assertGreater(
            rate([x for x in lucia if x["activity"]["type"] == "meeting"]),
            1.5 * rate([x for x in lucia if x["activity"]["type"] == "call"]),
        )
        stuck = [x for x in self.plan["leads"] if x["planted"] == "stuck"]
        self.assertEqual(len(stuck), 8)
        self.assertTrue(all(x["steps"][-1][0] == "proposal" for x in stuck))
