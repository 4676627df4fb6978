from . import (
    res_company,
    trace_home,
    trace_hw_api_key,
    trace_hw_device,
    trace_hw_ingest,
    trace_hw_print_job,
    trace_hw_read,
    trace_hw_station,
)

# isort: split
# an SQL view over the tables above: its model must be set up after theirs
from . import trace_hw_line_stats
