from . import test_analytics
