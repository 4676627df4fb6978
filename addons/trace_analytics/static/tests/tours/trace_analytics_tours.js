/** @odoo-module **/
import { registry } from "@web/core/registry";

// The two analyses as a manager opens them: the reach by province (pivot, then graph), the
// verifications by hour and weekday.
registry.category("web_tour.tours").add("trace_analytics_screens", {
    steps: () => [
        { trigger: ".o_pivot th:contains('吉林省')" },
        { trigger: ".o_pivot .o_pivot_measure_row:contains('Units Shipped')" },
        { trigger: ".o_pivot td.o_pivot_cell_value:contains('24')" },
        { trigger: ".o_switch_view.o_graph", run: "click" },
        { trigger: ".o_graph_renderer canvas" },
        { trigger: ".o_menu_sections button:contains('Analytics'), .o_menu_sections a:contains('Analytics')", run: "click" },
        { trigger: ".dropdown-item:contains('Consumer Verifications')", run: "click" },
        { trigger: ".o_pivot .o_pivot_measure_row:contains('Verifications')" },
        { trigger: ".o_pivot th:contains('Thursday')" },
    ],
});
