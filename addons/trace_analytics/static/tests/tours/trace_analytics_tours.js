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

// The sales dashboard: the totals, the map of provinces, a province's cities, then the analysis.
registry.category("web_tour.tours").add("trace_analytics_dashboard", {
    steps: () => [
        { trigger: ".o_trace_kpi[data-measure='shipped_count'] .o_trace_kpi_value:contains('48')" },
        { trigger: ".o_trace_kpi[data-measure='sold_count'] .o_trace_kpi_value:contains('6')" },
        { trigger: ".o_trace_kpi[data-measure='channel_count'] .o_trace_kpi_value:contains('42')" },
        { content: "colour the map by units sold", trigger: ".o_trace_kpi[data-measure='sold_count']", run: "click" },
        { trigger: ".o_trace_kpi[data-measure='sold_count'].border-primary" },
        { content: "Shanghai on the map", trigger: ".o_trace_tile[data-code='SH'] .o_trace_tile_value:contains('4')" },
        { content: "open Shanghai", trigger: ".o_trace_tile[data-code='SH']", run: "click" },
        { trigger: ".o_trace_dashboard_province:contains('上海市')" },
        { trigger: ".o_trace_cities td:contains('上海市')" },
        { content: "a period", trigger: ".o_trace_dashboard_period", run: "select 30d" },
        { trigger: ".o_trace_kpi[data-measure='shipped_count'] .o_trace_kpi_value:contains('48')" },
        { content: "the analysis", trigger: ".o_trace_dashboard_open", run: "click" },
        { trigger: ".o_pivot .o_pivot_measure_row:contains('Sold Through')" },
    ],
});

// The same dashboard with the province outlines the company installed: Shanghai is a shape.
registry.category("web_tour.tours").add("trace_analytics_dashboard_map", {
    steps: () => [
        { trigger: ".o_trace_map_svg path.o_trace_tile_data[data-code='SH']" },
        { content: "no tiles", trigger: "body:not(:has(.o_trace_tile))" },
        { content: "open Shanghai", trigger: ".o_trace_map_svg path[data-code='SH']", run: "click" },
        { trigger: ".o_trace_dashboard_province:contains('上海市')" },
        { trigger: ".o_trace_map_svg path.o_trace_tile_active[data-code='SH']" },
    ],
});
