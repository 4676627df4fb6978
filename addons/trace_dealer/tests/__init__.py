from . import test_counties, test_dealers
