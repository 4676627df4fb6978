"""Stations made before station work ran as a line user have none yet: create them now, so that
no station's first post creates it (two first posts at once would both try)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["trace.hw.station"].with_context(active_test=False).search([])._ensure_line_users()
