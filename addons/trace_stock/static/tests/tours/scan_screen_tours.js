/** @odoo-module **/
import { registry } from "@web/core/registry";

// A delivery of 30 units scanned on the scan screen: a pallet too big for it (refused), a case
// (24 units), a wrong code (refused, nothing counted), a case packed on the pallet (unpacked on
// request), then validated.
registry.category("web_tour.tours").add("trace_stock_scan_screen", {
    steps: () => [
        { trigger: ".o_form_view button[name='action_trace_scan']", run: "click" },
        { trigger: ".o_trace_scan_screen .o_trace_demand .o_trace_missing:contains('30')" },
        { trigger: ".o_trace_scan_input", run: "edit TOURPALLET1" },
        { trigger: ".o_trace_scan_input", run: "press Enter" },
        { trigger: ".o_trace_scan_refused:contains('TOURPALLET1'):contains('more than')" },
        { trigger: ".o_trace_scan_input", run: "edit NOSUCHCODE9" },
        { trigger: ".o_trace_scan_input", run: "press Enter" },
        { trigger: ".o_trace_scan_refused:contains('NOSUCHCODE9')" },
        { trigger: ".o_trace_demand .o_trace_scanned:contains('0')" },
        { trigger: ".o_trace_scan_input", run: "edit TOURCASE1" },
        { trigger: ".o_trace_scan_input", run: "press Enter" },
        { trigger: ".o_trace_scan_refused:contains('TOURCASE1') .o_trace_unpack", run: "click" },
        { trigger: ".o_trace_scan_ok:contains('TOURCASE1')" },
        { trigger: ".o_trace_demand .o_trace_scanned:contains('24')" },
        { trigger: ".o_trace_scan_input", run: "edit TOURUNIT1" },
        { trigger: ".o_trace_scan_input", run: "press Enter" },
        { trigger: ".o_trace_scan_ok:contains('TOURUNIT1')" },
        { trigger: ".o_trace_demand .o_trace_scanned:contains('25')" },
        { trigger: ".o_trace_validate", run: "click" },
        { trigger: ".modal .btn-primary:contains('Create Backorder'), .modal button[name='process']", run: "click" },
        { trigger: ".o_trace_done" },
    ],
});
