from odoo.exceptions import ValidationError
from odoo.tests import Form, HttpCase, tagged

from .common import HardwareCase


@tagged("post_install", "-at_install")
class TestDeviceForm(HardwareCase):
    """Each driver kind has its fields in the device form; the JSON is only what the proxy gets."""

    def device_form(self, driver):
        form = Form(self.env["trace.hw.device"].with_context(default_station_id=self.station.id))
        form.name, form.code, form.driver = "Device", "dev-%s" % driver, driver
        return form

    def test_typed_fields_make_the_settings_the_proxy_gets(self):
        form = self.device_form("serial")
        form.serial_port, form.baudrate, form.parity, form.terminator = "/dev/ttyUSB0", "115200", "E", "\\r"
        device = form.save()
        self.assertEqual(device.settings, {"port": "/dev/ttyUSB0", "baudrate": 115200, "parity": "E",
                                           "terminator": "\\r", "rtscts": False})
        self.assertIn("/dev/ttyUSB0", device.settings_text)
        self.assertEqual(device._config()["settings"], device.settings)
        form = self.device_form("zpl_tcp")
        form.host, form.dpi, form.cjk_font = "192.168.10.30", "300", "E:ANMDS.TTF"
        printer = form.save()
        self.assertEqual(printer.settings, {"host": "192.168.10.30", "dpi": 300, "cjk_font": "E:ANMDS.TTF"})
        form = self.device_form("keyboard")
        form.input_path = "/dev/input/by-id/usb-Honeywell-event-kbd"
        gun = form.save()
        self.assertEqual(gun.settings, {"path": "/dev/input/by-id/usb-Honeywell-event-kbd", "grab": True})

    def test_settings_no_field_edits_are_kept(self):
        device = self.env["trace.hw.device"].create(
            {"name": "Camera 3", "code": "cam3", "driver": "tcp_reader", "station_id": self.station.id,
             "settings": {"host": "10.0.0.9", "port": 2001, "encoding": "gb18030"}})
        with Form(device) as form:
            form.tcp_port = 2002
        self.assertEqual(device.settings, {"host": "10.0.0.9", "port": 2002, "encoding": "gb18030"})
        self.assertEqual((device.host, device.tcp_port, device.serial_port), ("10.0.0.9", 2002, False))

    def test_each_driver_refuses_what_it_cannot_open(self):
        Device = self.env["trace.hw.device"]
        base = {"name": "Bad", "station_id": self.station.id}
        for code, driver, settings, reason in (
            ("b1", "serial", {}, "serial port"),
            ("b2", "tcp_reader", {"port": 2001}, "address"),
            ("b3", "tcp_reader", {"host": "10.0.0.5", "port": 70000}, "between 1 and 65535"),
            ("b4", "zpl_tcp", {"host": "10.0.0.5", "cjk_font": "E:../x,^XZ"}, "not a printer font name"),
            ("b5", "keyboard", {"grab": True}, "input device"),
        ):
            with self.subTest(driver=driver, settings=settings), self.assertRaisesRegex(ValidationError, reason):
                Device.create(dict(base, code=code, driver=driver, settings=settings))


@tagged("post_install", "-at_install")
class TestDeviceFormTour(HttpCase, HardwareCase):
    def test_add_a_tcp_camera_from_the_station_form(self):
        self.start_tour("/odoo/action-trace_hardware.trace_hw_station_action/%s" % self.station.id,
                        "trace_hardware_device_form", login="admin", timeout=120)
        camera = self.station.device_ids.filtered(lambda d: d.code == "cam2")
        self.assertEqual(camera.settings, {"host": "192.168.10.21", "port": 2001, "terminator": "\\r"})
