"""Every test under tests/ runs with Python warnings as errors.

Odoo routes any warning (ConvergenceWarning, FutureWarning, RuntimeWarning, ...) into
its log, and the OCA CI fails on a logged WARNING, so the engine must not warn. The
filter is a mark on these tests only (not an ini option) so that pytest-odoo runs of
the addons' tests keep Odoo's own warning filters. A test may still relax it with its
own ``@pytest.mark.filterwarnings(...)``, which takes precedence.
"""

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.filterwarnings("error"), append=False)
