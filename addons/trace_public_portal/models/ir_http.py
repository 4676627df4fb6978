from odoo import models


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _get_translation_frontend_modules_name(cls):
        # the portal's scan pages are OWL components: their texts come from the frontend's translations
        return super()._get_translation_frontend_modules_name() + ["trace_public_portal"]
