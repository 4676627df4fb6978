from odoo import api, models


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._trace_diversion_default_rules()
        return companies

    def _trace_diversion_default_rules(self):
        """Each company's starting rules: an inspector's scan and another dealer's scan-in are
        strong evidence from the first code; consumers are weak evidence, and only where five
        different codes of one dealer were verified in one city within 30 days (a traveller
        verifies one)."""
        Rule = self.env["trace.diversion.rule"].sudo().with_context(active_test=False)
        for company in self:
            if Rule.search_count([("company_id", "=", company.id)], limit=1):
                continue
            Rule.create([
                {"name": self.env._("Inspector found goods outside the territory"), "company_id": company.id,
                 "sequence": 10, "source": "inspection", "level": "prefecture", "strength": "strong",
                 "min_codes": 1, "window_days": 90},
                {"name": self.env._("Another dealer tried to receive the goods"), "company_id": company.id,
                 "sequence": 20, "source": "dealer_scan", "level": "prefecture", "strength": "strong",
                 "min_codes": 1, "window_days": 90},
                {"name": self.env._("Consumers verified goods in another city"), "company_id": company.id,
                 "sequence": 30, "source": "consumer", "level": "prefecture", "strength": "weak",
                 "min_codes": 5, "window_days": 30},
            ])
