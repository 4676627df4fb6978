/** @odoo-module **/
import { registry } from "@web/core/registry";

// A recall of everything made from a supplier's leaf lot, as a Traceability Manager makes it:
// the scope shows as soon as the lot is typed (the dealers holding it among the holders), then
// the recall is confirmed, its goods blocked.
registry.category("web_tour.tours").add("trace_recall_screen", {
    steps: () => [
        { trigger: ".o_list_button_add", run: "click" },
        { trigger: ".o_field_widget[name='origin'] input[data-value='material']", run: "click" },
        { trigger: ".o_field_widget[name='supplier_lot'] input", run: "edit SUP-77" },
        { trigger: ".o_field_widget[name='reason'] textarea", run: "edit Pesticide residue in leaf lot SUP-77" },
        { trigger: ".o_field_widget[name='scope_html'] .o_trace_recall_table:contains('Dealer A')" },
        { trigger: ".o_field_widget[name='affected_lot_ids']:contains('L2611A'):contains('L2612B')" },
        { trigger: ".o_field_widget[name='notice'] textarea", run: "edit Do not drink this tea." },
        { trigger: "button[name='action_confirm']", run: "click" },
        { trigger: ".modal-footer .btn-primary", run: "click" },
        { trigger: ".o_field_widget[name='state'] .o_arrow_button_current:contains('Active')" },
    ],
});
