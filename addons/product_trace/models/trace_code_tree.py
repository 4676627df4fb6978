from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools import drop_foreign_keys


class TraceCodeTree(models.Model):
    """The packing hierarchy: one row per code packed into another, nothing for loose codes.

    A narrow table of its own so that packing a million units is a million small inserts, not a
    million rewrites of the wide, indexed code rows. Written only by the registry's packing
    methods (set-based SQL); no group may write it. Like ``trace_code`` it carries no foreign
    keys (one trigger call per packed row would cost more than the packing itself): codes are
    never deleted, so the rows cannot dangle.
    """

    _name = "trace.code.tree"
    _description = "Packing Hierarchy"
    _log_access = False
    _order = "id"

    code_id = fields.Many2one("trace.code", required=True, readonly=True)
    parent_id = fields.Many2one("trace.code", string="Packed In", required=True, readonly=True, index=True)
    pack_date = fields.Datetime(string="Packed On", required=True, readonly=True)

    _sql_constraints = [("code_uniq", "unique(code_id)", "A code is packed in one parent at most.")]

    def _auto_init(self):
        self._migrate_primary_key()
        result = super()._auto_init()
        self.pool.post_init(drop_foreign_keys, self)
        return result

    def _migrate_primary_key(self):
        """Before 18.0.1.1.0 the table was made by hand with ``code_id`` as its primary key: give
        it the ``id`` key every model has (``code_id`` stays unique)."""
        cr = self.env.cr
        cr.execute(
            """SELECT 1 FROM information_schema.tables t WHERE t.table_name = 'trace_code_tree'
                  AND NOT EXISTS (SELECT 1 FROM information_schema.columns c
                                   WHERE c.table_name = 'trace_code_tree' AND c.column_name = 'id')"""
        )
        if cr.fetchone():
            cr.execute(
                """ALTER TABLE trace_code_tree DROP CONSTRAINT IF EXISTS trace_code_tree_pkey;
                   ALTER TABLE trace_code_tree ADD COLUMN id serial PRIMARY KEY;
                   DROP INDEX IF EXISTS trace_code_tree_parent"""
            )

    @api.model_create_multi
    def create(self, vals_list):
        self.browse().check_access("create")  # a user's attempt is an access error, as for any table
        if vals_list:
            raise UserError(_("The packing hierarchy changes only through packing and unpacking."))
        return super().create(vals_list)

    def write(self, vals):
        self.check_access("write")
        if vals:
            raise UserError(_("The packing hierarchy changes only through packing and unpacking."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("The packing hierarchy changes only through packing and unpacking."))
