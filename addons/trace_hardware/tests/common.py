import uuid

from odoo.addons.product_trace.tests.common import TraceCase


class HardwareCase(TraceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.batch.activation_mode = "line"
        cls.units, cls.cases, cls.pallets = cls._active_batch(units=48, cases=2, pallets=1)
        cls.station = cls.env["trace.hw.station"].create(
            {"name": "Filler camera", "code": "L1-CAM", "line_id": cls.line.id, "role": "commissioning",
             "batch_id": cls.batch.id,
             "device_ids": [(0, 0, {"name": "Camera", "code": "cam1", "driver": "tcp_reader",
                                    "settings": {"host": "10.0.0.5", "port": 2001}})]}
        )
        cls.key_record, cls.key = cls.env["trace.hw.api.key"]._generate(cls.station)
        cls.seq = 0

    def event(self, code, kind="commission", children=None, **extra):
        type(self).seq += 1
        event = {"id": uuid.uuid4().hex, "device": "cam1", "seq": self.seq, "time": "2026-11-25T08:00:00Z",
                 "type": kind, "code": code}
        if children is not None:
            event["children"] = children
        event.update(extra)
        return event

    def post(self, events, key=None):
        payload = {"key": key or uuid.uuid4().hex, "station": self.station.code, "events": events}
        return payload, self.env["trace.hw.ingest"]._ingest(self.station, payload)
