# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A throwaway capability, loaded only by the tests (odoo_test_helper)."""

import numpy as np
from sklearn.linear_model import LogisticRegression

from odoo import models
from odoo.exceptions import UserError

from pyme_ai.evaluation import auc, stratified_holdout
from pyme_ai.training import TrainingResult


class PymeAiTestCapability(models.AbstractModel):
    _name = "pyme.ai.test.capability"
    _inherit = "pyme.ai.capability"
    _description = "AI Test Capability"

    _ai_kind = "test_kind"
    _ai_kind_label = "Test kind"
    _ai_target_model = "res.partner"
    _ai_apply_batch_size = 2

    def _ai_training_data(self):
        """Context keys drive the outcome: rows, noise (0 = perfect signal), fail."""
        ctx = self.env.context
        if ctx.get("pyme_ai_test_fail"):
            raise ValueError("synthetic training failure")
        rows = ctx.get("pyme_ai_test_rows", 200)
        if rows < self._ai_min_samples():
            raise UserError(f"Not enough data: {rows} rows")
        rng = np.random.default_rng(0)
        x = rng.normal(size=(rows, 2))
        noise = ctx.get("pyme_ai_test_noise", 0.3)
        y = (x[:, 0] + noise * rng.normal(size=rows) * 3 > 0).astype(int)
        return x, y

    def _ai_fit(self, data):
        x, y = data
        train, test = stratified_holdout(y, random_state=0)
        model = LogisticRegression().fit(x[train], y[train])
        score = auc(y[test], model.predict_proba(x[test])[:, 1])
        return TrainingResult(
            model=model,
            metrics={"auc": score, "n": int(len(test))},
            primary_metric="auc",
            n_rows=len(y),
            report={"baselines": {"logistic": {"auc": 0.5}}},
        )

    def _ai_apply_domain(self, ai_model):
        ids = self.env.context.get("pyme_ai_test_partner_ids", [])
        return [("id", "in", ids), ("comment", "=", False)]

    def _ai_apply(self, records, engine_model, ai_model):
        for partner in records:
            partner.comment = f"scored by {ai_model.id}"
