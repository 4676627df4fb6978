from . import test_dealers, test_routes, test_verification
