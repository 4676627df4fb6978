/** @odoo-module **/
import { registry } from "@web/core/registry";

// An inspector in a shop of 长春 on a phone: chooses the city and the county, names the shop,
// scans a code that is not ours, then a unit shipped to a dealer in Shanghai: diverted.
registry.category("web_tour.tours").add("trace_inspector_scan", {
    steps: () => [
        { content: "the inspector page", trigger: "#tp-inspect-page" },
        {
            content: "scanning before choosing the city is refused",
            trigger: "input.tp-inspect-input",
            async run(helpers) {
                await helpers.edit("ANY-CODE");
                await helpers.press("Enter");
            },
        },
        { content: "choose the city first", trigger: "#tp-inspect-notice.alert-danger" },
        {
            content: "the city: 长春市",
            trigger: "#tp-inspect-city",
            run: "selectByLabel 长春市",
        },
        { content: "its counties are offered", trigger: "#tp-inspect-county:enabled:has(option:contains('南关区'))" },
        { content: "the county", trigger: "#tp-inspect-county", run: "selectByLabel 南关区" },
        { content: "the shop", trigger: "#tp-inspect-shop", run: "edit 长春茶叶店 人民大街 88号" },
        {
            content: "scan a code that is not ours",
            trigger: "input.tp-inspect-input",
            async run(helpers) {
                await helpers.edit("NOT-A-CODE-OF-OURS");
                await helpers.press("Enter");
            },
        },
        { content: "refused, in red", trigger: "#tp-inspect-log li.tp-inspect-entry[data-verdict='refused']" },
        {
            content: "scan the unit with the scan gun",
            trigger: "input.tp-inspect-input",
            async run(helpers) {
                const code = new URLSearchParams(window.location.hash.slice(1)).get("code");
                await helpers.edit(code);
                await helpers.press("Enter");
            },
        },
        {
            content: "diverted: shipped to Dealer A for Shanghai",
            trigger: "#tp-inspect-log li.tp-inspect-entry[data-verdict='diverted']:contains('Dealer A'):contains('上海市')",
        },
        { content: "the alert is named", trigger: "#tp-inspect-log li[data-verdict='diverted'] .tp-inspect-message:contains('DV/')" },
    ],
});
