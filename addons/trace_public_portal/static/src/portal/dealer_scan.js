/** @odoo-module **/
import { Component, onMounted, useRef, useState } from "@odoo/owl";
import { isBarcodeScannerSupported } from "@web/core/barcode/barcode_video_scanner";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { portalJson } from "./portal_json";
import { ScanQueue, cameraText, enteredText } from "./scan_tools";

// how many scans the page keeps on screen
const MAX_LOG = 30;

/**
 * The dealer's scan page on the portal: a text input that takes a scan gun (keyboard wedge:
 * the code and Enter), typing or pasting, and the phone camera through Community's barcode
 * dialog (the browser's BarcodeDetector, or ZXing where it has none). Every scan goes to the
 * server, which answers with trace_stock's typed refusals and the transfer's summary; scans are
 * sent one after the other, so a fast scan gun loses none.
 */
export class DealerScan extends Component {
    static template = "trace_public_portal.DealerScan";
    static props = {
        pickingId: Number,
        kind: String,
        csrfToken: String,
        summary: Object,
        scans: Array,
    };

    setup() {
        this.input = useRef("input");
        this.cameraSupported = isBarcodeScannerSupported();
        this.nextId = 1;
        this.scans = new ScanQueue((item) => this.send(item), (busy) => (this.state.busy = busy));
        this.state = useState({
            summary: this.props.summary,
            log: this.props.scans.map((scan) => this.storedEntry(scan)),
            mode: "scan",
            busy: false,
            notice: null,
            askBackorder: false,
        });
        onMounted(() => this.focus());
    }

    get placeholder() {
        return this.state.mode === "scan" ? _t("Scan, type or paste a code") : _t("Scan the code to take out");
    }

    /** A log entry for a scan the transfer already holds (from the server). */
    storedEntry(scan) {
        return {
            id: this.nextId++,
            ok: true,
            stored: true,
            text: scan.code,
            code: scan.code,
            units: scan.units,
            detail: [scan.level, scan.product, scan.lot].filter(Boolean).join(" · "),
        };
    }

    focus() {
        if (this.input.el && !this.state.summary.closed) {
            this.input.el.focus();
        }
    }

    setMode(mode) {
        this.state.mode = mode;
        this.focus();
    }

    request(action, payload, method = "POST") {
        const url = `/my/trace/scan/${this.props.pickingId}/${action}`;
        return portalJson(url, this.props.csrfToken, method === "POST" ? payload || {} : undefined);
    }

    /** Queue a scan (or an un-scan, in "take out" mode) and send the queue in order. */
    async submit(text, options = {}) {
        text = (text || "").trim();
        if (text && (await this.scans.push({ text, unscan: this.state.mode === "unscan", ...options }))) {
            this.focus();
        }
    }

    async send({ text, unscan, unpack = false, source = "keyboard" }) {
        const answer = unscan
            ? await this.request("unscan", { text })
            : await this.request("scan", { text, unpack, source });
        if (answer.summary) {
            this.state.summary = answer.summary;
        }
        this.state.notice = null;
        this.state.askBackorder = false;
        this.state.log.unshift({
            id: this.nextId++,
            ok: Boolean(answer.ok),
            unscan,
            text,
            code: answer.code || text,
            units: answer.units,
            error: answer.error,
            message: answer.message,
            canUnpack: Boolean(answer.can_unpack),
            source,
        });
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
        await this.submit(text, { source: "camera" });
    }

    unpack(entry) {
        entry.canUnpack = false;
        this.state.mode = "scan";
        this.submit(entry.text, { unpack: true, source: entry.source });
    }

    async validate(backorder) {
        this.state.busy = true;
        const answer = await this.request("validate", backorder === undefined ? {} : { backorder });
        this.state.busy = false;
        if (answer.summary) {
            this.state.summary = answer.summary;
        }
        this.state.askBackorder = answer.error === "incomplete";
        if (answer.ok) {
            this.state.notice = {
                ok: true,
                message: answer.backorder
                    ? _t("Validated. What is missing stays open in %s.", answer.backorder)
                    : _t("Validated."),
            };
        } else {
            this.state.notice = { ok: false, message: answer.message };
        }
    }

    async cancel() {
        if (!window.confirm(_t("Cancel this transfer? The codes scanned into it are free again."))) {
            return;
        }
        const answer = await this.request("cancel", {});
        if (answer.summary) {
            this.state.summary = answer.summary;
        }
        this.state.notice = answer.ok ? null : { ok: false, message: answer.message };
    }

    async refresh() {
        const answer = await this.request("state", undefined, "GET");
        if (!answer.ok) {
            this.state.notice = { ok: false, message: answer.message };
            return;
        }
        this.state.summary = answer.summary;
        this.state.log = answer.scans.map((scan) => this.storedEntry(scan));
        this.focus();
    }

    entryClass(entry) {
        if (!entry.ok) {
            return "list-group-item-danger";
        }
        return entry.unscan ? "list-group-item-warning" : "list-group-item-success";
    }
}

registry.category("public_components").add("trace_public_portal.dealer_scan", DealerScan);
