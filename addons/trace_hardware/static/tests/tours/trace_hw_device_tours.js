/** @odoo-module **/
import { registry } from "@web/core/registry";

// A camera added to a station from the back office: the device form shows the fields of the
// driver chosen (network for a TCP camera, not the serial port), and its settings reach the JSON
// the proxy gets.
registry.category("web_tour.tours").add("trace_hardware_device_form", {
    steps: () => [
        { trigger: ".o_form_view a[name='devices'], .o_form_view .nav-link:contains('Devices')", run: "click" },
        { trigger: ".o_field_widget[name='device_ids'] .o_field_x2many_list_row_add a", run: "click" },
        { trigger: ".modal div[name='name'] input", run: "edit Capper camera" },
        { trigger: ".modal div[name='code'] input", run: "edit cam2" },
        { trigger: ".modal div[name='serial_port']" },
        { trigger: ".modal div[name='driver'] select", run: 'select "tcp_reader"' },
        { trigger: ".modal:not(:has(div[name='serial_port'])) div[name='host'] input", run: "edit 192.168.10.21" },
        { trigger: ".modal div[name='tcp_port'] input", run: "edit 2001" },
        { trigger: ".modal div[name='terminator'] select", run: 'select "\\\\r"' },
        { trigger: ".modal div[name='settings_text']:contains('192.168.10.21')" },
        { trigger: ".modal .o_form_button_save", run: "click" },
        { trigger: "body:not(:has(.modal)) .o_data_row:contains('cam2')" },
        { trigger: ".o_form_view .o_form_button_save", run: "click" },
        { trigger: ".o_form_view .o_form_status_indicator_buttons.invisible:not(:visible)" },
    ],
});
