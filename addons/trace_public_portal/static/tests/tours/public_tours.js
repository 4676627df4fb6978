/** @odoo-module **/
import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");

// A consumer scans a genuine unit for the first time, reads the answer and goes to manual entry.
tours.add("trace_public_consumer", {
    steps: () => [
        { content: "The answer says genuine", trigger: "#tp-genuine h1:contains('Genuine product')" },
        { content: "with the product", trigger: "#tp-genuine .tp-product-name:contains('Green Tea 500 ml')" },
        { content: "first check", trigger: "#tp-history:contains('This is the first verification of this code.')" },
        { content: "lot and dates", trigger: "#tp-details dd:contains('L2611A')" },
        { content: "no warning for a first check", trigger: "body:not(:has(#tp-suspicious))" },
        { content: "Type a code by hand", trigger: ".tp-footer a[href='/verify']", run: "click" },
        { content: "the manual entry page", trigger: "#tp-form input#tp-code" },
    ],
});

// A buyer checks a code that was checked before, in other cities: the history and the warning, never "fake".
tours.add("trace_public_repeated", {
    steps: () => [
        { content: "still genuine", trigger: "#tp-genuine h1:contains('Genuine product')" },
        { content: "never the not-found answer", trigger: "body:not(:has(#tp-not-found))" },
        { content: "the warning", trigger: "#tp-suspicious:contains('different cities')" },
        { content: "what to do", trigger: "#tp-suspicious:contains('If you checked it yourself before, all is well')" },
        { content: "the first check", trigger: "#tp-history:contains('First verified on'):contains('Changchun')" },
        { content: "the count", trigger: "#tp-history:contains('times in all')" },
    ],
});

// A code typed by hand the way people type it (lower case, dashes, O for 0), then a wrong one.
tours.add("trace_public_manual_entry", {
    steps: () => [
        {
            content: "Type the code printed under the QR code",
            trigger: "#tp-form input#tp-code",
            async run(helpers) {
                await helpers.edit(decodeURIComponent(window.location.hash.slice("#typed=".length)));
            },
        },
        { content: "Verify", trigger: "#tp-form button[type='submit']", run: "click" },
        { content: "genuine", trigger: "#tp-genuine h1:contains('Genuine product')" },
        { content: "back to manual entry", trigger: ".tp-footer a[href='/verify']", run: "click" },
        { content: "a code that is not ours", trigger: "#tp-form input#tp-code", run: "edit NOT-A-CODE-OF-OURS" },
        { content: "Verify", trigger: "#tp-form button[type='submit']", run: "click" },
        { content: "the one answer for what is not ours", trigger: "#tp-not-found h1:contains('We cannot confirm this code')" },
    ],
});

// Staff open a unit's Digital Link: the registry's full trace, in the back office.
tours.add("trace_public_staff", {
    steps: () => [
        { content: "the back office's trace of the code", trigger: ".o_trace_home .o_trace_result" },
        { content: "the code searched", trigger: ".o_trace_search_input:value(/^[0-9A-Z]{20}$/)" },
    ],
});
