from . import test_recall, test_recall_contact
