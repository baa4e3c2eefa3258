// The counsellor's own status (available, break, offline; chats held against the limit; wrap-ups
// due), why "Take the next chat" is refused right now, and the live queue summary.

import { $, $$, minutes, t } from "./staff-page.js";
import { isOpen } from "./staff-socket.js";
import { identity } from "./workspace-identity.js";

export const me = { state: "offline", active: 0, limit: 0, wrapups: [], name: "" };

export function renderStatus() {
  const wrapupDue = me.wrapups.length > 0;
  const shown = wrapupDue ? "wrapup" : me.state;
  $("#counsellor-status").dataset.status = shown;
  $("#counsellor-status").textContent = t(`status_${shown}`);
  $("#counsellor-load").textContent = t("load", { active: me.active, limit: me.limit });
  for (const button of $$("[data-set-status]")) {
    button.setAttribute("aria-pressed", String(button.dataset.setStatus === me.state));
  }
  updateTakeButton();
}

export function takeRefusal() {
  if (!identity.cert) return t("take_needs_certificate");
  if (!isOpen()) return t("not_connected");
  if (me.wrapups.length) return t("take_needs_wrapup");
  if (me.state !== "available") return t("take_needs_available");
  if (me.limit && me.active >= me.limit) return t("take_at_limit");
  return "";
}

export function updateTakeButton() {
  const button = $("#take-next");
  if (!button) return;
  const reason = takeRefusal();
  button.setAttribute("aria-disabled", String(Boolean(reason)));
  $("#take-next-why").textContent = reason;
}

export function renderQueue(summary) {
  $("#queue-total").textContent = t("queue_total", { n: summary.total });
  const fill = (tableId, rows, label) => {
    const body = $(`#${tableId} tbody`);
    body.replaceChildren();
    const entries = Object.entries(rows || {});
    for (const [code, entry] of entries) {
      const row = document.createElement("tr");
      for (const text of [label(code), String(entry.count), minutes(entry.longest_wait)]) {
        const cell = document.createElement("td");
        cell.textContent = text;
        row.append(cell);
      }
      body.append(row);
    }
    $(`#${tableId}`).hidden = entries.length === 0;
  };
  fill("queue-by-priority", summary.by_priority, (code) => t(`priority_${code}`));
  fill("queue-by-language", summary.by_language, (code) => code);
}

/** Frames about the counsellor and the queue. */
export const statusHandlers = {
  hello(frame) {
    me.name = frame.name;
  },
  queue_summary(frame) {
    renderQueue(frame);
  },
};
