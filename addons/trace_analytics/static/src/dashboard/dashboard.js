/** @odoo-module **/
import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

// China's provinces as a tile grid map (row, column), by the code of their xmlid
// (base.state_cn_XX): each tile where the province lies, roughly; our own layout, no map data.
const TILES = {
    HL: [0, 7],
    NM: [1, 4], BJ: [1, 5], LN: [1, 6], JL: [1, 7],
    XJ: [2, 0], NX: [2, 3], SX: [2, 4], HE: [2, 5], TJ: [2, 6],
    QH: [3, 1], GS: [3, 2], SN: [3, 3], HA: [3, 4], SD: [3, 5],
    XZ: [4, 1], SC: [4, 2], CQ: [4, 3], HB: [4, 4], AH: [4, 5], JS: [4, 6], SH: [4, 7],
    YN: [5, 2], GZ: [5, 3], HN: [5, 4], JX: [5, 5], ZJ: [5, 6],
    GX: [6, 3], GD: [6, 4], FJ: [6, 5], TW: [6, 7],
    HI: [7, 3], MO: [7, 4], HK: [7, 5],
};

/**
 * The sales dashboard: units shipped, received by dealers, sold through and in the channel for
 * a period; a map of China's provinces coloured by the chosen figure; a province's cities on a
 * click; each figure opens the analysis (pivot) it comes from.
 */
export class TraceAnalyticsDashboard extends Component {
    static template = "trace_analytics.Dashboard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.measures = [
            ["shipped_count", _t("Units Shipped")],
            ["received_count", _t("Received by Dealers")],
            ["sold_count", _t("Sold Through")],
            ["channel_count", _t("Stock in the Channel")],
        ];
        this.periods = [
            ["30d", _t("Last 30 days")],
            ["90d", _t("Last 90 days")],
            ["365d", _t("Last 12 months")],
            ["all", _t("All time")],
        ];
        this.state = useState({ period: "365d", measure: "shipped_count", data: null, cities: null, stateId: null });
        onWillStart(() => this.load());
    }

    async load() {
        const [data, cities] = await Promise.all([
            this.orm.call("trace.distribution.report", "trace_dashboard", [], { period: this.state.period }),
            this.loadCities(),
        ]);
        this.state.data = data;
        this.state.cities = cities;
    }

    loadCities() {
        if (!this.state.stateId) {
            return Promise.resolve({ state: null, cities: [] });
        }
        return this.orm.call("trace.distribution.report", "trace_dashboard_cities", [], {
            period: this.state.period,
            state_id: this.state.stateId,
        });
    }

    async setPeriod(ev) {
        this.state.period = ev.target.value;
        await this.load();
    }

    setMeasure(measure) {
        this.state.measure = measure;
    }

    async openProvince(province) {
        this.state.stateId = province && province.id !== this.state.stateId ? province.id : null;
        this.state.cities = await this.loadCities();
    }

    get tiles() {
        const byCode = Object.fromEntries((this.state.data.provinces || []).map((p) => [p.code, p]));
        const max = Math.max(1, ...(this.state.data.provinces || []).map((p) => p[this.state.measure] || 0));
        return Object.entries(TILES).map(([code, [row, col]]) => {
            const province = byCode[code];
            const value = province ? province[this.state.measure] || 0 : 0;
            const hasGoods = Boolean(province && province.shipped_count);
            return {
                code,
                province,
                hasGoods,
                value,
                style: `grid-row: ${row + 1}; grid-column: ${col + 1}; --o-trace-share: ${value / max};`,
                active: Boolean(province) && province.id === this.state.stateId,
                dark: value / max > 0.55,
            };
        });
    }

    /** The installed outlines, coloured as the tiles are. */
    get outlines() {
        const byCode = Object.fromEntries((this.state.data.provinces || []).map((p) => [p.code, p]));
        const max = Math.max(1, ...(this.state.data.provinces || []).map((p) => p[this.state.measure] || 0));
        return this.state.data.outlines.shapes.map(({ code, path }) => {
            const province = byCode[code];
            const value = province ? province[this.state.measure] || 0 : 0;
            return {
                code,
                path,
                province,
                value,
                hasGoods: Boolean(province && province.shipped_count),
                active: Boolean(province) && province.id === this.state.stateId,
                style: `--o-trace-share: ${value / max};`,
                title: province ? `${province.name}: ${value}` : code,
            };
        });
    }

    get unplaced() {
        const placed = new Set(Object.keys(TILES));
        return (this.state.data.provinces || []).filter((p) => !placed.has(p.code) && p.shipped_count);
    }

    /** The province's name without its kind (黑龙江省 -> 黑龙江, 新疆维吾尔自治区 -> 新疆): it fits a tile. */
    tileLabel(tile) {
        if (!tile.province) {
            return tile.code;
        }
        return tile.province.name.replace(/(维吾尔自治区|壮族自治区|回族自治区|特别行政区|自治区|省|市)$/, "");
    }

    openAnalysis(extraDomain = []) {
        const domain = [...extraDomain];
        const days = { "30d": 30, "90d": 90, "365d": 365 }[this.state.period];
        if (days) {
            const since = new Date(Date.now() - days * 86400000).toISOString().slice(0, 19).replace("T", " ");
            domain.push(["shipped_date", ">=", since]);
        }
        this.action.doAction({
            type: "ir.actions.act_window",
            name: _t("Sales and Distribution"),
            res_model: "trace.distribution.report",
            views: [[false, "pivot"], [false, "graph"], [false, "list"]],
            domain,
            context: { pivot_measures: this.measures.map(([name]) => name) },
        });
    }
}

registry.category("actions").add("trace_analytics.dashboard", TraceAnalyticsDashboard);
