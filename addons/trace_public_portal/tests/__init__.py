from . import test_dealer_portal, test_dealers, test_routes, test_tours, test_verification
