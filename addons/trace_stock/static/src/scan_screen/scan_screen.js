/** @odoo-module **/
import { Component, onMounted, onWillStart, useRef, useState } from "@odoo/owl";
import { isBarcodeScannerSupported } from "@web/core/barcode/barcode_video_scanner";
import { scanBarcode } from "@web/core/barcode/barcode_dialog";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useBus, useService } from "@web/core/utils/hooks";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

/** A short tone: high for an accepted scan, low and long for a refusal (heard on a noisy floor). */
function beep(ok) {
    try {
        const audio = new (window.AudioContext || window.webkitAudioContext)();
        const tone = audio.createOscillator();
        const gain = audio.createGain();
        tone.frequency.value = ok ? 1200 : 220;
        tone.type = ok ? "sine" : "square";
        gain.gain.value = 0.1;
        tone.connect(gain).connect(audio.destination);
        tone.start();
        tone.stop(audio.currentTime + (ok ? 0.12 : 0.45));
    } catch {
        // no audio on this device: the colours say it
    }
}

/**
 * The warehouse scan screen of a transfer (delivery, receipt, internal): scan units, cases and
 * pallets (scan gun, keyboard, phone camera) until the demand is met, then validate. Without a
 * transfer, the first scan of a transfer's barcode opens it.
 */
export class TraceScanScreen extends Component {
    static template = "trace_stock.ScanScreen";
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.notification = useService("notification");
        this.state = useState({ pickingId: this.props.action.context?.active_id || null, summary: null, scans: [],
                                flash: null, busy: false });
        this.cameraSupported = isBarcodeScannerSupported();
        this.input = useRef("scan");
        useBus(useService("barcode").bus, "barcode_scanned", (ev) => this.onScan(ev.detail.barcode));
        onWillStart(() => this.load());
        onMounted(() => this.input.el?.focus());
    }

    async load() {
        if (this.state.pickingId) {
            this.state.summary = await this.orm.call("stock.picking", "trace_summary", [[this.state.pickingId]]);
        }
    }

    async onScan(text, unpack = false) {
        text = (text || "").trim();
        if (!text || this.state.busy) {
            return;
        }
        this.state.busy = true;
        try {
            if (!this.state.pickingId) {
                const found = await this.orm.call("stock.picking", "trace_find_transfer", [text]);
                this.report(found.ok, text, found.ok ? found.name : found.message);
                if (found.ok) {
                    this.state.pickingId = found.id;
                    await this.load();
                }
                return;
            }
            const answer = await this.orm.call("stock.picking", "trace_scan", [[this.state.pickingId], text], { unpack });
            this.state.summary = answer.summary;
            const message = answer.ok ? _t("%(units)s units", { units: answer.units }) : answer.message;
            this.report(answer.ok, text, message,
                { canUnpack: answer.can_unpack, level: answer.level, canUnscan: answer.ok || answer.error === "already_scanned" });
        } finally {
            this.state.busy = false;
            if (this.input.el) {
                this.input.el.value = "";
                this.input.el.focus();
            }
        }
    }

    report(ok, code, message, extra = {}) {
        this.state.scans.unshift({ id: Date.now() + Math.random(), ok, code, message, ...extra });
        this.state.scans.splice(12);
        this.state.flash = ok ? "ok" : "refused";
        beep(ok);
    }

    onKeydown(ev) {
        if (ev.key === "Enter") {
            ev.preventDefault();
            this.onScan(ev.target.value);
        }
    }

    async onCamera() {
        try {
            const text = await scanBarcode(this.env);
            await this.onScan(text);
        } catch (error) {
            this.notification.add(error.message || String(error), { type: "warning" });
        }
    }

    async unpack(scan) {
        await this.onScan(scan.code, true);
    }

    async unscan(scan) {
        const answer = await this.orm.call("stock.picking", "trace_unscan", [[this.state.pickingId], scan.code]);
        this.state.summary = answer.summary;
        this.report(answer.ok, scan.code, answer.ok ? _t("Taken out of the transfer.") : answer.message);
    }

    async validate() {
        const result = await this.orm.call("stock.picking", "button_validate", [[this.state.pickingId]]);
        if (result && typeof result === "object") {
            // a backorder or immediate-transfer question: Odoo's own wizard, then back here
            await this.action.doAction(result, { onClose: () => this.load() });
        }
        await this.load();
        if (this.state.summary?.state === "done") {
            this.notification.add(_t("%(picking)s is done.", { picking: this.state.summary.picking }), { type: "success" });
        }
    }

    other() {
        this.state.pickingId = null;
        this.state.summary = null;
        this.state.scans = [];
        this.input.el?.focus();
    }
}

registry.category("actions").add("trace_stock.scan_screen", TraceScanScreen);
