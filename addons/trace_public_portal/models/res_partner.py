from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    trace_dealer_path = fields.Char(
        string="Dealer Network Path", compute="_compute_trace_dealer_path", store=True, recursive=True, index=True,
        help="The dealers from the top of the network down to this one (/top/.../this/): a dealer's part of the "
        "network is every dealer whose path starts with its own. Empty for a partner that is no dealer.")

    @api.depends("trace_is_dealer", "trace_parent_dealer_id.trace_dealer_path")
    def _compute_trace_dealer_path(self):
        for partner in self:
            if not partner.trace_is_dealer or not partner.id:
                partner.trace_dealer_path = False
                continue
            parent = partner.trace_parent_dealer_id.trace_dealer_path or "/"
            partner.trace_dealer_path = "%s%s/" % (parent, partner.id)
