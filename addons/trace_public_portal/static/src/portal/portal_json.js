/** @odoo-module **/
import { _t } from "@web/core/l10n/translation";

/**
 * A JSON request of the portal's scan pages: a POST of ``payload`` with the session's CSRF
 * token, or a GET without one. Never throws: answers the server's JSON answer, or
 * ``{ok: false, error: "offline" | "server", message}`` when there is none.
 */
export async function portalJson(url, csrfToken, payload) {
    let response;
    try {
        response = await fetch(url, {
            method: payload ? "POST" : "GET",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", Accept: "application/json" },
            body: payload ? JSON.stringify({ csrf_token: csrfToken, ...payload }) : undefined,
        });
    } catch {
        return { ok: false, error: "offline", message: _t("No connection: nothing was sent. Scan again.") };
    }
    const type = response.headers.get("Content-Type") || "";
    if (response.redirected || !type.includes("json")) {
        // the session ended (Odoo sends the login page instead)
        return { ok: false, error: "session", message: _t("You are logged out: log in again, then scan again.") };
    }
    try {
        return await response.json();
    } catch {
        return {
            ok: false,
            error: "server",
            message: _t("The server could not answer (HTTP %s). Scan again.", response.status),
        };
    }
}
