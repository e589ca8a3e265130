# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pure-Python plan of the demo company "Muebles Ejemplo S.L." (no Odoo import).

:func:`generate` returns, from a fixed seed, two years of a Spanish office-furniture
SME as plain dicts: salespeople and teams, customers, opportunities with their stage
path, first activity, emails and website visits, products with weekly demand,
receipts, vendors and lead times, and the chat FAQ. The loader (``loader.py``) turns
the plan into Odoo records. The planted effects are listed in ``PLANTED`` and in the
readme; the tests of the addon recover them.
"""

import datetime
import json
import math
import os
import random

SEED = 20260101
#: Stage keys in pipeline order; "won" is the won stage.
STAGES = ("new", "qualified", "proposal", "won")
#: Median days spent in each stage before moving on (planted: the proposal stalls).
STAGE_MEDIAN_DAYS = {"new": 4.0, "qualified": 6.0, "proposal": 26.0}
#: A deal about to be lost stalls first: this many times its usual stay in the
#: stage it is lost in (planted: deals at risk learn that stalling precedes a loss).
LOST_STALL = 3.0

USERS = (
    # key, name, login, team key, wins with meetings
    ("lucia", "Lucía Martín", "lucia.martin", "madrid", True),
    ("javier", "Javier Ruiz", "javier.ruiz", "madrid", False),
    ("marta", "Marta Soler", "marta.soler", "barcelona", False),
    ("sergio", "Sergio Vidal", "sergio.vidal", "barcelona", False),
)
TEAMS = (
    ("madrid", "Equipo Centro (Madrid)"),
    ("barcelona", "Equipo Nordeste (Barcelona)"),
)
# key, name, share of leads, win-rate effect (log-odds)
SOURCES = (
    ("referral", "Recomendación de cliente", 0.14, 1.5),
    ("fair", "Feria Hábitat Valencia", 0.12, 0.2),
    ("web", "Formulario web", 0.30, 0.0),
    ("ads", "Google Ads", 0.24, -0.2),
    ("list", "Base de datos comprada", 0.20, -1.4),
)
LOST_REASONS = ("lost_reason_1", "lost_reason_2", "lost_reason_3")

PLANTED = {
    "best_source": "referral",
    "worst_source": "list",
    "stalling_stage": "proposal",
    "meeting_salesperson": "lucia",
}

CITIES = (
    ("Madrid", "28001"),
    ("Barcelona", "08001"),
    ("Valencia", "46001"),
    ("Sevilla", "41001"),
    ("Zaragoza", "50001"),
    ("Bilbao", "48001"),
    ("Málaga", "29001"),
    ("Valladolid", "47001"),
)
COMPANY_WORDS = (
    ("Asesoría", "Gestoría", "Clínica", "Estudio", "Consultora", "Despacho"),
    ("Norte", "Levante", "Central", "Ibérica", "del Sur", "Atlántica", "Mediterránea"),
    ("S.L.", "S.A.", "y Asociados", "Cooperativa"),
)
FIRST_NAMES = tuple(
    "Ana Carlos Elena Pablo Laura Miguel Sara David Carmen Jorge Paula Raúl".split()
)
LAST_NAMES = tuple(
    "García López Fernández Sánchez Pérez Gómez Díaz Moreno Romero Navarro".split()
)
DEAL_WORDS = (
    "Equipamiento de oficina",
    "Renovación de sillas",
    "Sala de reuniones",
    "Puestos de trabajo",
    "Mobiliario de recepción",
    "Archivo y almacenaje",
    "Mesas elevables",
)
#: Pages of the company's website; the "pricing" ones count as pricing visits.
PAGES = ("/", "/catalogo", "/contacto", "/sillas", "/mesas")
PRICING_PAGES = ("/precios", "/tarifas-2026")

# Product families: name, base price, demand pattern, count
#: Intermittent products kept at a small scale: the demand engine judges a class
#: among its own items only from 10 of them (its class prior), as a pyme with a
#: catalogue of spare or made-to-order items would have.
MIN_CLASS_ITEMS = 12
FAMILIES = (
    ("Silla ergonómica", 189.0, "regular", 14),
    ("Mesa de oficina", 329.0, "regular", 12),
    ("Cajonera con ruedas", 119.0, "regular", 10),
    ("Mesa elevable eléctrica", 549.0, "trending", 10),
    ("Cabina acústica", 2450.0, "trending", 6),
    ("Ventilador de pie", 59.0, "seasonal", 7),
    ("Calefactor de oficina", 69.0, "seasonal", 7),
    ("Panel separador", 149.0, "intermittent", 12),
    ("Sillón de dirección", 689.0, "intermittent", 10),
    ("Mesa de reuniones", 1290.0, "lumpy", 8),
    ("Armario archivador", 259.0, "lumpy", 8),
    ("Lámpara de escritorio", 39.0, "regular", 6),
)
VARIANTS = tuple(
    "Negro Blanco Gris Roble Haya Azul Rojo Verde Nogal Grafito Arena Antracita "
    "Plata Cerezo".split()
)
VENDORS = (
    ("Fabricados Levante S.A.", 10),
    ("Sillerías del Norte S.L.", 14),
    ("Metálicas Aragón S.L.", 21),
    ("Acústica Modular Europa S.L.", 40),
)
#: The chat FAQ (intent, kind, Spanish question and answer, English question and
#: answer) and other ways of asking each question (three per intent are needed).
with open(
    os.path.join(os.path.dirname(__file__), "data", "faq.json"), encoding="utf-8"
) as f:
    _FAQ_DATA = json.load(f)
FAQ = tuple(tuple(row) for row in _FAQ_DATA["faq"])
FAQ_VARIANTS = _FAQ_DATA["variants"]


def _lognormal_days(rng, median, sigma=0.45):
    return median * math.exp(rng.gauss(0.0, sigma))


def _moment(day, rng):
    """A working-hours datetime (UTC) on ``day`` (a date)."""
    return datetime.datetime.combine(day, datetime.time(7 + rng.randrange(9), 0)) + (
        datetime.timedelta(minutes=rng.randrange(60))
    )


def _users():
    return [
        {"key": k, "name": n, "login": login, "team": t, "meetings_win": m}
        for k, n, login, t, m in USERS
    ]


def _customers(rng, count):
    customers, seen = [], set()
    while len(customers) < count:
        a, b, c = (rng.choice(words) for words in COMPANY_WORDS)
        name = f"{a} {rng.choice(LAST_NAMES)} {b} {c}"
        if name in seen:
            continue
        seen.add(name)
        city, zip_code = rng.choice(CITIES)
        contact = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        slug = "".join(ch for ch in name.lower() if ch.isalnum())[:18]
        customers.append(
            {
                "key": f"c{len(customers)}",
                "name": name,
                "contact": contact,
                "email": f"{contact.split()[0].lower()}@{slug}.es".replace("á", "a")
                .replace("é", "e")
                .replace("í", "i")
                .replace("ó", "o")
                .replace("ú", "u"),
                "phone": f"+34 9{rng.randrange(10, 99)} {rng.randrange(100, 999)} "
                f"{rng.randrange(100, 999)}",
                "city": city,
                "zip": zip_code,
            }
        )
    return customers


def _pick_source(rng):
    roll, acc = rng.random(), 0.0
    for key, _name, share, _effect in SOURCES:
        acc += share
        if roll <= acc:
            return key
    return SOURCES[-1][0]


def _lead(
    rng, index, today, horizon, users, customers, stuck=False, recent=False, probe=None
):
    effects = {key: effect for key, _n, _s, effect in SOURCES}
    user = rng.choice(users)
    source = _pick_source(rng)
    customer = rng.choice(customers)
    meeting = rng.random() < 0.4
    pricing = rng.random() < (0.55 if source in ("referral", "fair") else 0.3)
    replies = rng.random() < 0.6
    if probe:
        # planted open leads: everything that wins, or everything that loses
        good = probe == "good"
        user = users[0] if good else users[1 + index % (len(users) - 1)]
        source = "referral" if good else "list"
        meeting = pricing = replies = good
        recent = True
    logit = -1.25 + effects[source] + rng.gauss(0.0, 0.8)
    logit += 0.6 if pricing else 0.0
    logit += 0.5 if replies else -0.3
    if meeting and user["meetings_win"]:
        logit += 1.6
    won = rng.random() < 1.0 / (1.0 + math.exp(-logit))
    low, high = (1, 45) if recent else (25, horizon)
    created = _moment(today - datetime.timedelta(days=rng.uniform(low, high)), rng)
    revenue = round(rng.lognormvariate(math.log(6000), 0.7), -1)
    # stage path with the time spent in each stage
    steps, when = [], created
    lost_at = (
        rng.choice(("new", "qualified", "proposal", "proposal")) if not won else None
    )
    for stage in STAGES[:-1]:
        days = _lognormal_days(rng, STAGE_MEDIAN_DAYS[stage])
        if stage == lost_at:
            days *= LOST_STALL
        when = when + datetime.timedelta(days=days)
        if stage == lost_at:
            break
        steps.append((STAGES[STAGES.index(stage) + 1], when))
    closed = when
    outcome = "won" if won else "lost"
    if stuck:
        # open deal in the proposal stage for far longer than usual
        created = _moment(today - datetime.timedelta(days=rng.uniform(120, 160)), rng)
        entered = _moment(today - datetime.timedelta(days=rng.uniform(85, 110)), rng)
        steps = [
            ("qualified", created + datetime.timedelta(days=3)),
            ("proposal", entered),
        ]
        outcome, closed = "open", None
    elif probe:
        created = _moment(today - datetime.timedelta(days=rng.uniform(4, 9)), rng)
        steps = [("qualified", created + datetime.timedelta(days=2))]
        outcome, closed = "open", None
    elif closed >= datetime.datetime.combine(today, datetime.time(0)):
        # still running today: keep the stages already reached, open
        steps = [step for step in steps if step[1] < closed and step[0] != "won"]
        steps = [
            s for s in steps if s[1] < datetime.datetime.combine(today, datetime.time())
        ]
        outcome, closed = "open", None
    first_day = created + datetime.timedelta(days=rng.uniform(0.1, 2.5))
    activity = {"type": "meeting" if meeting else "call", "date": first_day}
    emails = []
    end = closed or datetime.datetime.combine(today, datetime.time(8))
    span = max((end - created).total_seconds() / 86400.0, 1.0)
    n_in = rng.randrange(2, 5) if replies else rng.randrange(0, 2)
    n_out = rng.randrange(1, 4)
    for direction, count in (("in", n_in), ("out", n_out)):
        for _i in range(count):
            emails.append(
                (
                    direction,
                    created + datetime.timedelta(days=rng.uniform(0.2, span * 0.9)),
                )
            )
    visits = []
    for _i in range(rng.randrange(1, 5)):
        visits.append(
            (rng.choice(PAGES), created - datetime.timedelta(days=rng.uniform(0, 10)))
        )
    if pricing:
        for _i in range(rng.randrange(1, 4)):
            visits.append(
                (
                    rng.choice(PRICING_PAGES),
                    created + datetime.timedelta(days=rng.uniform(0, span * 0.8)),
                )
            )
    good = probe == "good" or (
        not probe and source == "referral" and pricing and replies
    )
    poor = probe == "poor" or (
        not probe and source == "list" and not pricing and not replies
    )
    return {
        "key": f"l{index}",
        "name": f"{rng.choice(DEAL_WORDS)} - {customer['name']}",
        "customer": customer["key"],
        "user": user["key"],
        "source": source,
        "created": created,
        "steps": steps,
        "outcome": outcome,
        "closed": closed,
        "lost_reason": rng.choice(LOST_REASONS) if outcome == "lost" else None,
        "revenue": revenue,
        "probability": 10.0,
        "activity": activity,
        "emails": emails,
        "visits": visits,
        "planted": "stuck" if stuck else ("good" if good else ("poor" if poor else "")),
    }


def _weekly(rng, pattern, weeks):
    """Weekly demand quantities of one product over ``weeks`` weeks."""
    out = []
    if pattern == "regular":
        mu = rng.uniform(6, 25)
        out = [max(0, round(rng.gauss(mu, mu * 0.25))) for _w in range(weeks)]
    elif pattern == "trending":
        start, end = rng.uniform(2, 5), rng.uniform(14, 30)
        for w in range(weeks):
            mu = start + (end - start) * w / max(weeks - 1, 1)
            out.append(max(0, round(rng.gauss(mu, mu * 0.2))))
    elif pattern == "seasonal":
        mu, peak = rng.uniform(8, 18), rng.choice((28, 2))  # summer / winter peak
        for w in range(weeks):
            phase = 2 * math.pi * ((w % 52) - peak) / 52.0
            level = mu * max(0.1, 1 + 0.9 * math.cos(phase))
            out.append(max(0, round(rng.gauss(level, level * 0.2))))
    elif pattern == "intermittent":
        size = rng.choice((2, 3, 4))
        for _w in range(weeks):
            out.append(size + rng.choice((0, 0, 0, 1)) if rng.random() < 0.25 else 0)
    else:  # lumpy
        for _w in range(weeks):
            if rng.random() < 0.22:
                out.append(max(1, round(rng.lognormvariate(math.log(8), 1.0))))
            else:
                out.append(0)
    return out


def _products(rng, weeks, stockouts):
    products, index = [], 0
    candidates = []
    for family, price, pattern, count in FAMILIES:
        for variant in VARIANTS[:count]:
            index += 1
            weekly = _weekly(rng, pattern, weeks)
            products.append(
                {
                    "key": f"p{index}",
                    "code": f"ME-{index:04d}",
                    "name": f"{family} {variant}",
                    "pattern": pattern,
                    "price": round(price * rng.uniform(0.9, 1.2), 2),
                    "weekly": weekly,
                    "vendor": 3 if family == "Cabina acústica" else index % 3,
                    "planted_stockout": False,
                }
            )
            if pattern in ("regular", "trending"):
                candidates.append(len(products) - 1)
    planted = set(rng.sample(candidates, min(stockouts, len(candidates))))
    for i, product in enumerate(products):
        product["cost"] = round(product["price"] * 0.55, 2)
        recent = product["weekly"][-8:]
        week_demand = max(sum(recent) / len(recent), 0.5)
        if i in planted:
            product["planted_stockout"] = True
            product["lead_days"] = 35
            product["on_hand"] = round(week_demand * 1.0)
            product["incoming"] = (30, round(week_demand * 8))
        else:
            product["lead_days"] = VENDORS[product["vendor"]][1]
            product["on_hand"] = round(week_demand * rng.uniform(7, 10)) + 2
            product["incoming"] = (rng.randrange(5, 12), round(week_demand * 4) + 1)
        product["min_qty"] = math.ceil(week_demand * (product["lead_days"] / 7 + 1))
        product["max_qty"] = product["min_qty"] + math.ceil(week_demand * 4)
    return products


def generate(scale=1.0, seed=SEED, today=None, horizon_days=730):
    """The demo plan. ``scale`` 1.0 gives ~1,500 opportunities and 110 products;
    the tests use a smaller scale (fewer leads and products, same effects)."""
    rng = random.Random(seed)
    today = today or datetime.date.today()
    users = _users()
    customers = _customers(rng, max(int(420 * scale), 40))
    n_leads = max(int(1400 * scale), 120)
    n_stuck = 8 if scale >= 0.5 else 4
    leads = [
        _lead(rng, i, today, horizon_days, users, customers) for i in range(n_leads)
    ]
    n_recent = max(int(110 * scale), 20)
    leads += [
        _lead(rng, n_leads + i, today, horizon_days, users, customers, recent=True)
        for i in range(n_recent)
    ]
    leads += [
        _lead(rng, n_leads + n_recent + i, today, horizon_days, users, customers, True)
        for i in range(n_stuck)
    ]
    n_probe = 10 if scale >= 0.5 else 6
    start = len(leads)
    leads += [
        _lead(
            rng,
            start + i,
            today,
            horizon_days,
            users,
            customers,
            probe="good" if i % 2 == 0 else "poor",
        )
        for i in range(2 * n_probe)
    ]
    weeks = horizon_days // 7
    products = _products(rng, weeks, 6 if scale >= 0.5 else 3)
    if scale < 0.5:
        # keep every pattern, fewer products of each
        by_pattern = {}
        for product in products:
            by_pattern.setdefault(product["pattern"], []).append(product)
        keep = max(int(len(products) * scale / 5), 2)
        products = [
            p
            for pattern, group in by_pattern.items()
            for p in (
                [q for q in group if q["planted_stockout"]]
                + [q for q in group if not q["planted_stockout"]]
            )[: max(keep, MIN_CLASS_ITEMS) if pattern == "intermittent" else keep]
        ]
    return {
        "seed": seed,
        "today": today,
        "weeks": weeks,
        "users": users,
        "teams": [{"key": k, "name": n} for k, n in TEAMS],
        "sources": [{"key": k, "name": n} for k, n, _s, _e in SOURCES],
        "customers": customers,
        "leads": leads,
        "products": products,
        "vendors": [{"name": n, "delay": d} for n, d in VENDORS],
        "faq": FAQ,
        "faq_variants": FAQ_VARIANTS,
        "planted": PLANTED,
    }
