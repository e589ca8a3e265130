"""The addons' own tests (``<addon>/tests``) run inside Odoo, not under plain pytest.

Without Odoo this module is skipped with a visible reason. With Odoo importable and
``PYME_AI_ODOO_DB`` naming a database, it runs them through ``odoo-bin`` as OCA CI
does, and fails on any failed test, ERROR or WARNING line (checklog). Options:

- ``PYME_AI_ODOO_BIN``: the Odoo executable (default: ``odoo-bin`` or ``odoo`` on PATH);
- ``PYME_AI_ODOO_ARGS``: extra arguments, e.g. ``-c /etc/odoo.conf`` or an
  ``--addons-path`` that includes this repository;
- ``PYME_AI_ODOO_UPDATE=1``: update (``-u``) instead of install (``-i``), for a
  database where the addons are already installed.
"""

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ODOO_MISSING = "Odoo is not installed: addon tests run in a real Odoo (see README)"
#: Log lines OCA checklog tolerates (checklog-odoo.cfg of the OCA template).
TOLERATED = (
    re.compile(r"WARNING.* 0 failed, 0 error\(s\).*"),
    re.compile(r"WARNING .* Killing chrome descendants-or-self .*"),
    re.compile(r"WARNING.* Missing widget: res_partner_many2one for field of type.*"),
)
PROBLEM = re.compile(r"^\S+ \S+ \d+ (WARNING|ERROR|CRITICAL) ")


def _addons():
    return sorted(
        path.name
        for path in ROOT.iterdir()
        if path.is_dir() and (path / "__manifest__.py").is_file()
    )


def test_addon_tests_in_odoo():
    try:
        import odoo  # noqa: F401
    except ImportError:
        pytest.skip(ODOO_MISSING)
    database = os.environ.get("PYME_AI_ODOO_DB")
    if not database:
        pytest.skip("set PYME_AI_ODOO_DB to run the addon tests in Odoo (see README)")
    odoo_bin = (
        os.environ.get("PYME_AI_ODOO_BIN")
        or shutil.which("odoo-bin")
        or shutil.which("odoo")
    )
    if not odoo_bin:
        pytest.skip("no odoo-bin on PATH: set PYME_AI_ODOO_BIN")
    addons = _addons()
    mode = "-u" if os.environ.get("PYME_AI_ODOO_UPDATE") == "1" else "-i"
    command = [
        odoo_bin,
        *shlex.split(os.environ.get("PYME_AI_ODOO_ARGS", "")),
        "-d",
        database,
        mode,
        ",".join(addons),
        "--test-enable",
        "--test-tags=" + ",".join(f"/{addon}" for addon in addons),
        "--stop-after-init",
        "--http-port=8169",
        "--log-level=info",
    ]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
        cwd=ROOT,
    )
    log = result.stdout + result.stderr
    problems = [
        line
        for line in log.splitlines()
        if PROBLEM.match(line) and not any(rx.search(line) for rx in TOLERATED)
    ]
    assert result.returncode == 0, log[-5000:]
    assert not problems, "\n".join(problems[:50])
