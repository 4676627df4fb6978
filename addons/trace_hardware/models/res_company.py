from odoo import _, models


class ResCompany(models.Model):
    _inherit = "res.company"

    def _trace_line_user_login(self):
        return "__trace_line_proxy_%s" % self.id

    def _trace_line_user(self):
        """The technical user the company's line proxies work as, created on first use.

        Inactive (nobody can log in as it), of the Traceability User group and of this company
        only, so the line API runs under normal access rules and record rules.
        """
        self.ensure_one()
        Users = self.env["res.users"].sudo().with_context(active_test=False)
        user = Users.search([("login", "=", self._trace_line_user_login())], limit=1)
        if not user:
            user = Users.with_context(no_reset_password=True).create(
                {
                    "name": _("Line proxy (%(company)s)", company=self.name),
                    "login": self._trace_line_user_login(),
                    "company_id": self.id,
                    "company_ids": [(6, 0, [self.id])],
                    # reading lots and products is part of the line's work (stock's users read lots)
                    "groups_id": [(6, 0, [self.env.ref("product_trace.group_trace_user").id,
                                          self.env.ref("stock.group_stock_user").id])],
                }
            )
            user.active = False
        return user
