#!/usr/bin/env python3
# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Lead scoring at scale in a real Odoo 18: ours against Odoo's predictive lead scoring.

Run with Odoo's Python (it imports odoo), naming the odoo-bin script and the Odoo
configuration file (or set ODOO_BIN and ODOO_RC), e.g.::

    <odoo venv>/bin/python bench/odoo_scale.py --odoo-bin <src>/odoo-bin \\
        --config <odoo.conf> --db bench_scale --open 100000 --closed 20000 --pairs 3

It builds the database when it does not exist (crm + pyme_ai_crm, no demo data),
inserts N open and M closed leads with SQL (sources, countries, teams, stages, emails,
phones, revenues; won leads favour some sources and larger revenues), trains our model
once, then runs alternating pairs on the same database, each run in its own process:

- A: our full rescoring after a new model, as the cron runner does it (the model's
  cursor reset, ``_cron_ai_apply`` called and committed until nothing is left). Before
  each A the scores and the score history are cleared (outside the timing), as before
  the first model, so that every lead's score and a history row are written: the worst
  case, the same at every run (the history does not grow by a row per lead and run);
- B: Odoo's own cron ``crm.lead._cron_update_automated_probabilities`` (frequency table
  rebuilt, every open lead's probability recomputed and written).

Both start from a vacuumed table after a checkpoint. It prints wall time, CPU of the
Odoo process and of its PostgreSQL backend, peak RSS of the process, cost per lead and
the A/B ratios; then the "warm" rescoring (same model again: nothing changed, nothing
written), the incremental path (1,000 leads edited through the ORM, then scored by the
cron) and training time.

It is a benchmark, not a test: the figures depend on the machine.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from unittest.mock import patch

# set from --odoo-bin/--config (or ODOO_BIN/ODOO_RC) in main()
ODOO_BIN = CONFIG = None


def fail(message):
    print(f"odoo_scale: {message}", file=sys.stderr)
    sys.exit(2)


def db_exists(name):
    out = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-Atc",
            "SELECT datname FROM pg_database",
            "postgres",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode:
        fail(f"cannot reach PostgreSQL: {out.stderr.strip()}")
    return name in out.stdout.split()


def lead_counts(db):
    """(open, closed) leads in ``db``."""
    out = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-Atc",
            "SELECT COUNT(*) FILTER (WHERE active AND probability < 100), "
            "COUNT(*) FILTER (WHERE probability = 100 OR NOT active) FROM crm_lead",
            db,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return [int(x) for x in out.stdout.strip().split("|")]


# ---------------------------------------------------------------- inside Odoo
def odoo_env(db):
    src = os.path.dirname(os.path.abspath(ODOO_BIN))
    if src not in sys.path:
        sys.path.insert(0, src)
    try:
        import odoo
        from odoo.tools import config
    except ImportError:
        fail("run this with Odoo's Python (the interpreter of Odoo's virtualenv)")
    config.parse_config(["-c", CONFIG, "-d", db, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(db)
    return odoo, registry


def populate(cr, n_open, n_closed, seed=7):
    """Insert the leads with SQL (minutes otherwise)."""
    cr.execute("SELECT setseed(%s)", (seed / 100.0,))
    cr.execute("SELECT id FROM res_company ORDER BY id LIMIT 1")
    company_id = cr.fetchone()[0]
    stage_ids = {}
    for sequence, (name, is_won) in enumerate(
        [("New", False), ("Qualified", False), ("Proposition", False), ("Won", True)]
    ):
        cr.execute(
            "INSERT INTO crm_stage (name, sequence, is_won, fold, create_uid, "
            "write_uid, create_date, write_date) VALUES (%s, %s, %s, FALSE, 1, 1, "
            "now(), now()) RETURNING id",
            (json.dumps({"en_US": f"Bench {name}"}), sequence + 1, is_won),
        )
        stage_ids[name] = cr.fetchone()[0]
    won_stage = stage_ids.pop("Won")
    stages = list(stage_ids.values())
    cr.execute("SELECT id FROM crm_team ORDER BY id")
    teams = [r[0] for r in cr.fetchall()]
    sources = []
    for name in ("Web", "Referral", "Fair", "Cold call", "Newsletter", "Partner"):
        cr.execute(
            "INSERT INTO utm_source (name, create_uid, write_uid, create_date, "
            "write_date) VALUES (%s, 1, 1, now(), now()) RETURNING id",
            (f"Bench {name}",),
        )
        sources.append(cr.fetchone()[0])
    cr.execute(
        "SELECT id FROM res_country WHERE code IN ('ES','FR','DE','PT','IT','MX') "
        "ORDER BY id"
    )
    countries = [r[0] for r in cr.fetchall()]
    cr.execute(
        "SELECT id FROM res_users WHERE share IS NOT TRUE AND active ORDER BY id"
    )
    users = [r[0] for r in cr.fetchall()]
    common = """
        INSERT INTO crm_lead (name, type, active, probability, automated_probability,
               stage_id, team_id, source_id, country_id, user_id, company_id,
               email_from, email_state, phone, phone_state, expected_revenue,
               create_date, write_date, date_last_stage_update, date_open, date_closed,
               create_uid, write_uid, ai_needs_scoring, priority, color)
        SELECT 'Bench lead ' || g, 'opportunity', %(active)s, s.prob, s.prob,
               STAGE, (%(teams)s::int[])[1 + g %% %(nteams)s],
               s.src, (%(countries)s::int[])[1 + (g / 7) %% %(ncountries)s],
               (%(users)s::int[])[1 + (g / 3) %% %(nusers)s], %(company)s,
               'buyer' || g
               || CASE WHEN g %% 3 = 0 THEN '@gmail.com' ELSE '@acme.es' END,
               CASE WHEN g %% 11 = 0 THEN 'incorrect' ELSE 'correct' END,
               '+34 6' || lpad((g %% 100000000)::text, 8, '0'),
               CASE WHEN g %% 13 = 0 THEN 'incorrect' ELSE 'correct' END,
               s.rev, d.created, d.created, d.created, d.created, %(closed)s,
               1, 1, FALSE, '0', 0
          FROM generate_series(1, %(n)s) g
          CROSS JOIN LATERAL (
               SELECT (%(sources)s::int[])[1 + floor(random() * 6 + g * 0)::int] AS src,
                      round((random() * 9000 + 100 + g * 0)::numeric, 2) AS rev,
                      PROB AS prob) s
          CROSS JOIN LATERAL (
               SELECT now() at time zone 'utc'
                      - (random() * 700 + 1 + g * 0) * interval '1 day' AS created) d
    """

    def insert(n, active, prob, stage, closed):
        sql = (
            common.replace("%(closed)s", closed)
            .replace("STAGE", stage)
            .replace("PROB", prob)
        )
        cr.execute(
            sql,
            {
                "active": active,
                "teams": teams,
                "nteams": len(teams),
                "countries": countries,
                "ncountries": len(countries),
                "users": users,
                "nusers": len(users),
                "company": company_id,
                "sources": sources,
                "n": n,
            },
        )

    # open leads: spread over the open stages
    stage_sql = f"(ARRAY{stages})[1 + g %% {len(stages)}]"
    insert(
        n_open,
        True,
        "round((10 + random() * 80 + g * 0)::numeric, 2)",
        stage_sql,
        "NULL",
    )
    # closed leads: won more often from the first sources and with larger revenue
    insert(n_closed, True, "100", str(won_stage), "d.created + interval '20 days'")
    cr.execute(
        """
        UPDATE crm_lead SET active = FALSE, probability = 0, automated_probability = 0,
               stage_id = %s
         WHERE probability = 100 AND random() >
               (CASE WHEN source_id = ANY(%s) THEN 0.6 ELSE 0.2 END
                + expected_revenue / 30000.0)
        """,
        (stages[-1], sources[:2]),
    )
    cr.execute(
        "INSERT INTO ir_config_parameter (key, value, create_uid, write_uid, "
        "create_date, write_date) VALUES ('crm.pls_start_date', '2000-01-01', 1, 1, "
        "now(), now()) ON CONFLICT (key) DO UPDATE SET value = '2000-01-01'"
    )


def backend_cpu(cr):
    """CPU seconds of this cursor's PostgreSQL backend (same machine only)."""
    cr.execute("SELECT pg_backend_pid()")
    pid = cr.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as handle:
            parts = handle.read().rsplit(")", 1)[1].split()
        return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return float("nan")


def lead_updates(cr):
    """(row updates, of which HOT) of crm_lead so far, this backend's included."""
    cr.execute("SELECT pg_stat_force_next_flush()")
    cr.commit()
    time.sleep(0.5)  # flushed once the backend is idle
    cr.execute("SELECT pg_stat_clear_snapshot()")
    cr.execute(
        "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables "
        "WHERE relname = 'crm_lead'"
    )
    return cr.fetchone()


def record_progress(progress):
    """An ``ir.cron._notify_progress`` keeping what it is told in ``progress``."""

    def notify(self, *, done, remaining, deactivate=False):
        progress.update(done=done, remaining=remaining)

    return notify


def own_cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def vacuum(db):
    """Vacuum, then checkpoint: each run starts with no dead rows and no dirty pages
    of an earlier step (A's clearing of the scores wrote the whole table)."""
    for sql in ("VACUUM ANALYZE crm_lead", "CHECKPOINT"):
        subprocess.run(["psql", "-h", "127.0.0.1", "-qc", sql, db], check=True)


def child(args):
    """One measured run in this process; prints one JSON line."""
    odoo, registry = odoo_env(args.db)
    api = odoo.api
    out = {}
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        scoring = env["pyme.ai.lead.scoring"]
        company = env["res.company"].search([], limit=1, order="id")
        ai_model = env["pyme.ai.model"]._get_active("lead_scoring", company)
        if args.child == "train":
            started, cpu, db_cpu = time.monotonic(), own_cpu(), backend_cpu(cr)
            run = scoring.with_company(company)._ai_train()
            cr.commit()
            out = {"state": run.state, "message": run.message or ""}
            model = run.model_id
            out["rows"] = model.train_rows
            out["sampling"] = (model.report or {}).get("sampling")
            out["auc"] = (model.metrics or {}).get("auc")
        elif args.child in ("A", "warm"):
            if not ai_model:
                fail("no active lead scoring model: run the build step first")
            if args.child == "A":
                # as before the first model: every score written (worst case)
                cr.execute(
                    "UPDATE crm_lead SET ai_score = NULL, ai_tier = NULL "
                    "WHERE ai_score IS NOT NULL; TRUNCATE pyme_ai_lead_score"
                )
            ai_model.write({"lead_rescore_after_id": 0, "lead_rescore_stripe": 0})
            cr.commit()
            if args.child == "A":
                vacuum(args.db)
            updates = lead_updates(cr)
            started, cpu, db_cpu = time.monotonic(), own_cpu(), backend_cpu(cr)
            calls, progress = 0, {}
            # as Odoo's cron runner: call again, committing, while some remain
            with patch.object(
                type(env["ir.cron"]), "_notify_progress", record_progress(progress)
            ):
                while not calls or progress["remaining"]:
                    scoring._cron_ai_apply()
                    cr.commit()
                    calls += 1
                    if progress["remaining"] and not progress["done"]:
                        fail("scoring makes no progress (model refused? --train-only)")
            out["calls"] = calls
        elif args.child == "B":
            vacuum(args.db)
            updates = lead_updates(cr)
            started, cpu, db_cpu = time.monotonic(), own_cpu(), backend_cpu(cr)
            env["crm.lead"]._cron_update_automated_probabilities()
            cr.commit()
        elif args.child == "edit":
            cr.execute(
                "SELECT id FROM crm_lead WHERE active AND probability < 100 "
                "ORDER BY id DESC LIMIT %s",
                (args.edit,),
            )
            leads = env["crm.lead"].browse([r[0] for r in cr.fetchall()])
            revenue = {lead.id: lead.expected_revenue for lead in leads}
            cr.commit()
            write_start = time.monotonic()
            for lead in leads:  # as many users would: one write per lead
                lead.write({"expected_revenue": revenue[lead.id] * 3 + 5000})
            cr.commit()
            out["write_wall"] = time.monotonic() - write_start
            started, cpu, db_cpu = time.monotonic(), own_cpu(), backend_cpu(cr)
            scoring._cron_ai_apply()
            cr.commit()
            out["left"] = scoring._ai_count_pending(ai_model)
        out.update(
            wall=time.monotonic() - started,
            cpu=own_cpu() - cpu,
            db_cpu=backend_cpu(cr) - db_cpu,
            rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        )
        if args.child in ("A", "warm") and scoring._ai_count_pending(ai_model):
            fail("leads left unscored")
        if args.child in ("A", "B"):
            after = lead_updates(cr)
            out["updated"], out["hot"] = (
                y - x for x, y in zip(updates, after, strict=True)
            )
    print("RESULT " + json.dumps(out))


def run_child(args, which):
    cmd = [sys.executable, __file__, "--db", args.db, "--child", which]
    cmd += ["--odoo-bin", ODOO_BIN, "--config", CONFIG]
    cmd += ["--edit", str(args.edit)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    fail(f"run {which} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")


def build(args):
    if db_exists(args.db):
        return False
    print(
        f"building {args.db}: crm + pyme_ai_crm, {args.open} open and "
        f"{args.closed} closed leads",
        flush=True,
    )
    subprocess.run(["createdb", "-h", "127.0.0.1", args.db], check=True)
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            ODOO_BIN,
            "-c",
            CONFIG,
            "-d",
            args.db,
            "-i",
            "crm,pyme_ai_crm",
            "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
            "--http-port=0",
        ],
        check=True,
    )
    odoo, registry = odoo_env(args.db)
    with registry.cursor() as cr:
        populate(cr, args.open, args.closed)
        cr.commit()
    vacuum(args.db)
    print(f"built in {time.monotonic() - started:.0f} s", flush=True)
    return True


def table(rows):
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        print(
            "| "
            + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True))
            + " |"
        )
        if n == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument(
        "--odoo-bin",
        default=os.environ.get("ODOO_BIN"),
        help="Odoo's odoo-bin script (default: $ODOO_BIN)",
    )
    parser.add_argument(
        "--config",
        default=os.environ.get("ODOO_RC"),
        help="Odoo configuration file (default: $ODOO_RC)",
    )
    parser.add_argument("--open", type=int, default=100000)
    parser.add_argument("--closed", type=int, default=20000)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--edit", type=int, default=1000)
    parser.add_argument("--train-only", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    global ODOO_BIN, CONFIG
    if not args.odoo_bin or not os.path.isfile(args.odoo_bin):
        fail("give Odoo's odoo-bin script: --odoo-bin PATH or ODOO_BIN=PATH")
    if not args.config or not os.path.isfile(args.config):
        fail("give the Odoo configuration file: --config PATH or ODOO_RC=PATH")
    ODOO_BIN, CONFIG = os.path.abspath(args.odoo_bin), os.path.abspath(args.config)
    if args.child:
        child(args)
        return
    built = build(args)
    trained = None
    if built or args.train_only:
        trained = run_child(args, "train")
        print(f"training: {trained}", flush=True)
        if trained["state"] != "done":
            fail("training failed")
    if args.train_only:
        return
    results = {"A": [], "B": []}
    for pair in range(args.pairs):
        for which in ("A", "B") if pair % 2 == 0 else ("B", "A"):
            result = run_child(args, which)
            results[which].append(result)
            print(f"pair {pair + 1} {which}: {json.dumps(result)}", flush=True)
    warm = run_child(args, "warm")
    edit = run_child(args, "edit")
    cr_count, closed = lead_counts(args.db)  # the database's, not the options'
    rows = [
        [
            "run",
            "wall s",
            "CPU s (Odoo)",
            "CPU s (PG)",
            "peak RSS MB",
            "µs/lead (wall)",
            "rows updated (HOT %)",
        ]
    ]
    for which in ("A", "B"):
        for i, r in enumerate(results[which]):
            rows.append(
                [
                    f"{which}{i + 1}",
                    f"{r['wall']:.2f}",
                    f"{r['cpu']:.2f}",
                    f"{r['db_cpu']:.2f}",
                    f"{r['rss_mb']:.0f}",
                    f"{r['wall'] / cr_count * 1e6:.1f}",
                    f"{r['updated']} ({100 * r['hot'] / max(r['updated'], 1):.0f} %)",
                ]
            )
    rows.append(
        [
            "A warm",
            f"{warm['wall']:.2f}",
            f"{warm['cpu']:.2f}",
            f"{warm['db_cpu']:.2f}",
            f"{warm['rss_mb']:.0f}",
            f"{warm['wall'] / cr_count * 1e6:.1f}",
            "",
        ]
    )
    print(f"\n{cr_count} open leads, {closed} closed (db {args.db})")
    table(rows)
    med = {k: statistics.median(r["wall"] for r in v) for k, v in results.items()}
    cpu = {
        k: statistics.median(r["cpu"] + r["db_cpu"] for r in v)
        for k, v in results.items()
    }
    ocpu = {k: statistics.median(r["cpu"] for r in v) for k, v in results.items()}
    print(
        f"\nA/B wall (median of {args.pairs}): {med['A'] / med['B']:.2f}; "
        f"A/B CPU Odoo process: {ocpu['A'] / ocpu['B']:.2f}; "
        f"A/B CPU Odoo+PG: {cpu['A'] / cpu['B']:.2f}; "
        f"warm A/B wall: {warm['wall'] / med['B']:.2f}"
    )
    print(
        f"incremental: {args.edit} leads edited one write each in "
        f"{edit['write_wall']:.2f} s; the next scoring call took {edit['wall']:.2f} s "
        f"({edit['left']} left); edit-to-score latency <= 60 s cron interval + "
        f"{edit['wall']:.2f} s"
    )


if __name__ == "__main__":
    main()
