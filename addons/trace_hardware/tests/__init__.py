from . import test_controller, test_device_form, test_hardening, test_ingest, test_translations
