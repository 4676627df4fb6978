from odoo import models


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _get_translation_frontend_modules_name(cls):
        # the inspector page is an OWL component: its texts come from the frontend's translations
        return super()._get_translation_frontend_modules_name() + ["trace_diversion"]
