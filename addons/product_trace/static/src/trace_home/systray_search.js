/** @odoo-module **/
import { Component } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { session } from "@web/session";

/** A code search in the systray, on every screen: Enter opens the code's trace. */
export class TraceSystraySearch extends Component {
    static template = "product_trace.SystraySearch";
    static props = {};

    setup() {
        this.action = useService("action");
    }

    onKeydown(ev) {
        const text = ev.target.value.trim();
        if (ev.key === "Enter" && text) {
            ev.preventDefault();
            ev.target.value = "";
            this.action.doAction("product_trace.action_trace_home", { additionalContext: { trace_query: text } });
        }
    }
}

registry.category("systray").add(
    "product_trace.search",
    { Component: TraceSystraySearch, isDisplayed: () => Boolean(session.trace_user) },
    { sequence: 90 }
);
