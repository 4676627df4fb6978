/** @odoo-module **/
import { Component, onMounted, useRef, useState } from "@odoo/owl";
import { isBarcodeScannerSupported } from "@web/core/barcode/barcode_video_scanner";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { portalJson } from "@trace_public_portal/portal/portal_json";
import { ScanQueue, cameraText, enteredText } from "@trace_public_portal/portal/scan_tools";

// how many answers the page keeps on screen
const MAX_LOG = 30;

/**
 * The inspector's page: where (city, county, shop) once, then one scan after the other by scan
 * gun, typing or the phone camera. The precise position is asked of the browser only after the
 * inspector ticks to share it, and sent with each scan only then. Each answer says where the
 * code was shipped for and whether a rule found it diverted.
 */
export class InspectorScan extends Component {
    static template = "trace_diversion.InspectorScan";
    static props = { csrfToken: String, provinces: Array };

    setup() {
        this.input = useRef("input");
        this.cameraSupported = isBarcodeScannerSupported();
        this.nextId = 1;
        this.scans = new ScanQueue((item) => this.send(item), (busy) => (this.state.busy = busy));
        this.state = useState({
            city: "",
            county: "",
            counties: [],
            shop: "",
            note: "",
            share: false,
            position: null,
            notice: null,
            busy: false,
            log: [],
        });
        onMounted(() => this.input.el && this.input.el.focus());
    }

    async onCity(ev) {
        this.state.city = ev.target.value;
        this.state.county = "";
        this.state.counties = [];
        if (!this.state.city) {
            return;
        }
        const answer = await this.request(`/my/trace/inspect/counties?city=${encodeURIComponent(this.state.city)}`);
        this.state.counties = answer.ok ? answer.counties : [];
    }

    onShare(ev) {
        this.state.share = ev.target.checked;
        this.state.position = null;
        if (!this.state.share) {
            return;
        }
        if (!navigator.geolocation) {
            this.state.notice = { ok: false, message: _t("This browser cannot tell the position.") };
            this.state.share = false;
            return;
        }
        navigator.geolocation.getCurrentPosition(
            (position) => {
                if (this.state.share) {
                    this.state.position = [position.coords.latitude, position.coords.longitude];
                }
            },
            () => {
                this.state.share = false;
                this.state.notice = { ok: false, message: _t("The position is not shared: scans go without it.") };
            },
            { enableHighAccuracy: true, timeout: 15000 }
        );
    }

    request(url, payload) {
        return portalJson(url, this.props.csrfToken, payload);
    }

    async submit(text, source = "keyboard") {
        text = (text || "").trim();
        if (!text) {
            return;
        }
        if (!this.state.city) {
            this.state.notice = { ok: false, message: _t("Choose the city first.") };
            return;
        }
        if ((await this.scans.push({ text, source })) && this.input.el) {
            this.input.el.focus();
        }
    }

    async send({ text, source }) {
        const payload = {
            text,
            source,
            city: parseInt(this.state.city),
            county: this.state.county ? parseInt(this.state.county) : null,
            shop: this.state.shop.trim() || null,
            note: this.state.note.trim() || null,
        };
        if (this.state.share && this.state.position) {
            [payload.latitude, payload.longitude] = this.state.position;
        }
        const answer = await this.request("/my/trace/inspect/scan", payload);
        this.state.notice = null;
        this.state.log.unshift({ id: this.nextId++, text, ...answer });
        this.state.log.splice(MAX_LOG);
    }

    onKeydown(ev) {
        const text = enteredText(ev);
        if (text !== null) {
            this.submit(text);
        }
    }

    async openCamera() {
        const { text, error } = await cameraText(this.env);
        if (error) {
            this.state.notice = { ok: false, message: error };
            return;
        }
        await this.submit(text, "camera");
    }

    entryClass(entry) {
        if (!entry.ok) {
            return "list-group-item-danger";
        }
        return {
            diverted: "list-group-item-danger",
            not_active: "list-group-item-danger",
            not_shipped: "list-group-item-warning",
        }[entry.verdict] || "list-group-item-success";
    }
}

registry.category("public_components").add("trace_diversion.inspector_scan", InspectorScan);
