"""Constants of the registry, defined once and imported wherever a level, state or rank is needed."""

LEVELS = [("unit", "Unit"), ("case", "Case"), ("pallet", "Pallet")]
# a child's level ranks strictly below its parent's: units go into cases, cases onto pallets
LEVEL_RANK = {"unit": 1, "case": 2, "pallet": 3}
# what a code is: its activation, or "packed" when it sits in a parent (read from the packing tree)
STATES = [("issued", "Issued"), ("active", "Active"), ("packed", "Packed"), ("void", "Void")]
ACTIVATION = [("issued", "Issued"), ("active", "Active"), ("void", "Void")]
# the fields of a batch that its printed codes carry: fixed once the batch has codes
BATCH_PRINTED_FIELDS = ("product_id", "lot_id", "company_id", "production_date", "expiry_date")
