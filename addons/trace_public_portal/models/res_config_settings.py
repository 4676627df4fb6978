from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    trace_public_production = fields.Boolean(related="company_id.trace_public_production", readonly=False)
    trace_public_expiry = fields.Boolean(related="company_id.trace_public_expiry", readonly=False)
    trace_public_factory = fields.Boolean(related="company_id.trace_public_factory", readonly=False)
    trace_public_shipment = fields.Boolean(related="company_id.trace_public_shipment", readonly=False)
    trace_public_territory = fields.Boolean(related="company_id.trace_public_territory", readonly=False)
    trace_public_reports = fields.Boolean(related="company_id.trace_public_reports", readonly=False)
    trace_public_contact = fields.Char(related="company_id.trace_public_contact", readonly=False)
    trace_suspicious_count = fields.Integer(related="company_id.trace_suspicious_count", readonly=False)
    trace_suspicious_cities = fields.Integer(related="company_id.trace_suspicious_cities", readonly=False)
    trace_verification_retention = fields.Integer(related="company_id.trace_verification_retention", readonly=False)
    trace_short_links = fields.Boolean(related="company_id.trace_short_links", readonly=False)
    # one limiter for the whole database (every company's page is the same route)
    trace_limit_client = fields.Integer(
        string="Verifications per Client and Minute",
        config_parameter="trace_public_portal.limit_client_per_minute",
        default=60,
        help="Requests of the public pages one client address (an IPv6 /64) may make per minute.",
    )
    trace_limit_code = fields.Integer(
        string="Verifications per Code and Hour",
        config_parameter="trace_public_portal.limit_code_per_hour",
        default=30,
        help="Verifications of one code per hour, from all clients together.",
    )
    trace_geoip_database = fields.Char(
        string="IP Database (MMDB)",
        config_parameter="trace_public_portal.geoip_database",
        help="Path on the Odoo server of an offline city database in MaxMind DB format (DB-IP IP to City Lite, "
        "MaxMind GeoLite2 City). Without it verifications record no place.",
    )
