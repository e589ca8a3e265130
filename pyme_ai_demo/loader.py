# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Turn the generator's plan into the records of a NEW company.

Everything is created in bulk through the ORM (stage moves written as the salesperson,
so that Odoo stores the stage tracking), then backdated with SQL: lead and message
dates, done stock moves, order dates. Only records of the company created here are
written; shared vocabulary (stages, lost reasons, activity types) is read, never
changed.
"""

import datetime
import hashlib
import logging
import time
from collections import defaultdict

from odoo import fields
from odoo.tools import SQL

from .generator import SEED, generate

_logger = logging.getLogger(__name__)

COMPANY_NAME = "Muebles Ejemplo S.L."
LANG = "es_ES"
STAGE_XMLIDS = {
    "new": "crm.stage_lead1",
    "qualified": "crm.stage_lead2",
    "proposal": "crm.stage_lead3",
    "won": "crm.stage_lead4",
}
#: Context of the stage moves: tracked, in the salesperson's language.
TRACKED = {"lang": LANG, "tracking_disable": False, "mail_notrack": False}
ACTIVITY_XMLIDS = {
    "call": "mail.mail_activity_data_call",
    "meeting": "mail.mail_activity_data_meeting",
}


#: one open opportunity in this many has no next activity planned
NO_NEXT_ACTIVITY = 7


def _ensure_spanish(env):
    lang = env["res.lang"].with_context(active_test=False).search([("code", "=", LANG)])
    if not lang.active:
        env["res.lang"]._activate_lang(LANG)
        modules = env["ir.module.module"].search([("state", "=", "installed")])
        modules._update_translations([LANG])


def _update_dates(env, table, column, ids, values):
    """``UPDATE table SET column = value`` row by row, in one statement."""
    if not ids:
        return
    env.cr.execute(
        SQL(
            "UPDATE %s t SET %s = v.value FROM unnest(%s::int[], %s::timestamp[])"
            " AS v(id, value) WHERE t.id = v.id",
            SQL.identifier(table),
            SQL.identifier(column),
            list(ids),
            list(values),
        )
    )


def _insert_messages(env, rows):
    """Insert chatter messages of crm.lead in one statement (history, not sent).

    ``rows``: (lead id, message type, subtype id, author partner id, email_from,
    subject, body, date, activity type id or None, company id).
    """
    if not rows:
        return
    columns = list(zip(*rows, strict=True))
    env.cr.execute(
        SQL(
            """
            INSERT INTO mail_message (model, res_id, message_type, subtype_id,
                   author_id, email_from, subject, body, date, mail_activity_type_id,
                   record_company_id, is_internal, create_uid, write_uid,
                   create_date, write_date)
            SELECT 'crm.lead', v.res_id, v.message_type, v.subtype_id, v.author_id,
                   v.email_from, v.subject, v.body, v.date, v.activity_type_id,
                   v.company_id, FALSE, %s, %s, v.date, v.date
              FROM unnest(%s::int[], %s::varchar[], %s::int[], %s::int[],
                          %s::varchar[], %s::varchar[], %s::text[], %s::timestamp[],
                          %s::int[], %s::int[])
                AS v(res_id, message_type, subtype_id, author_id, email_from,
                     subject, body, date, activity_type_id, company_id)
            """,
            env.uid,
            env.uid,
            *[list(column) for column in columns],
        )
    )


class DemoLoader:
    """Creates the demo company from a plan; ``ids`` maps plan keys to record ids."""

    def __init__(self, env, plan, company_name):
        self.env = env(
            context=dict(
                env.context, lang=LANG, tracking_disable=False, mail_notrack=False
            )
        )
        self.plan = plan
        self.company_name = company_name
        self.ids = defaultdict(dict)
        self.timings = {}

    def quiet_env(self):
        """The company's environment without tracking (records not tracked)."""
        return self.cenv(context=dict(self.cenv.context, tracking_disable=True))

    def ref(self, xmlid):
        return self.env.ref(xmlid)

    # ------------------------------------------------------------------ company
    def make_company(self):
        env = self.env
        eur = self.ref("base.EUR")
        if not eur.active:
            eur.active = True
        values = {
            "name": self.company_name,
            "country_id": self.ref("base.es").id,
            "currency_id": eur.id,
            "street": "Calle de Alcalá 120",
            "city": "Madrid",
            "zip": "28009",
            "email": "info@mueblesejemplo.es",
            "phone": "+34 910 000 000",
            "website": "https://www.mueblesejemplo.es",
        }
        if "iap_enrich_auto_done" in env["res.company"]._fields:
            # partner_autocomplete would call its web service for a demo company
            values["iap_enrich_auto_done"] = True
        company = env["res.company"].create(values)
        company.resource_calendar_id = self.ref("pyme_ai_demo.shop_hours")  # its FAQ's
        company.partner_id.lang = LANG
        company.partner_id.tz = "Europe/Madrid"
        self.company = company
        env.ref("base.user_admin").write({"company_ids": [(4, company.id)]})
        self.cenv = env(
            context=dict(env.context, allowed_company_ids=[company.id]),
        )
        # Odoo creates a new company's warehouse only in test mode
        if not env["stock.warehouse"].search_count([("company_id", "=", company.id)]):
            self.quiet_env()["stock.warehouse"].create(
                {
                    "name": "Almacén Madrid",
                    "code": "MAD",
                    "company_id": company.id,
                    "partner_id": company.partner_id.id,
                }
            )
        return company

    def make_users(self):
        env = self.cenv
        groups = [
            self.ref("base.group_user").id,
            self.ref("sales_team.group_sale_salesman").id,
        ]
        users = {}
        for user in self.plan["users"]:
            login = user["login"]
            if (
                env["res.users"]
                .with_context(active_test=False)
                .search_count([("login", "=", login)])
            ):
                login = f"{login}.{self.company.id}"
            users[user["key"]] = (
                env["res.users"]
                .with_context(no_reset_password=True)
                .create(
                    {
                        "name": user["name"],
                        "login": login,
                        "email": f"{user['login']}@mueblesejemplo.es",
                        "lang": LANG,
                        "tz": "Europe/Madrid",
                        "company_id": self.company.id,
                        "company_ids": [(6, 0, [self.company.id])],
                        "groups_id": [(6, 0, groups)],
                    }
                )
            )
        self.users = users
        teams = {}
        for team in self.plan["teams"]:
            members = [u for u in self.plan["users"] if u["team"] == team["key"]]
            teams[team["key"]] = env["crm.team"].create(
                {
                    "name": team["name"],
                    "company_id": self.company.id,
                    "user_id": users[members[0]["key"]].id,
                    "member_ids": [(6, 0, [users[m["key"]].id for m in members])],
                }
            )
        self.teams = teams
        self.user_team = {u["key"]: teams[u["team"]] for u in self.plan["users"]}

    def make_partners(self):
        env = self.quiet_env()
        Source = env["utm.source"]
        self.sources = {}
        for source in self.plan["sources"]:
            record = Source.search([("name", "=", source["name"])], limit=1)
            self.sources[source["key"]] = record or Source.create(
                {"name": source["name"]}
            )
        spain = self.ref("base.es").id
        customers = self.plan["customers"]
        companies = env["res.partner"].create(
            [
                {
                    "name": c["name"],
                    "is_company": True,
                    "company_id": self.company.id,
                    "country_id": spain,
                    "city": c["city"],
                    "zip": c["zip"],
                    "email": c["email"],
                    "phone": c["phone"],
                    "lang": LANG,
                }
                for c in customers
            ]
        )
        # one partner per customer company (the contact's name is on the lead)
        self.customers = {
            c["key"]: (partner, partner)
            for c, partner in zip(customers, companies, strict=True)
        }
        vendors = env["res.partner"].create(
            [
                {
                    "name": v["name"],
                    "is_company": True,
                    "company_id": self.company.id,
                    "country_id": spain,
                    "supplier_rank": 1,
                    "lang": LANG,
                }
                for v in self.plan["vendors"]
            ]
        )
        self.vendors = list(vendors)

    # ------------------------------------------------------------------ CRM
    def make_leads(self):
        stages = {key: self.ref(xmlid) for key, xmlid in STAGE_XMLIDS.items()}
        by_user = defaultdict(list)
        for lead in self.plan["leads"]:
            by_user[lead["user"]].append(lead)
        records = {}
        for user_key, leads in by_user.items():
            user = self.users[user_key]
            Lead = (
                self.cenv["crm.lead"]
                .with_user(user)
                .with_context(
                    lang=LANG,
                    tracking_disable=True,
                    mail_create_nolog=True,
                    mail_create_nosubscribe=True,
                )
            )
            created = Lead.create(
                [
                    {
                        "name": lead["name"],
                        "type": "opportunity",
                        "partner_id": self.customers[lead["customer"]][1].id,
                        "contact_name": self.plan_customer(lead)["contact"],
                        "email_from": self.plan_customer(lead)["email"],
                        "phone": self.plan_customer(lead)["phone"],
                        "user_id": user.id,
                        "team_id": self.user_team[user_key].id,
                        "company_id": self.company.id,
                        "source_id": self.sources[lead["source"]].id,
                        "stage_id": stages["new"].id,
                        "expected_revenue": lead["revenue"],
                        "lang_id": self.env["res.lang"]._lang_get(LANG).id,
                    }
                    for lead in leads
                ]
            )
            for lead, record in zip(leads, created, strict=True):
                records[lead["key"]] = record
        # tracking of the first stage move needs the creation flushed first
        self.env.cr.flush()
        self.leads = records
        self.ids["leads"] = {key: record.id for key, record in records.items()}
        self.stages = stages

    def plan_customer(self, lead):
        if not hasattr(self, "_customer_index"):
            self._customer_index = {c["key"]: c for c in self.plan["customers"]}
        return self._customer_index[lead["customer"]]

    def make_first_activities(self):
        """The first call or meeting of each lead, done: the message Odoo posts when
        an activity is marked done (subtype *Activities*, with its activity type)."""
        types = {key: self.ref(xmlid) for key, xmlid in ACTIVITY_XMLIDS.items()}
        subtype = self.ref("mail.mt_activities").id
        rows = []
        for lead in self.plan["leads"]:
            kind = types[lead["activity"]["type"]]
            user = self.users[lead["user"]]
            rows.append(
                (
                    self.leads[lead["key"]].id,
                    "notification",
                    subtype,
                    user.partner_id.id,
                    user.email,
                    None,
                    f"<p>{kind.name} hecha: primer contacto con el cliente.</p>",
                    lead["activity"]["date"],
                    kind.id,
                    self.company.id,
                )
            )
        _insert_messages(self.env, rows)

    def move_stages(self):
        """Stage moves written as each salesperson (tracked), then won and lost."""
        plan_leads = self.plan["leads"]
        depth = max(len(lead["steps"]) for lead in plan_leads)
        for step in range(depth):
            groups = defaultdict(list)
            for lead in plan_leads:
                if len(lead["steps"]) > step:
                    groups[(lead["user"], lead["steps"][step][0])].append(lead["key"])
            for (user_key, stage_key), keys in groups.items():
                leads = self.env["crm.lead"].union(*(self.leads[k] for k in keys))
                leads.with_user(self.users[user_key]).with_context(**TRACKED).write(
                    {"stage_id": self.stages[stage_key].id}
                )
            # tracking is written at flush: one tracked move per lead and flush
            self.env.cr.flush()
        lost = defaultdict(list)
        for lead in plan_leads:
            if lead["outcome"] == "lost":
                lost[(lead["user"], lead["lost_reason"])].append(lead["key"])
        for (user_key, reason), keys in lost.items():
            leads = self.env["crm.lead"].union(*(self.leads[k] for k in keys))
            leads.with_user(self.users[user_key]).with_context(
                **TRACKED
            ).action_set_lost(lost_reason_id=self.ref(f"crm.{reason}").id)
        self.env.cr.flush()

    def make_next_activities(self):
        today = self.plan["today"]
        model_id = self.env["ir.model"]._get_id("crm.lead")
        call = self.ref(ACTIVITY_XMLIDS["call"])
        values, open_ids = [], []
        for index, lead in enumerate(self.plan["leads"]):
            if lead["outcome"] != "open":
                continue
            open_ids.append(self.leads[lead["key"]].id)
            if len(open_ids) % NO_NEXT_ACTIVITY == 0:
                continue  # nobody planned the next step: what follow-ups catch
            values.append(
                {
                    "res_model_id": model_id,
                    "res_id": self.leads[lead["key"]].id,
                    "activity_type_id": call.id,
                    "user_id": self.users[lead["user"]].id,
                    "date_deadline": today + datetime.timedelta(days=1 + index % 9),
                    "summary": "Seguimiento del presupuesto",
                }
            )
        # no "you have been assigned" e-mail for each planned activity
        self.env["mail.activity"].with_context(
            mail_activity_quick_update=True, mail_notify_author=False
        ).create(values)
        # open opportunities expect to close within the next three months (Odoo's
        # prorated revenue forecast, shown beside the AI's, reads these dates)
        closings = [
            today + datetime.timedelta(days=10 + (index * 37) % 80)
            for index in range(len(open_ids))
        ]
        self.env["crm.lead"].flush_model(["date_deadline"])
        _update_dates(self.env, "crm_lead", "date_deadline", open_ids, closings)
        self.env["crm.lead"].invalidate_model(["date_deadline"])

    def make_emails(self):
        comment = self.ref("mail.mt_comment").id
        rows = []
        for lead in self.plan["leads"]:
            __, contact = self.customers[lead["customer"]]
            user_partner = self.users[lead["user"]].partner_id
            for direction, when in lead["emails"]:
                incoming = direction == "in"
                author = contact if incoming else user_partner
                rows.append(
                    (
                        self.leads[lead["key"]].id,
                        "email",
                        comment,
                        author.id,
                        author.email,
                        f"Re: {lead['name']}",
                        "<p>Gracias, lo revisamos con el equipo.</p>"
                        if incoming
                        else "<p>Le adjunto la propuesta revisada.</p>",
                        when,
                        None,
                        self.company.id,
                    )
                )
        _insert_messages(self.env, rows)

    def make_visits(self):
        if (
            "website.visitor" not in self.env
            or "visitor_ids" not in self.env["crm.lead"]._fields
        ):
            return
        seed = self.plan["seed"]
        langs = (LANG, "en_US")
        website = (
            self.quiet_env()["website"].create(
                {
                    "name": "Muebles Ejemplo",
                    "company_id": self.company.id,
                    "crm_default_team_id": next(iter(self.teams.values())).id,
                    "default_lang_id": self.env["res.lang"]._lang_get(LANG).id,
                    "language_ids": [
                        (
                            6,
                            0,
                            [
                                lang.id
                                for lang in map(self.env["res.lang"]._lang_get, langs)
                                if lang
                            ],
                        )
                    ],
                }
            )
            if "website" in self.env
            else None
        )
        visitors, tracks = [], []
        for lead in self.plan["leads"]:
            token = hashlib.md5(  # noqa: S324 - not security, a stable visitor token
                f"{self.company.id}-{seed}-{lead['key']}".encode()
            ).hexdigest()
            visitors.append(
                {
                    "access_token": token,
                    "website_id": website and website.id,
                    "lead_ids": [(6, 0, [self.leads[lead["key"]].id])],
                    "lang_id": self.env["res.lang"]._lang_get(LANG).id,
                    "country_id": self.ref("base.es").id,
                    "visit_count": len(lead["visits"]),
                    "last_connection_datetime": max(v[1] for v in lead["visits"]),
                }
            )
        created = self.env["website.visitor"].sudo().create(visitors)
        for lead, visitor in zip(self.plan["leads"], created, strict=True):
            for url, when in lead["visits"]:
                tracks.append(
                    {"visitor_id": visitor.id, "url": url, "visit_datetime": when}
                )
        self.env["website.track"].sudo().create(tracks)
        _update_dates(
            self.env,
            "website_visitor",
            "create_date",
            created.ids,
            [min(v[1] for v in lead["visits"]) for lead in self.plan["leads"]],
        )

    def backdate_leads(self):
        """Lead, tracking and activity dates as the plan says."""
        env = self.env
        env.flush_all()
        plan = self.plan["leads"]
        ids = [self.leads[lead["key"]].id for lead in plan]
        created = [lead["created"] for lead in plan]
        last_move = [
            lead["steps"][-1][1] if lead["steps"] else lead["created"] for lead in plan
        ]
        for column, values in (
            ("create_date", created),
            ("date_open", created),
            ("date_conversion", created),
            ("date_last_stage_update", last_move),
            ("write_date", last_move),
        ):
            _update_dates(env, "crm_lead", column, ids, values)
        closed = [
            (self.leads[lead["key"]].id, lead["closed"])
            for lead in plan
            if lead["closed"]
        ]
        _update_dates(
            env,
            "crm_lead",
            "date_closed",
            [c[0] for c in closed],
            [c[1] for c in closed],
        )
        # every message of the lead first at its creation, then each kind at its date
        env.cr.execute(
            SQL(
                "UPDATE mail_message m SET date = l.create_date FROM crm_lead l"
                " WHERE m.model = 'crm.lead' AND m.res_id = l.id AND l.id = ANY(%s)"
                " AND m.message_type != 'email' AND m.mail_activity_type_id IS NULL",
                ids,
            )
        )
        stage_field = env["ir.model.fields"]._get("crm.lead", "stage_id").id
        lead_ids, stage_ids, dates = [], [], []
        for lead in plan:
            for stage_key, when in lead["steps"]:
                lead_ids.append(self.leads[lead["key"]].id)
                stage_ids.append(self.stages[stage_key].id)
                dates.append(when)
        env.cr.execute(
            SQL(
                """
                UPDATE mail_message m SET date = v.d
                  FROM mail_tracking_value t,
                       unnest(%s::int[], %s::int[], %s::timestamp[])
                       AS v(lead, stage, d)
                 WHERE t.mail_message_id = m.id AND t.field_id = %s
                   AND m.model = 'crm.lead' AND m.res_id = v.lead
                   AND t.new_value_integer = v.stage
                """,
                lead_ids,
                stage_ids,
                dates,
                stage_field,
            )
        )
        lost_fields = [
            env["ir.model.fields"]._get("crm.lead", name).id
            for name in ("active", "lost_reason_id")
        ]
        lost = [lead for lead in plan if lead["outcome"] == "lost"]
        env.cr.execute(
            SQL(
                """
                UPDATE mail_message m SET date = v.d
                  FROM unnest(%s::int[], %s::timestamp[]) AS v(lead, d)
                 WHERE m.model = 'crm.lead' AND m.res_id = v.lead
                   AND EXISTS (SELECT 1 FROM mail_tracking_value t
                                WHERE t.mail_message_id = m.id AND t.field_id = ANY(%s))
                """,
                [self.leads[lead["key"]].id for lead in lost],
                [lead["closed"] for lead in lost],
                lost_fields,
            )
        )
        # Odoo's time-in-stage badges read the tracking values' creation dates
        env.cr.execute(
            SQL(
                "UPDATE mail_tracking_value t SET create_date = m.date"
                " FROM mail_message m WHERE t.mail_message_id = m.id"
                " AND m.model = 'crm.lead' AND m.res_id = ANY(%s)",
                ids,
            )
        )
        env.cr.execute(
            SQL(
                "UPDATE mail_activity a SET create_date = l.create_date"
                " FROM crm_lead l WHERE a.res_model = 'crm.lead' AND a.res_id = l.id"
                " AND l.id = ANY(%s)",
                ids,
            )
        )
        env.invalidate_all()

    # ------------------------------------------------------------------ sales
    def make_orders(self):
        env = self.quiet_env()
        service = env["product.product"].create(
            {
                "name": "Proyecto de equipamiento de oficina",
                "type": "service",
                "company_id": self.company.id,
                "list_price": 1000.0,
            }
        )
        values, dates = [], []
        for lead in self.plan["leads"]:
            proposal = lead["steps"] and lead["steps"][-1][0] == "proposal"
            if lead["outcome"] != "won" and not (
                lead["outcome"] == "open" and proposal
            ):
                continue
            record = self.leads[lead["key"]]
            values.append(
                {
                    "partner_id": self.customers[lead["customer"]][0].id,
                    "opportunity_id": record.id,
                    "user_id": self.users[lead["user"]].id,
                    "team_id": self.user_team[lead["user"]].id,
                    "company_id": self.company.id,
                    "origin": record.name,
                    # history: won deals' orders confirmed, open deals' quotations sent
                    "state": "sale" if lead["outcome"] == "won" else "sent",
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": service.id,
                                "name": lead["name"],
                                "product_uom_qty": 1,
                                "price_unit": lead["revenue"],
                            },
                        )
                    ],
                }
            )
            dates.append(lead["closed"] or lead["steps"][-1][1])
        orders = env["sale.order"].with_context(mail_create_nolog=True).create(values)
        env.flush_all()
        _update_dates(self.env, "sale_order", "date_order", orders.ids, dates)
        _update_dates(self.env, "sale_order", "create_date", orders.ids, dates)
        self.env.invalidate_all()

    # ------------------------------------------------------------------ stock
    def make_products(self):
        env = self.quiet_env()
        buy = env.ref("purchase_stock.route_warehouse0_buy", raise_if_not_found=False)
        category = env["product.category"].search(
            [("name", "=", "Mobiliario de oficina")], limit=1
        ) or env["product.category"].create({"name": "Mobiliario de oficina"})
        templates = env["product.template"].create(
            [
                {
                    "name": p["name"],
                    "default_code": p["code"],
                    "type": "consu",
                    "is_storable": True,
                    "categ_id": category.id,
                    "list_price": p["price"],
                    "standard_price": p["cost"],
                    "company_id": self.company.id,
                    "purchase_ok": True,
                    "sale_ok": True,
                    "route_ids": [(6, 0, buy.ids)] if buy else [],
                    "seller_ids": [
                        (
                            0,
                            0,
                            {
                                "partner_id": self.vendors[p["vendor"]].id,
                                "delay": p["lead_days"],
                                "price": p["cost"],
                                "company_id": self.company.id,
                            },
                        )
                    ],
                }
                for p in self.plan["products"]
            ]
        )
        self.products = {
            p["key"]: t.product_variant_id
            for p, t in zip(self.plan["products"], templates, strict=True)
        }
        self.ids["products"] = {k: v.id for k, v in self.products.items()}
        self.warehouse = env["stock.warehouse"].search(
            [("company_id", "=", self.company.id)], limit=1
        )

    def make_stock_history(self):
        """Weekly deliveries to customers and receipts every eight weeks, done.

        The pickings are created through the ORM; their done moves and move lines are
        inserted with SQL (the ORM's per-line quant updates would take minutes) and
        the stock on hand is then set once per product through ``stock.quant``.
        """
        env = self.quiet_env()
        wh = self.warehouse
        stock = wh.lot_stock_id
        customers_loc = self.ref("stock.stock_location_customers")
        suppliers_loc = self.ref("stock.stock_location_suppliers")
        today = self.plan["today"]
        weeks = self.plan["weeks"]
        start = today - datetime.timedelta(days=7 * weeks)
        start -= datetime.timedelta(days=start.weekday())
        customers = [c[0] for c in self.customers.values()]
        pickings, moves = [], []
        out = (wh.out_type_id, stock, customers_loc)
        receipt = (wh.in_type_id, suppliers_loc, stock)

        def add(kind, partner, lines, when):
            picking_type, source, dest = kind
            pickings.append(
                {
                    "picking_type_id": picking_type.id,
                    "partner_id": partner.id,
                    "location_id": source.id,
                    "location_dest_id": dest.id,
                    "company_id": self.company.id,
                    "origin": "Histórico",
                }
            )
            moves.append((when, lines))

        for week in range(weeks):
            day = start + datetime.timedelta(days=7 * week + week % 5)
            when = datetime.datetime.combine(day, datetime.time(10, 0))
            lines = [
                (self.products[p["key"]], p["weekly"][week])
                for p in self.plan["products"]
                if p["weekly"][week] > 0
            ]
            for chunk in range(0, len(lines), 25):
                partner = customers[(week * 7 + chunk) % len(customers)]
                add(out, partner, lines[chunk : chunk + 25], when)
        block = 8
        for first in range(0, weeks, block):
            day = start + datetime.timedelta(days=7 * first)
            when = datetime.datetime.combine(day, datetime.time(8, 0))
            by_vendor = defaultdict(list)
            for p in self.plan["products"]:
                qty = sum(p["weekly"][first : first + block])
                if first == 0:
                    qty += p["on_hand"]
                if qty > 0:
                    by_vendor[p["vendor"]].append((self.products[p["key"]], qty))
            for vendor, lines in by_vendor.items():
                add(receipt, self.vendors[vendor], lines, when)
        created = env["stock.picking"].create(pickings)
        env.flush_all()
        rows = []
        for picking, (when, lines) in zip(created, moves, strict=True):
            for product, qty in lines:
                rows.append(
                    (
                        picking.id,
                        product.id,
                        product.uom_id.id,
                        float(qty),
                        when,
                        product.display_name,
                    )
                )
        columns = [list(column) for column in zip(*rows, strict=True)]
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO stock_move (name, product_id, product_uom, product_uom_qty,
                       product_qty, quantity, location_id, location_dest_id, company_id,
                       date, state, picked, procure_method, picking_id,
                       picking_type_id, partner_id, reference, origin, sequence,
                       scrapped, is_inventory, propagate_cancel, warehouse_id,
                       create_uid, write_uid, create_date, write_date)
                SELECT v.name, v.product_id, v.uom_id, v.qty, v.qty, v.qty,
                       p.location_id, p.location_dest_id, p.company_id, v.date, 'done',
                       TRUE, 'make_to_stock', p.id, p.picking_type_id, p.partner_id,
                       p.name, p.origin, 10, FALSE, FALSE, FALSE, %s, %s, %s, v.date,
                       v.date
                  FROM unnest(%s::int[], %s::int[], %s::int[], %s::numeric[],
                              %s::timestamp[], %s::varchar[])
                    AS v(picking_id, product_id, uom_id, qty, date, name)
                  JOIN stock_picking p ON p.id = v.picking_id;
                INSERT INTO stock_move_line (move_id, picking_id, product_id,
                       product_uom_id, quantity, quantity_product_uom, location_id,
                       location_dest_id, company_id, date, state, picked, reference,
                       create_uid, write_uid, create_date, write_date)
                SELECT m.id, m.picking_id, m.product_id, m.product_uom, m.quantity,
                       m.quantity, m.location_id, m.location_dest_id, m.company_id,
                       m.date, 'done', TRUE, m.reference, m.create_uid, m.write_uid,
                       m.date, m.date
                  FROM stock_move m WHERE m.picking_id = ANY(%s);
                UPDATE stock_picking p SET state = 'done', date_done = m.date,
                       scheduled_date = m.date, date_deadline = NULL,
                       create_date = m.date, write_date = m.date
                  FROM (SELECT picking_id, MIN(date) AS date FROM stock_move
                         WHERE picking_id = ANY(%s) GROUP BY picking_id) m
                 WHERE p.id = m.picking_id;
                """,
                wh.id,
                self.env.uid,
                self.env.uid,
                *columns,
                created.ids,
                created.ids,
            )
        )
        self.env.invalidate_all()
        Quant = self.env["stock.quant"].sudo()
        for p in self.plan["products"]:
            if p["on_hand"]:
                Quant._update_available_quantity(
                    self.products[p["key"]], stock, float(p["on_hand"])
                )

    def make_purchases(self):
        env = self.quiet_env()
        today = self.plan["today"]
        by_vendor = defaultdict(list)
        for p in self.plan["products"]:
            by_vendor[p["vendor"]].append(p)
        orders = env["purchase.order"].create(
            [
                {
                    "partner_id": self.vendors[vendor].id,
                    "company_id": self.company.id,
                    "picking_type_id": self.warehouse.in_type_id.id,
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": self.products[p["key"]].id,
                                "product_qty": p["incoming"][1],
                                "price_unit": p["cost"],
                                "date_planned": datetime.datetime.combine(
                                    today + datetime.timedelta(days=p["incoming"][0]),
                                    datetime.time(9, 0),
                                ),
                            },
                        )
                        for p in products
                    ],
                }
                for vendor, products in by_vendor.items()
            ]
        )
        orders.button_confirm()
        rules = env["stock.warehouse.orderpoint"].create(
            [
                {
                    "product_id": self.products[p["key"]].id,
                    "warehouse_id": self.warehouse.id,
                    "location_id": self.warehouse.lot_stock_id.id,
                    "product_min_qty": p["min_qty"],
                    "product_max_qty": p["max_qty"],
                    "company_id": self.company.id,
                    "trigger": "manual",
                }
                for p in self.plan["products"]
            ]
        )
        # The buyer's own rules: Odoo deletes manual rules that OdooBot created and
        # that have nothing to order (stock's _unlink_processed_orderpoints).
        rules.flush_recordset()
        self.env.cr.execute(
            SQL(
                "UPDATE stock_warehouse_orderpoint SET create_uid = %s "
                "WHERE id = ANY(%s)",
                self.ref("base.user_admin").id,
                rules.ids,
            )
        )
        rules.invalidate_recordset(["create_uid"])

    # ------------------------------------------------------------------ chat
    def make_faq(self):
        values = []
        for sequence, (intent, kind, q_es, a_es, q_en, a_en) in enumerate(
            self.plan["faq"]
        ):
            for lang, question, answer in (("es", q_es, a_es), ("en", q_en, a_en)):
                variants = self.plan["faq_variants"].get(intent, {}).get(lang, [])
                values.append(
                    {
                        "variant_ids": [(0, 0, {"name": v}) for v in variants],
                        "name": question,
                        "intent": intent,
                        "lang": lang,
                        "answer": answer,
                        "kind": kind,
                        "quick_reply": sequence < 3,
                        "sequence": sequence,
                        "company_id": self.company.id,
                    }
                )
        self.cenv["pyme.ai.chat.faq"].create(values)

    def make_followup_rules(self):
        """The default follow-up rules, for the demo company too (rules act on the
        leads of their own company)."""
        data = self.env["ir.model.data"].search(
            [
                ("module", "=like", "pyme_ai_crm_followup%"),
                ("model", "=", "pyme.ai.followup.rule"),
            ]
        )
        rules = self.env["pyme.ai.followup.rule"].browse(data.mapped("res_id")).exists()
        for rule in rules.filtered("active"):
            rule.copy(
                {
                    "company_id": self.company.id,
                    "run_as_user_id": self.env.ref("base.user_admin").id,
                }
            )

    # ------------------------------------------------------------------ all
    def run(self):
        steps = (
            self.make_company,
            self.make_users,
            self.make_partners,
            self.make_leads,
            self.make_first_activities,
            self.move_stages,
            self.make_next_activities,
            self.make_emails,
            self.make_visits,
            self.backdate_leads,
            self.make_orders,
            self.make_products,
            self.make_stock_history,
            self.make_purchases,
            self.make_faq,
            self.make_followup_rules,
        )
        for step in steps:
            started = time.monotonic()
            step()
            self.env.flush_all()
            self.timings[step.__name__] = round(time.monotonic() - started, 1)
            _logger.info("%s: %.1f s", step.__name__, self.timings[step.__name__])
        self.env.flush_all()
        return self


def load(env, scale=1.0, seed=SEED, company_name=COMPANY_NAME, today=None):
    """Create the demo company; return the loader (``company``, ``ids``, ``plan``,
    ``timings`` in seconds per step)."""
    started = time.monotonic()
    _ensure_spanish(env)
    plan = generate(scale=scale, seed=seed, today=today or fields.Date.today())
    loader = DemoLoader(env, plan, company_name).run()
    loader.seconds = round(time.monotonic() - started, 1)
    _logger.info(
        "Demo company %r loaded in %.1f s (%s leads, %s products): %s",
        company_name,
        loader.seconds,
        len(plan["leads"]),
        len(plan["products"]),
        loader.timings,
    )
    return loader
