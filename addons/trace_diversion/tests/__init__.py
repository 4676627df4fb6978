from . import test_diversion, test_inspector
