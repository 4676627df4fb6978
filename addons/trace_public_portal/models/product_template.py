from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    trace_hidden_code = fields.Boolean(
        string="Hidden Code (Scratch-off PIN)",
        help="Each unit carries a second code under a scratch-off coating (in the print house's code file): "
        "only someone holding the product can claim it as verified by its buyer.",
    )
