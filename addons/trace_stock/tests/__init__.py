from . import test_scan_screen, test_scanning
