/** @odoo-module **/
import { Component, markup, onMounted, onWillStart, useRef, useState } from "@odoo/owl";
import { router } from "@web/core/browser/router";
import { registry } from "@web/core/registry";
import { useBus, useService } from "@web/core/utils/hooks";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

/**
 * The Traceability home screen: a code search that takes a scan (keyboard-wedge gun), a typed
 * code or a pasted Digital Link, and the factory's figures of today and this week.
 */
export class TraceHome extends Component {
    static template = "product_trace.TraceHome";
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ query: "", html: null, error: null, data: null, searching: false });
        this.input = useRef("query");
        useBus(useService("barcode").bus, "barcode_scanned", (ev) => this.search(ev.detail.barcode));
        onWillStart(async () => {
            // from the systray search, or from a link (/odoo/action-product_trace.action_trace_home?trace_query=...)
            const query = this.props.action.context?.trace_query || router.current.trace_query;
            await Promise.all([this.loadData(), query ? this.search(query) : null]);
        });
        onMounted(() => this.input.el?.focus());
    }

    async loadData() {
        this.state.data = await this.orm.call("trace.home", "get_data", []);
    }

    async search(text) {
        this.state.query = text || "";
        if (!this.state.query.trim()) {
            this.clear();
            return;
        }
        this.state.searching = true;
        try {
            const result = await this.orm.call("trace.home", "trace_page", [this.state.query]);
            this.state.error = result.error || null;
            this.state.html = result.html ? markup(result.html) : null;
        } finally {
            this.state.searching = false;
        }
    }

    onKeydown(ev) {
        if (ev.key === "Enter") {
            ev.preventDefault();
            this.search(ev.target.value);
        }
    }

    clear() {
        this.state.query = "";
        this.state.html = null;
        this.state.error = null;
        if (this.input.el) {
            this.input.el.value = "";
            this.input.el.focus();
        }
    }

    openBatch(id) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "trace.batch",
            res_id: id,
            views: [[false, "form"]],
        });
    }

    openAction(xmlid) {
        this.action.doAction(xmlid);
    }
}

registry.category("actions").add("product_trace.trace_home", TraceHome);
