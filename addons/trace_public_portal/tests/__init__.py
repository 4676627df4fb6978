from . import test_dealers, test_routes, test_tours, test_verification
