/** @odoo-module **/
import { registry } from "@web/core/registry";

// The batch form prints its unit, case and pallet labels: each level at once while the batch is
// small, and a large level in the background (its label run opens with the progress).
registry.category("web_tour.tours").add("product_trace_print_labels", {
    steps: () => [
        { trigger: ".o_form_view button[name='action_print_labels']", run: "click" },
        { trigger: ".modal .modal-title:contains('Print Labels')" },
        { trigger: ".modal div[name='label_count']:contains('4')" },
        { trigger: ".modal .o_trace_label_summary:contains('print now')" },
        { trigger: ".modal div[name='level'] input[data-value='case']", run: "click" },
        { trigger: ".modal div[name='label_count']:contains('2')" },
        { trigger: ".modal button[name='action_print']", run: "click" },
        { trigger: "body:not(:has(.modal))" },
        { trigger: ".o_form_view button[name='action_print_labels']", run: "click" },
        { trigger: ".modal div[name='level'] input[data-value='pallet']", run: "click" },
        { trigger: ".modal div[name='label_count']:contains('1')" },
        { trigger: ".modal button[name='action_print']", run: "click" },
        { trigger: "body:not(:has(.modal))" },
    ],
});

registry.category("web_tour.tours").add("product_trace_print_labels_background", {
    steps: () => [
        { trigger: ".o_form_view button[name='action_print_labels']", run: "click" },
        { trigger: ".modal .o_trace_label_summary:contains('in the background')" },
        { trigger: ".modal button[name='action_print']", run: "click" },
        { trigger: ".o_form_view .alert-info:contains('Printing in the background')" },
        { trigger: ".o_form_view div[name='label_count']:contains('1,001')" },
    ],
});

// The pack wizard refuses a case with a unit of another product, and packs it when the case
// is declared a mixed logistic unit.
registry.category("web_tour.tours").add("product_trace_pack_refuses_mixed_case", {
    steps: () => [
        { trigger: ".modal div[name='parent_code'] input", run: "edit TOURCASE1" },
        {
            // what a scan gun types: one code per line
            trigger: ".modal div[name='child_codes'] textarea",
            async run(helpers) {
                await helpers.edit("TOURUNIT1\nTOURSTRANGER1");
            },
        },
        { trigger: ".modal .modal-title", run: "click" }, // leave the field: the count follows
        { trigger: ".modal div[name='child_count']:contains('2')" },
        { trigger: ".modal button[name='action_apply']", run: "click" },
        { trigger: ".o_error_dialog:contains('another product or lot')" },
        { trigger: ".o_error_dialog .btn-primary", run: "click" },
        { trigger: ".modal div[name='mixed'] input", run: "check" },
        { trigger: ".modal button[name='action_apply']", run: "click" },
        { trigger: ".o_notification:contains('2 codes packed into')" },
    ],
});
