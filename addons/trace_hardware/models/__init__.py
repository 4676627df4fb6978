from . import trace_hw_station
from . import trace_hw_device
from . import trace_hw_api_key
from . import trace_hw_ingest
from . import trace_hw_read
from . import trace_hw_print_job
