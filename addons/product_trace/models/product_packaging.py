from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from tracekit import gs1


class ProductPackaging(models.Model):
    _inherit = "product.packaging"

    trace_level = fields.Selection(
        [("case", "Case"), ("pallet", "Pallet")],
        string="Traceability Level",
        help="Case codes of the product carry this packaging's barcode as their GTIN "
        "(GTIN + serial); without one they are SSCCs.",
    )

    @api.constrains("trace_level", "barcode")
    def _check_trace_level_gtin(self):
        for packaging in self.filtered(lambda p: p.trace_level == "case" and p.barcode):
            if not gs1.is_valid_gtin(packaging.barcode):
                raise ValidationError(
                    _(
                        "The barcode %(barcode)s of packaging %(packaging)s is not a valid GTIN.",
                        barcode=packaging.barcode,
                        packaging=packaging.name,
                    )
                )
