# stock.picking is split into one file per job (conventions): this one holds the stock packages.
# pylint: disable=consider-merging-classes-inherited
from collections import defaultdict

from odoo import Command, models
from odoo.tools import SQL


class StockPicking(models.Model):
    """Odoo stock packages (``stock.quant.package``) on the move lines of a scanned transfer.

    A company that uses packages names the package of a pallet or case after its code (the
    SSCC). The codes say which units are in which container; the quants say which package holds
    the stock. Validation joins the two so that Odoo's quants stay true: the units of a container
    leave the package named after it, the package moves whole when all of it leaves, and a pallet
    received where packages are in use arrives in the package of its SSCC. The rules are in
    ``readme/CONFIGURE.md``."""

    _inherit = "stock.picking"

    def _trace_keeps_packages(self):
        """Whether the company works with packages (Inventory > Settings > Packages), as Odoo
        itself asks: without it, scanned transfers never touch a package."""
        return self.env.user.has_group("stock.group_tracking_lot")

    def _trace_receives_into_packages(self):
        """A receipt whose operation type moves entire packages, at a company that keeps them:
        each scanned pallet arrives in the package named after it."""
        self.ensure_one()
        return (
            self.picking_type_id.code == "incoming"
            and self.picking_type_id.show_entire_packs
            and self._trace_keeps_packages()
        )

    def _trace_move_line_groups(self):
        """``{(product id, lot id, source package id, source location id, owner id, pallet code id):
        units}``: the scanned units grouped as their move lines will be.

        Without packages the package, location, owner and pallet are ``None``. With packages a
        unit's source package is the package named after its nearest case or pallet (the
        containers it is packed in, or the one its scanned container was unpacked from) that
        holds stock of the unit's product and lot at or under the transfer's source location;
        the line then comes from that package's location and owner. The pallet is the scanned
        pallet a unit came with, on receipts into packages only (it names the destination
        package)."""
        self.ensure_one()
        if not self._trace_keeps_packages():
            return {
                (product, lot, None, None, None, None): count for (product, lot), count in self._trace_scanned().items()
            }
        for model in ("trace.scan", "trace.scan.unit", "stock.quant", "stock.quant.package", "stock.location"):
            self.env[model].flush_model()
        self.env.cr.execute(
            SQL(
                """
                WITH RECURSIVE up(unit_id, code_id, depth) AS (
                    SELECT u.code_id, u.code_id, 0 FROM trace_scan_unit u
                     WHERE u.picking_id = %(picking)s AND u.level = 'unit'
                    UNION ALL
                    SELECT up.unit_id, coalesce(t.parent_id, s.unpacked_from_id), up.depth + 1
                      FROM up
                      LEFT JOIN trace_code_tree t ON t.code_id = up.code_id
                      LEFT JOIN trace_scan s ON s.picking_id = %(picking)s AND s.code_id = up.code_id
                     WHERE up.depth < 10 AND coalesce(t.parent_id, s.unpacked_from_id) IS NOT NULL
                ),
                held AS (
                    SELECT DISTINCT ON (up.unit_id) up.unit_id, q.package_id, q.location_id, q.owner_id
                      FROM up
                      JOIN trace_code c ON c.id = up.code_id AND c.level IN ('case', 'pallet')
                      JOIN stock_quant_package p ON p.name = c.name
                                                AND (p.company_id IS NULL OR p.company_id = %(company)s)
                      JOIN trace_scan_unit u ON u.code_id = up.unit_id
                      JOIN stock_quant q ON q.package_id = p.id AND q.product_id = u.product_id
                                        AND q.lot_id IS NOT DISTINCT FROM u.lot_id AND q.quantity > 0
                      JOIN stock_location l ON l.id = q.location_id AND l.parent_path LIKE %(path)s
                     ORDER BY up.unit_id, up.depth, q.quantity DESC, q.id
                )
                SELECT u.product_id, u.lot_id, held.package_id, held.location_id, held.owner_id,
                       CASE WHEN %(by_pallet)s AND s.level = 'pallet' THEN s.code_id END, count(*)
                  FROM trace_scan_unit u
                  JOIN trace_scan s ON s.id = u.scan_id
                  LEFT JOIN held ON held.unit_id = u.code_id
                 WHERE u.picking_id = %(picking)s AND u.level = 'unit'
                 GROUP BY 1, 2, 3, 4, 5, 6
                """,
                picking=self.id,
                company=self.company_id.id,
                path=self.location_id.parent_path + "%",
                by_pallet=bool(self._trace_receives_into_packages()),
            )
        )
        return {tuple(row[:6]): row[6] for row in self.env.cr.fetchall()}

    def _trace_drop_package_levels(self, moves):
        """Forget the package levels of ``moves`` (an entire package added to the transfer, or
        Odoo's reservation): the scanned lines replace theirs and say what moves whole, from
        which :meth:`_trace_pack_move_lines` makes the levels again."""
        levels = moves.package_level_id
        if not levels:
            return
        moves.package_level_id = False
        levels.filtered(lambda level: not level.move_ids and not level.move_line_ids).unlink()

    def _trace_pack_move_lines(self, move_lines, pallets):
        """Destination packages of the new ``move_lines`` (``pallets``: the pallet code id of each
        line, or ``None``). A source package all of whose content leaves moves whole, by Odoo's
        own rule (:meth:`_check_entire_pack`: a package level, and the package itself as the
        destination package of a disposable box). On a receipt into packages the lines of a
        scanned pallet go into the package named after it, created if missing, unless that
        package holds stock that stays behind (Odoo keeps a package in one place): then its
        units arrive loose."""
        self.ensure_one()
        if not self._trace_keeps_packages():
            return
        if move_lines.package_id:
            self._check_entire_pack()
        per_pallet = defaultdict(lambda: self.env["stock.move.line"])
        for line, pallet in zip(move_lines, pallets):
            if pallet:
                per_pallet[pallet] |= line
        if not per_pallet:
            return
        packages = self._trace_pallet_packages(self.env["trace.code"].browse(list(per_pallet)))
        for pallet, lines in per_pallet.items():
            package = packages[pallet]
            leaving = self.move_line_ids.filtered(lambda ml, package=package: ml.package_id == package)
            if package.quant_ids and not package._check_move_lines_map_quant(leaving):
                continue
            lines.filtered(lambda ml, package=package: ml.result_package_id != package).result_package_id = package
            loose = lines.filtered(lambda ml: not ml.package_level_id)
            if not loose:
                continue
            level = self.package_level_ids.filtered(lambda pl, package=package: pl.package_id == package)[:1]
            if level:
                loose.package_level_id = level
            else:  # as Odoo's own Put in Pack does
                self.env["stock.package_level"].with_context(from_put_in_pack=True).create(
                    {
                        "package_id": package.id,
                        "picking_id": self.id,
                        "location_id": False,
                        "location_dest_id": loose.location_dest_id[:1].id,
                        "move_line_ids": [Command.set(loose.ids)],
                        "company_id": self.company_id.id,
                    }
                )

    def _trace_pallet_packages(self, pallets):
        """``{pallet code id: stock.quant.package}``: the package named after each pallet code
        (this company's or one without a company), created where missing."""
        Package = self.env["stock.quant.package"]
        names = pallets.mapped("name")
        by_name = {}
        for package in Package.search(
            [("name", "in", names), "|", ("company_id", "=", False), ("company_id", "=", self.company_id.id)],
            order="id",
        ):
            by_name.setdefault(package.name, package)
        missing = [name for name in names if name not in by_name]
        for package in Package.create([{"name": name} for name in missing]):
            by_name[package.name] = package
        return {pallet.id: by_name[pallet.name] for pallet in pallets}
