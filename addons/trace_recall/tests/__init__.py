from . import test_recall
