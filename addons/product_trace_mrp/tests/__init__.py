from . import test_batch_from_production
