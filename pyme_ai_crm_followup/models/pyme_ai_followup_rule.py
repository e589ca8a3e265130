# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Follow-up rules: a trigger finds leads, an action follows them up once.

Each trigger is a method ``_trigger_<code>(leads_domain, now)`` returning
``{lead id: key}``; the key names the event (an idle period, a mailing trace, a page
visit), and a rule acts at most once per lead and key (``pyme.ai.followup.log`` has a
unique constraint), however often the cron runs. Glue addons add triggers with
``selection_add`` and a ``_trigger_<code>`` method.

Each rule runs as its owner (``run_as_user_id``): the trigger's lead search, the extra
conditions and the email template see only what that user may see (record rules,
field groups, companies). Each rule's search and action run in their own savepoint:
a failing rule is rolled back, its error shown on the rule, and the others go on.
"""

import logging
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, safe_eval

from odoo.addons.pyme_ai_base.tools import company_lang, error_message, log_event

_logger = logging.getLogger(__name__)

# Leads acted on per transaction (the cron commits between batches).
BATCH_SIZE = 500
FOLLOWUP_CRON = "pyme_ai_crm_followup.ir_cron_followup_rules"
SALESMAN_GROUP = "sales_team.group_sale_salesman"
# Editing these makes the editor the rule's owner (unless an administrator edits):
# nobody gets a search or an email evaluated with somebody else's rights.
OWNED_FIELDS = frozenset(
    {"trigger", "domain", "team_ids", "company_id", "action", "mail_template_id"}
)


class PymeAiFollowupRule(models.Model):
    _name = "pyme.ai.followup.rule"
    _description = "AI Follow-up Rule"
    _order = "sequence, id"
    _check_company_auto = True

    def _default_run_as_user_id(self):
        user = self.env.user
        if user.id == SUPERUSER_ID:  # data files and scripts: the administrator
            user = self.env.ref("base.user_admin", raise_if_not_found=False) or user
        return user

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    trigger = fields.Selection(
        [
            ("no_activity", "No activity on an open lead"),
            ("hot_untouched", "Hot lead unassigned or untouched"),
        ],
        required=True,
    )
    delay = fields.Integer(
        required=True,
        default=30,
        help="How long the condition must last before the rule acts.",
    )
    delay_unit = fields.Selection(
        [("hours", "Hours"), ("days", "Days")], required=True, default="days"
    )
    lookback_days = fields.Integer(
        string="Look Back (days)",
        default=30,
        help="Only events of this many days before the delay count (0: all), so that "
        "switching a rule on does not bring back every old case at once.",
    )
    team_ids = fields.Many2many(
        "crm.team",
        string="Sales Teams",
        check_company=True,
        help="Only leads of these teams (all if empty).",
    )
    domain = fields.Char(
        string="Extra Conditions",
        default="[]",
        help="Only leads matching these conditions (all if empty).",
    )
    action = fields.Selection(
        [("activity", "Schedule an activity"), ("mail_template", "Send an email")],
        required=True,
        default="activity",
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        default=lambda self: self.env.ref(
            "mail.mail_activity_data_todo", raise_if_not_found=False
        ),
    )
    activity_summary = fields.Char(translate=True)
    activity_note = fields.Html(translate=True)
    activity_notify = fields.Boolean(
        string="Email the Assignee",
        help="Also email the user who gets the activity, as when a colleague assigns "
        "one. Off: the activity only shows in their activities and on the lead.",
    )
    activity_deadline_days = fields.Integer(
        string="Deadline (days)", default=0, help="Days after the rule acts."
    )
    assignee = fields.Selection(
        [
            ("salesperson", "Salesperson"),
            ("team_leader", "Team leader"),
            ("user", "Specific user"),
        ],
        required=True,
        default="salesperson",
        help="Who gets the activity: the salesperson (else the user below, else the "
        "team leader), the team leader (else the user below, else the salesperson) or "
        "the user below (else the salesperson). Leads with nobody to assign wait for "
        "a later run.",
    )
    user_id = fields.Many2one("res.users", string="User", check_company=True)
    mail_template_id = fields.Many2one(
        "mail.template", string="Email Template", domain=[("model", "=", "crm.lead")]
    )
    run_as_user_id = fields.Many2one(
        "res.users",
        string="Run As",
        required=True,
        copy=False,  # a copy runs as whoever copies it
        default=_default_run_as_user_id,
        domain=[("share", "=", False)],
        help="The rule finds leads, evaluates its extra conditions and renders its "
        "email with this user's access rights. It defaults to the user who creates "
        "the rule; whoever changes the trigger, conditions, teams or email becomes "
        "it (an administrator may choose another salesperson).",
    )
    log_ids = fields.One2many("pyme.ai.followup.log", "rule_id", string="Follow-ups")
    log_count = fields.Integer(compute="_compute_log_count", string="Follow-ups Done")
    last_error_step = fields.Selection(
        [("search", "Finding the leads"), ("action", "Following the leads up")],
        readonly=True,
        copy=False,
    )
    last_error_detail = fields.Text(readonly=True, copy=False)
    last_error_date = fields.Datetime(string="Failed On", readonly=True, copy=False)
    last_error = fields.Text(
        compute="_compute_last_error",
        help="Why the last run of this rule failed; the other rules ran. Cleared "
        "by the next run that succeeds.",
    )

    @api.depends("last_error_step", "last_error_detail")
    @api.depends_context("lang")
    def _compute_last_error(self):
        steps = dict(self._fields["last_error_step"]._description_selection(self.env))
        for rule in self:
            rule.last_error = rule.last_error_step and self.env._(
                "%(step)s failed: %(detail)s",
                step=steps.get(rule.last_error_step, rule.last_error_step),
                detail=rule.last_error_detail or "",
            )

    def _run_as_valid(self):
        """Whether the rule's owner may run it: an active salesperson of its company."""
        self.ensure_one()
        user = self.run_as_user_id.sudo()
        return bool(
            user.active
            and not user.share
            and user.has_group(SALESMAN_GROUP)
            and self.company_id in user.company_ids
        )

    @api.constrains("run_as_user_id", "company_id")
    def _check_run_as_user_id(self):
        for rule in self:
            user = rule.run_as_user_id
            if not rule._run_as_valid():
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s cannot run as %(user)s: the user must be an "
                        "active salesperson with access to %(company)s.",
                        rule=rule.name,
                        user=user.display_name,
                        company=rule.company_id.display_name,
                    )
                )

    @api.constrains("domain", "run_as_user_id")
    def _check_domain(self):
        for rule in self.filtered(lambda r: r._run_as_valid()):
            try:
                with self.env.cr.savepoint():
                    rule._as_owner().env["crm.lead"].search_count(
                        rule._as_owner()._extra_domain(), limit=1
                    )
            except Exception as error:  # noqa: BLE001 - any bad domain is refused
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s has invalid extra conditions: %(error)s",
                        rule=rule.name,
                        error=error,
                    )
                ) from error

    @api.constrains("action", "activity_type_id", "mail_template_id", "delay")
    def _check_action(self):
        for rule in self:
            if rule.delay < 0:
                raise ValidationError(self.env._("The delay cannot be negative."))
            if rule.action == "activity" and not rule.activity_type_id:
                raise ValidationError(
                    self.env._("Rule %(rule)s needs an activity type.", rule=rule.name)
                )
            if rule.action == "mail_template" and not rule.mail_template_id:
                raise ValidationError(
                    self.env._("Rule %(rule)s needs an email template.", rule=rule.name)
                )

    def _check_run_as_change(self, vals):
        """Only an administrator makes a rule run as somebody else."""
        user_id = vals.get("run_as_user_id")
        if (
            user_id
            and user_id != self.env.uid
            and not self.env.su
            and not self.env.user.has_group("base.group_system")
        ):
            raise AccessError(
                self.env._(
                    "Only an administrator can make a follow-up rule run as another "
                    "user."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_run_as_change(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_run_as_change(vals)
        if (
            OWNED_FIELDS & set(vals)
            and "run_as_user_id" not in vals
            and not self.env.su
            and not self.env.user.has_group("base.group_system")
            and any(rule.run_as_user_id != self.env.user for rule in self)
        ):
            vals = dict(vals, run_as_user_id=self.env.uid)
        return super().write(vals)

    def _compute_log_count(self):
        counts = dict(
            self.env["pyme.ai.followup.log"]._read_group(
                [("rule_id", "in", self.ids)], ["rule_id"], ["__count"]
            )
        )
        for rule in self:
            rule.log_count = counts.get(rule, 0)

    def action_view_logs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "pyme_ai_crm_followup.pyme_ai_followup_log_action"
        )
        action["domain"] = [("rule_id", "=", self.id)]
        return action

    # ------------------------------------------------------------------ triggers
    def _as_owner(self):
        """The rule as its owner sees it, in its company."""
        self.ensure_one()
        return self.with_user(self.run_as_user_id).with_company(self.company_id)

    def _window(self, now):
        """(oldest, newest) event dates the rule acts on now; oldest may be None."""
        newest = now - timedelta(**{self.delay_unit: self.delay})
        oldest = newest - timedelta(days=self.lookback_days)
        return (oldest if self.lookback_days > 0 else None), newest

    def _extra_domain(self):
        """The rule's extra conditions on crm.lead, as a domain list."""
        self.ensure_one()
        if not self.domain:
            return []
        context = {
            "datetime": safe_eval.datetime,
            "dateutil": safe_eval.dateutil,
            "time": safe_eval.time,
            "uid": self.env.uid,
            "user": self.env.user,
            "context_today": lambda: fields.Date.context_today(self),
        }
        return list(safe_eval.safe_eval(self.domain, context))

    def _leads_domain(self):
        Lead = self.env["crm.lead"]
        # open leads: active (lost ones are archived) and not won
        domain = expression.AND(
            [
                [("company_id", "in", [self.company_id.id, False])],
                [("active", "=", True)],
                ["!", *expression.normalize_domain(Lead._ai_won_domain())],
            ]
        )
        if self.team_ids:
            domain = expression.AND([domain, [("team_id", "in", self.team_ids.ids)]])
        extra = self._extra_domain()
        return expression.AND([domain, extra]) if extra else domain

    def _last_touch(self, lead_ids):
        """{lead id: last message, email or done activity (or creation)}."""
        self.env["mail.message"].flush_model(
            ["model", "res_id", "date", "message_type", "mail_activity_type_id"]
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT l.id, GREATEST(l.create_date, MAX(m.date))
                  FROM crm_lead l
             LEFT JOIN mail_message m
                    ON m.model = 'crm.lead' AND m.res_id = l.id
                   AND (m.message_type IN ('comment', 'email')
                        OR m.mail_activity_type_id IS NOT NULL)
                 WHERE l.id = ANY(%s)
              GROUP BY l.id
                """,
                list(lead_ids),
            )
        )
        return dict(self.env.cr.fetchall())

    def _idle_leads(self, leads_domain, now):
        """Leads without planned activity untouched since the rule's delay."""
        oldest, newest = self._window(now)
        leads = self.env["crm.lead"].search(
            leads_domain + [("activity_ids", "=", False), ("create_date", "<", newest)]
        )
        touched = self._last_touch(leads.ids)
        return {
            lead.id: touched[lead.id]
            for lead in leads
            if touched.get(lead.id)
            and touched[lead.id] < newest
            and (oldest is None or touched[lead.id] >= oldest)
        }

    def _trigger_no_activity(self, leads_domain, now):
        idle = self._idle_leads(leads_domain, now)
        return {
            lead_id: f"idle:{last:%Y-%m-%d %H:%M:%S}" for lead_id, last in idle.items()
        }

    def _trigger_hot_untouched(self, leads_domain, now):
        oldest, newest = self._window(now)
        hot = leads_domain + [("ai_tier", "=", "hot"), ("create_date", "<", newest)]
        created = [("create_date", ">=", oldest)] if oldest else []
        unassigned = self.env["crm.lead"].search(
            hot + created + [("user_id", "=", False)]
        )
        keys = {lead.id: "hot:unassigned" for lead in unassigned}
        idle = self._idle_leads(hot + [("user_id", "!=", False)], now)
        keys.update(
            {lead_id: f"hot:{last:%Y-%m-%d %H:%M:%S}" for lead_id, last in idle.items()}
        )
        return keys

    def _find(self, now):
        """{lead id: key} of the leads this rule has not acted on for that key yet."""
        self.ensure_one()
        method = getattr(self, f"_trigger_{self.trigger}", None)
        if method is None:
            _logger.info("pyme_ai: follow-up trigger %s is not installed", self.trigger)
            return {}
        keys = method(self._leads_domain(), now)
        if not keys:
            return {}
        done = (
            self.env["pyme.ai.followup.log"]
            .sudo()
            .search_read(
                [("rule_id", "=", self.id), ("lead_id", "in", list(keys))],
                ["lead_id", "key"],
            )
        )
        seen = {(row["lead_id"][0], row["key"]) for row in done}
        keys = {
            lead_id: key for lead_id, key in keys.items() if (lead_id, key) not in seen
        }
        if self.action == "activity":
            # nobody to assign (no team leader yet...): left for a later run
            leads = self.env["crm.lead"].browse(list(keys))
            keys = {lead.id: keys[lead.id] for lead in leads if self._assignee(lead)}
        return keys

    # ------------------------------------------------------------------ actions
    def _assignee(self, lead):
        """The user to follow ``lead`` up, or an empty recordset when nobody fits
        (the lead is then left for a later run, once the team has a leader...)."""
        candidates = [lead.user_id, self.user_id, lead.team_id.user_id]
        if self.assignee == "team_leader":
            candidates = [lead.team_id.user_id, self.user_id, lead.user_id]
        elif self.assignee == "user":
            candidates = [self.user_id, lead.user_id]
        return next((user for user in candidates if user), self.env["res.users"])

    def _lang(self, user):
        """The language the texts for ``user`` are written in."""
        return user.lang or company_lang(self.company_id)

    def _act(self, leads, keys, now):
        """Follow ``leads`` up, log each on the lead's chatter and in the rule's log.

        Activity summaries and notes are in the language of the user who gets the
        activity, chatter notes in that of the lead's salesperson.
        """
        self.ensure_one()
        activities = {}
        by_lang = {}  # the rule read in each language it is needed in
        users = {}
        if self.action == "activity":
            users = {lead.id: self._assignee(lead) for lead in leads}
            deadline = fields.Date.context_today(self) + timedelta(
                days=self.activity_deadline_days
            )
            model_id = self.env["ir.model"]._get_id("crm.lead")
            values = []
            for lead in leads:
                lang = self._lang(users[lead.id])
                rule = by_lang.setdefault(lang, self.with_context(lang=lang))
                values.append(
                    {
                        "res_model_id": model_id,
                        "res_id": lead.id,
                        "activity_type_id": self.activity_type_id.id,
                        "summary": rule.activity_summary or rule.name,
                        "note": rule.activity_note,
                        "date_deadline": deadline,
                        "user_id": users[lead.id].id,
                    }
                )
            created = (
                self.env["mail.activity"]
                .sudo()
                .with_context(mail_activity_quick_update=not self.activity_notify)
                .create(values)
            )
            activities = dict(zip(leads.ids, created.ids, strict=True))
        else:
            # rendered and sent with the owner's rights (leads are the owner's)
            leads.message_post_with_source(
                self.mail_template_id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        # the subtype says what was done in each reader's language; the body
        # names the rule, in the language of the lead's salesperson
        bodies = {}
        for lead in leads:
            lang = self._lang(lead.user_id or users.get(lead.id, lead.user_id))
            bodies[lead.id] = by_lang.setdefault(
                lang, self.with_context(lang=lang)
            ).name
        log_event(
            leads.sudo(),
            f"pyme_ai_crm_followup.mt_followup_{self.action}",
            bodies=bodies,
        )
        self.env["pyme.ai.followup.log"].sudo().create(
            [
                {
                    "rule_id": self.id,
                    "lead_id": lead.id,
                    "key": keys[lead.id],
                    "activity_id": activities.get(lead.id),
                    "date": now,
                }
                for lead in leads
            ]
        )

    @api.model
    def _cron_run(self):
        """Act on at most ``BATCH_SIZE`` leads; the cron runner commits and calls
        again while some remain (and the log makes a restart pick up where it was).

        Each rule runs as its owner, its search and its action each in a
        savepoint: a failing rule (a domain its owner may no longer evaluate, a
        template that fails to render...) is rolled back, its error recorded on the
        rule, and the other rules go on.
        """
        now = fields.Datetime.now()
        pending = []
        ok = self.browse()
        for rule in self.sudo().search([]):
            keys = rule._run_step("search", rule._find_as_owner, now)
            if keys:
                pending.append((rule, keys))
            elif keys is not None:
                ok |= rule
        budget, done, failed = BATCH_SIZE, 0, 0
        for rule, keys in pending:
            if budget <= 0:
                break
            ids = sorted(keys)[:budget]
            if rule._run_step("action", rule._act_as_owner, ids, keys, now) is None:
                failed += len(keys)
                continue
            ok |= rule
            done += len(ids)
            budget -= len(ids)
        ok.sudo().filtered("last_error_step").write(
            {
                "last_error_step": False,
                "last_error_detail": False,
                "last_error_date": False,
            }
        )
        remaining = sum(len(keys) for __, keys in pending) - done - failed
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done

    def _find_as_owner(self, now):
        return self._as_owner()._find(now)

    def _act_as_owner(self, ids, keys, now):
        rule = self._as_owner()
        rule._act(rule.env["crm.lead"].browse(ids), keys, now)
        return True

    def _run_step(self, step, method, *args):
        """``method(*args)`` in a savepoint; on failure None, with the error
        recorded on the rule (step code + the error's text, rendered when read)."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                return method(*args)
        except Exception as error:  # noqa: BLE001 - any failure stays on its rule
            _logger.warning(
                "pyme_ai: follow-up rule %s (id %s) failed (%s)",
                self.name,
                self.id,
                step,
                exc_info=True,
            )
            self.sudo().write(
                {
                    "last_error_step": step,
                    "last_error_detail": error_message(error),
                    "last_error_date": fields.Datetime.now(),
                }
            )
            return None

    def action_run_now(self):
        """Queue a run of the rules (never runs inside the request)."""
        self.check_access("write")
        cron = self.env.ref(FOLLOWUP_CRON, raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()
        return True
