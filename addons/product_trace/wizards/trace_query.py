from odoo import _, api, fields, models
from odoo.exceptions import UserError


class TraceQuery(models.TransientModel):
    """The trace page: type, scan (keyboard-wedge gun) or paste a code or a Digital Link."""

    _name = "trace.query"
    _description = "Trace a Code"
    _inherit = ["barcodes.barcode_events_mixin"]

    query = fields.Char(string="Code")
    code_id = fields.Many2one("trace.code", readonly=True)
    error = fields.Char(readonly=True)
    result_html = fields.Html(compute="_compute_result_html", sanitize=False)

    def on_barcode_scanned(self, barcode):
        self.query = barcode
        self._onchange_query()

    @api.onchange("query")
    def _onchange_query(self):
        self.error = False
        self.code_id = False
        if not self.query:
            return
        try:
            self.code_id = self.env["trace.code"]._resolve(self.query)
        except UserError as error:
            self.error = str(error)

    @api.depends("code_id")
    def _compute_result_html(self):
        for query in self:
            if not query.code_id:
                query.result_html = False
                continue
            data = query.code_id._trace_data()
            query.result_html = self.env["ir.qweb"]._render(
                "product_trace.trace_query_result",
                {"data": data, "code": query.code_id, "levels": dict(self.env["trace.code"]._fields["level"]._description_selection(self.env)),
                 "states": dict(self.env["trace.code"]._fields["state"]._description_selection(self.env))},
            )

    @api.model_create_multi
    def create(self, vals_list):
        queries = super().create(vals_list)
        for query in queries.filtered(lambda q: q.query and not q.code_id):
            query._onchange_query()
        return queries

    def _action_open(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Trace"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }
