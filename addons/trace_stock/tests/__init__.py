from . import test_packages, test_scan_screen, test_scanning
