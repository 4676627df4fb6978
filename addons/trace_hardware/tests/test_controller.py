import json
import uuid

from odoo.tests import HttpCase, tagged

from .common import HardwareCase


@tagged("post_install", "-at_install")
class TestController(HardwareCase, HttpCase):
    def call(self, path, body=None, key=None):
        headers = {"Content-Type": "application/json"}
        if key is not False:
            headers["Authorization"] = "Bearer %s" % (key or self.key)
        if body is None:
            return self.url_open(path, headers=headers)
        return self.url_open(path, data=json.dumps(body), headers=headers)

    def test_every_route_needs_a_station_key(self):
        for path in ("/trace/hw/v1/config", "/trace/hw/v1/print_jobs"):
            self.assertEqual(self.call(path, key=False).status_code, 401)
            self.assertEqual(self.call(path, key="thw_wrong").status_code, 401)
        self.assertEqual(self.call("/trace/hw/v1/events", {"key": "x"}, key=False).status_code, 401)

    def test_post_reads_and_get_config(self):
        response = self.call("/trace/hw/v1/config")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["station"]["code"], "L1-CAM")
        body = {"key": uuid.uuid4().hex, "station": "L1-CAM", "events": [self.event(self.units[0].name)]}
        response = self.call("/trace/hw/v1/events", body)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["results"][0]["status"], "ok")
        self.assertEqual(self.call("/trace/hw/v1/events", body).json(), response.json())
        body["events"] = [self.event(self.units[1].name)]
        self.assertEqual(self.call("/trace/hw/v1/events", body).status_code, 409)
        self.assertEqual(self.call("/trace/hw/v1/events", {"key": "bad"}).status_code, 400)

    def test_heartbeat_and_print_jobs(self):
        response = self.call("/trace/hw/v1/heartbeat", {
            "station": "L1-CAM", "backlog": 12, "rates": {"reads_per_min": 600.0},
            "devices": [{"code": "cam1", "status": "ok", "reads": 100, "rejects": 2, "noise": 7, "message": ""}]})
        self.assertEqual(response.status_code, 200)
        self.station.invalidate_recordset()
        self.assertEqual(self.station.backlog, 12)
        self.assertTrue(self.station.online)
        self.env.invalidate_all()
        self.assertEqual(self.station.device_ids.mapped(lambda d: (d.status, d.reads, d.rejects, d.noise)),
                         [("ok", 100, 2, 7)])
        printer = self.env["trace.hw.device"].create(
            {"name": "Printer", "code": "zpl1", "driver": "zpl_tcp", "role": "printer", "station_id": self.station.id,
             "settings": {"host": "127.0.0.1", "port": 9100}}
        )
        job = self.env["trace.hw.print.job"].create(
            {"station_id": self.station.id, "device_id": printer.id, "kind": "unit", "code_ids": self.units[:3].ids}
        )
        jobs = self.call("/trace/hw/v1/print_jobs").json()["jobs"]
        self.assertEqual(jobs[0]["id"], job.id)
        self.assertEqual(len(jobs[0]["labels"]), 3)
        self.assertRegex(jobs[0]["labels"][0]["digital_link"], r"/01/06901234567922(/10/[^/?]+)?/21/[^/?]+")
        done = self.call("/trace/hw/v1/print_jobs/%s/done" % job.id,
                         {"printed": self.units[:2].mapped("name"), "rejected": [{"code": self.units[2].name,
                                                                                  "reason": "verify_mismatch"}]})
        self.assertEqual(done.status_code, 200)
        job.invalidate_recordset()
        self.assertEqual((job.state, job.printed_count), ("failed", 2))
