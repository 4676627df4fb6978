from odoo import _, api, fields, models
from odoo.exceptions import UserError


class TracePackWizard(models.TransientModel):
    """Pack or unpack by hand: scan the parent, then its contents (one code per line)."""

    _name = "trace.pack.wizard"
    _description = "Pack Codes"

    operation = fields.Selection([("pack", "Pack"), ("unpack", "Unpack")], required=True, default="pack")
    parent_code = fields.Char(string="Case / Pallet")
    child_codes = fields.Text(string="Contents", help="One code per line, as a scan gun types them.")
    child_count = fields.Integer(string="Scanned", compute="_compute_child_count")
    mixed = fields.Boolean(
        string="Mixed Logistic Unit",
        help="The case or pallet holds several products or lots on purpose; without this, all its contents "
        "must be of its own product and lot.",
    )

    @api.depends("child_codes")
    def _compute_child_count(self):
        for wizard in self:
            wizard.child_count = len(wizard._child_lines())

    def _child_lines(self):
        return [line.strip() for line in (self.child_codes or "").splitlines() if line.strip()]

    def _names(self, lines):
        Code = self.env["trace.code"]
        return [Code._resolve(line).name for line in lines]

    def action_apply(self):
        self.ensure_one()
        children = self._names(self._child_lines())
        if not children:
            raise UserError(_("Scan the codes to pack or unpack."))
        Code = self.env["trace.code"]
        if self.operation == "pack":
            if not self.parent_code:
                raise UserError(_("Scan the case or pallet first."))
            parent = Code._resolve(self.parent_code)
            count = Code._pack({parent.name: children}, mixed=self.mixed)
            message = _("%(count)s codes packed into %(parent)s.", count=count, parent=parent.name)
        else:
            count = len(Code._unpack(children))
            message = _("%(count)s codes unpacked.", count=count)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": "success", "next": {"type": "ir.actions.act_window_close"}},
        }
