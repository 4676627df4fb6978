from odoo import Command
from odoo.addons.product_trace.tests.common import TraceCase
from odoo.tests import HttpCase
from odoo.tools.misc import file_path

GEOIP_FIXTURE = "trace_public_portal/tests/data/GeoLite2-City-Test.mmdb"
CHANGCHUN = "175.16.199.10"  # 长春, 吉林 in the fixture
LONDON = "81.2.69.142"


class PublicCase(TraceCase, HttpCase):
    """The registry's test company and batch, 48 active units in 2 cases and a pallet, and what
    the public page needs: a configured IP database and a warehouse to ship from."""

    # the verification routes are read-only (a replica's cursor where there is one) and write
    # through the counter cursor, which under the test runner is the test's own: not read-only
    readonly_enabled = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.units, cls.cases, cls.pallets = cls._active_batch(units=48, cases=2, pallets=1)
        cls.Code._pack({cls.cases[0].name: cls.units[:24].mapped("name"), cls.cases[1].name: cls.units[24:].mapped("name")})
        cls.Code._pack({cls.pallets.name: cls.cases.mapped("name")})
        cls.env["ir.config_parameter"].sudo().set_param("trace_public_portal.geoip_database", file_path(GEOIP_FIXTURE))
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.Verification = cls.env["trace.verification"]
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.stock = cls.warehouse.lot_stock_id
        cls.customers = cls.env.ref("stock.stock_location_customers")
        cls.env["stock.quant"]._update_available_quantity(cls.product, cls.stock, 48, lot_id=cls.lot)
        # a batch issued but never activated: its codes are printed, not products
        cls.idle_batch = cls.env["trace.batch"].create(
            {"product_id": cls.product.id, "lot_id": cls.lot.id, "quantity": 5, "production_date": "2026-11-21",
             "line_id": cls.line.id}
        )
        cls.idle_batch.issue_codes(5)
        cls.idle = cls.Code.search([("batch_id", "=", cls.idle_batch.id)], limit=1)

    def link(self, code):
        """The code's Digital Link as a path on this server."""
        link = code._digital_link()
        return link[link.index("/01/"):] if "/01/" in link else link[link.index("/00/"):]

    @classmethod
    def ship(cls, codes_to_scan, partner, quantity):
        """A delivery from stock to the customers' location, scanned and validated."""
        return cls._transfer(cls.warehouse.out_type_id, cls.stock, cls.customers, partner, codes_to_scan, quantity)

    @classmethod
    def _transfer(cls, picking_type, source, destination, partner, codes, quantity):
        """A transfer of ``quantity`` units, ``codes`` scanned into it (unpacked where packed), validated."""
        picking = cls.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "partner_id": partner.id if partner else False,
                "move_ids": [Command.create({"name": "tea", "product_id": cls.product.id, "product_uom_qty": quantity,
                                             "product_uom": cls.product.uom_id.id, "location_id": source.id,
                                             "location_dest_id": destination.id})],
            }
        )
        picking.action_confirm()
        for code in codes:
            answer = picking.trace_scan(code.name, unpack=True)
            if not answer["ok"]:
                raise AssertionError(answer)
        picking.button_validate()
        if picking.state != "done":
            raise AssertionError("%s is %s, not done" % (picking.name, picking.state))
        return picking

    def verify(self, code, address=None, lang="en_US", **kwargs):
        data = self.env["trace.code"]._parse_scan(code._digital_link() if not isinstance(code, str) else code)
        answer = self.Verification.sudo()._verify(data, client={"address": address}, lang=lang, **kwargs)
        self.env.invalidate_all()  # the method writes with SQL
        return answer
