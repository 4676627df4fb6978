from odoo.tests import tagged

from .common import CHANGCHUN, LONDON, PublicCase


@tagged("post_install", "-at_install")
class TestPublicTours(PublicCase):
    """The public page in Debian's chromium: a first check, a repeated check with the warning, manual entry."""

    def test_consumer_page(self):
        self.start_tour(self.link(self.units[0]), "trace_public_consumer")
        self.assertEqual(self.env["trace.verification.stat"].search([("code_id", "=", self.units[0].id)]).count, 1)

    def test_repeated_scan_warning(self):
        self.company.trace_suspicious_cities = 2
        self.verify(self.units[1], address=CHANGCHUN)
        self.verify(self.units[1], address=LONDON)
        self.start_tour(self.link(self.units[1]), "trace_public_repeated")

    def test_manual_entry(self):
        typed = self.units[2].name.lower().replace("0", "o")
        typed = "%s-%s-%s" % (typed[:5], typed[5:10], typed[10:])
        self.start_tour("/verify#typed=%s" % typed, "trace_public_manual_entry")
        self.assertEqual(self.env["trace.verification.stat"].search([("code_id", "=", self.units[2].id)]).count, 1)
        self.assertTrue(self.env["trace.verification.alert"].search([("kind", "in", ("unknown", "forged"))]),
                        "the wrong code typed is counted")

    def test_staff_open_the_full_trace(self):
        genuine = self.units[3].name
        forged = genuine[:-1] + ("0" if genuine[-1] != "0" else "1")
        def count():
            return sum(a["count"] for a in self.env["trace.home"]._alerts() if a["action"].startswith("trace_public"))
        before = count()
        self.verify("https://id.tea.test/01/06901234567922/21/%s" % forged)
        self.assertEqual(count(), before + 1, "the home screen says a forged code was presented")
        self.start_tour(self.link(self.units[3]), "trace_public_staff", login="admin")
