/** @odoo-module **/
import { registry } from "@web/core/registry";

// A dealer receives a shipment on its phone: scans the case with the scan gun (the code and
// Enter into the input), sees it accepted and the receipt complete, validates.
registry.category("web_tour.tours").add("trace_dealer_scan_in", {
    steps: () => [
        { content: "the scan page of the receipt", trigger: "#tp-dealer-scan-page[data-kind='receipt']" },
        { content: "nothing scanned yet", trigger: "#tp-scan-summary td.tp-scanned:contains('0 / 24')" },
        {
            content: "scan a code that is not ours",
            trigger: "input.tp-scan-input",
            async run(helpers) {
                await helpers.edit("NOT-A-CODE-OF-OURS");
                await helpers.press("Enter");
            },
        },
        { content: "refused, in red", trigger: "#tp-scan-log li.tp-refused.list-group-item-danger[data-error='unknown_code']" },
        {
            content: "scan the case with the scan gun",
            trigger: "input.tp-scan-input",
            async run(helpers) {
                const code = new URLSearchParams(window.location.hash.slice(1)).get("code");
                await helpers.edit(code);
                await helpers.press("Enter");
            },
        },
        { content: "accepted, in green, 24 units", trigger: "#tp-scan-log li.tp-accepted.list-group-item-success:contains('+24')" },
        { content: "the summary is complete", trigger: "#tp-scan-complete" },
        { content: "validate", trigger: "button.tp-validate:enabled", run: "click" },
        { content: "received", trigger: "#tp-scan-closed.alert-success:contains('Received')" },
        { content: "to my stock", trigger: "#tp-scan-closed a[href='/my/trace']", run: "click" },
        { content: "24 units in my stock", trigger: "#tp-dealer-stock td.tp-units:contains('24')" },
    ],
});
