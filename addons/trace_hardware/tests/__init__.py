from . import test_controller, test_hardening, test_ingest, test_translations
