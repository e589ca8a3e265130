# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo company is created when this addon is installed (on purpose only: it
is never auto-installed and nothing depends on it)."""

from .loader import load


def post_init_hook(env):
    load(env)
