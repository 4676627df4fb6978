from . import trace_hw_api_key, trace_hw_device, trace_hw_ingest, trace_hw_print_job, trace_hw_read, trace_hw_station
