/** @odoo-module **/
import { registry } from "@web/core/registry";

// The home screen: the running batch in the overview, a code traced from the search box (typed
// and refused), then from the systray's search on another screen.
registry.category("web_tour.tours").add("product_trace_home_search", {
    steps: () => [
        { trigger: ".o_trace_overview .o_trace_batches .o_trace_batch:contains('Green Tea')" },
        { trigger: ".o_trace_overview .o_trace_lines td:contains('Line A')" },
        { trigger: ".o_trace_search_input", run: "edit NOSUCHCODE7" },
        { trigger: ".o_trace_search_input", run: "press Enter" },
        { trigger: ".o_trace_error:contains('Unknown code')" },
        { trigger: ".o_trace_search_input", run: "edit TOURHOME1" },
        { trigger: ".o_trace_search_input", run: "press Enter" },
        { trigger: ".o_trace_result:contains('TOURHOME1'):contains('Green Tea')" },
        { trigger: ".o_trace_result .o_trace_back", run: "click" },
        { trigger: ".o_trace_overview" },
        { trigger: ".o_menu_sections a:contains('Registry'), .o_menu_sections button:contains('Registry')", run: "click" },
        { trigger: ".dropdown-item:contains('Codes')", run: "click" },
        { trigger: ".o_list_view" },
        { trigger: ".o_trace_systray_search input", run: "edit TOURHOME1" },
        { trigger: ".o_trace_systray_search input", run: "press Enter" },
        { trigger: ".o_trace_result:contains('TOURHOME1')" },
    ],
});
