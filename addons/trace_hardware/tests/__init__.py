from . import test_controller, test_ingest
