/** @odoo-module **/
import { registry } from "@web/core/registry";

// A Traceability manager adds a sub-dealer from Traceability > Distribution > Dealers: its address
// in 吴中区 (the county field appears once the country is China; choosing the county fills the
// province and the city), its parent dealer, and a territory of a province, a city and a county line
// (each line's coarser levels filled from its finest); saved, it is listed with its territory.
const pick = (field, text, item, scope = ".o_form_view") => [
    { trigger: `${scope} .o_field_widget[name='${field}'] input`, run: `edit ${text}` },
    { trigger: `.o-autocomplete--dropdown-menu .o-autocomplete--dropdown-item a:contains('${item}')`, run: "click" },
];
const ROW = ".o_field_widget[name='trace_territory_ids'] .o_data_row.o_selected_row";
// a new line, once its default country has come back from the server (the row is re-rendered then)
const addLine = (count) => [
    { trigger: ".o_field_widget[name='trace_territory_ids'] .o_field_x2many_list_row_add a", run: "click" },
    { trigger: `.o_field_widget[name='trace_territory_ids'] .o_data_row:nth-child(${count}).o_selected_row` },
    { trigger: `${ROW} .o_field_widget[name='country_id'] input:value(China)` },
];

registry.category("web_tour.tours").add("trace_dealer_territory", {
    steps: () => [
        { trigger: ".o_list_view .o_list_button_add", run: "click" },
        {
            // partner_autocomplete, when installed, makes the name an input, else it is a textarea
            trigger: ".o_form_view .o_field_widget[name='name'] input, .o_form_view .o_field_widget[name='name'] textarea",
            run: "edit Tour Sub Dealer",
        },
        { trigger: ".o_form_view:not(:has(.o_field_widget[name='trace_county_id']))" },
        ...pick("country_id", "China", "China"),
        ...pick("trace_county_id", "吴中", "吴中区"),
        { trigger: ".o_field_widget[name='state_id'] input:value(江苏省)" },
        { trigger: ".o_field_widget[name='city_id'] input:value(苏州市吴中区)" },
        { trigger: ".o_notebook a.nav-link[name='trace_dealer']", run: "click" },
        ...pick("trace_parent_dealer_id", "Tour Parent", "Tour Parent Dealer"),
        ...addLine(1),
        ...pick("state_id", "浙江", "浙江省", ROW),
        ...addLine(2),
        ...pick("prefecture_id", "苏州", "苏州市", ROW),
        { trigger: `${ROW} .o_field_widget[name='state_id'] input:value(江苏省)` },
        ...addLine(3),
        ...pick("county_id", "玄武", "玄武区", ROW),
        { trigger: `${ROW} .o_field_widget[name='prefecture_id'] input:value(江苏省 南京市)` },
        { trigger: ".o_form_view .o_form_button_save", run: "click" },
        { trigger: ".o_form_view .o_form_status_indicator_buttons.invisible:not(:visible)" },
        { trigger: ".o_field_widget[name='trace_dealer_level']:contains(2)" },
        { trigger: ".o_breadcrumb .breadcrumb-item a:contains('Dealers')", run: "click" },
        {
            trigger: ".o_list_view .o_data_row:contains('Tour Sub Dealer'):contains('浙江省'):contains('苏州市'):contains('玄武区')",
        },
        { trigger: ".o_list_view .o_data_row:contains('Tour Sub Dealer'):contains('Tour Parent Dealer')" },
    ],
});
