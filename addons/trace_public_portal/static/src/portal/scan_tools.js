/** @odoo-module **/
import { scanBarcode } from "@web/core/barcode/barcode_dialog";

/**
 * Scans sent one after the other, in the order they came: a fast scan gun loses none.
 * ``send(item)`` sends one; ``busy(flag)`` says when the queue starts and stops running.
 */
export class ScanQueue {
    constructor(send, busy) {
        this.items = [];
        this.running = false;
        this.send = send;
        this.busy = busy;
    }

    /** Queue ``item``; answers true once this call has sent the queue empty, false if a running one will. */
    async push(item) {
        this.items.push(item);
        if (this.running) {
            return false;
        }
        this.running = true;
        this.busy(true);
        while (this.items.length) {
            await this.send(this.items.shift());
        }
        this.running = false;
        this.busy(false);
        return true;
    }
}

/** The text a scan gun (keyboard wedge: the code and Enter) typed into the input, which is emptied; else null. */
export function enteredText(ev) {
    if (ev.key !== "Enter") {
        return null;
    }
    ev.preventDefault();
    const text = ev.target.value;
    ev.target.value = "";
    return text;
}

/** A code read by the phone camera (Community's barcode dialog): ``{text}`` or ``{error}``. */
export async function cameraText(env) {
    try {
        return { text: await scanBarcode(env) };
    } catch (error) {
        return { error: (error && error.message) || String(error) };
    }
}
