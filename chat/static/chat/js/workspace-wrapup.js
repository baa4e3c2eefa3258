// The wrap-up every chat ends with (docs/PROTOCOL.md 3.4, `wrapup`): the form built from the
// server's choices (helpline/wrapup.py), checked in the page before it is sent, and shown when the
// chat ends, after which the panel's composer is closed.

import { $$, readJson, strings, t } from "./staff-page.js";
import { send } from "./staff-socket.js";
import { logLine, setComposerEnabled } from "./workspace-chat-view.js";
import { renderTab } from "./workspace-tabs.js";

const wrapupChoices = readJson("wrapup-choices") || {};

export function buildWrapupForm(chat) {
  const form = chat.panel.querySelector(".wrapup-form");
  for (const group of $$("[data-choices]", form)) {
    const name = group.dataset.choices;
    const multiple = group.dataset.multiple === "true";
    for (const [code, label] of wrapupChoices[name] || []) {
      const id = `wrapup-${name}-${code}-${chat.number}`;
      const wrapper = document.createElement("div");
      wrapper.className = "choice";
      const input = document.createElement("input");
      input.type = multiple ? "checkbox" : "radio";
      input.name = name;
      input.value = code;
      input.id = id;
      const labelElement = document.createElement("label");
      labelElement.setAttribute("for", id);
      labelElement.textContent = label;
      wrapper.append(input, labelElement);
      group.append(wrapper);
    }
  }
}

export function submitWrapup(chat) {
  const form = chat.panel.querySelector(".wrapup-form");
  const one = (name) => (form.querySelector(`input[name="${name}"]:checked`) || {}).value || "";
  const several = (name) => $$(`input[name="${name}"]:checked`, form).map((input) => input.value);
  const frame = {
    type: "wrapup",
    session: chat.session,
    concern: one("concern"),
    protective_action: one("protective_action"),
    referrals: several("referrals"),
    risk: several("risk"),
    outcome: one("outcome"),
  };
  const missing = [];
  for (const name of ["concern", "protective_action", "outcome"]) if (!frame[name]) missing.push(name);
  for (const name of ["referrals", "risk"]) if (!frame[name].length) missing.push(name);
  for (const name of ["referrals", "risk"]) {
    if (frame[name].includes("none") && frame[name].length > 1) missing.push(name);
  }
  const error = form.querySelector(".wrapup-error");
  for (const group of $$("[data-choices]", form)) {
    group.closest("fieldset").classList.toggle("field-with-error", missing.includes(group.dataset.choices));
  }
  if (missing.length) {
    error.textContent = t("wrapup_incomplete");
    error.hidden = false;
    error.focus();
    return;
  }
  error.hidden = true;
  send(frame);
}

export function showWrapup(chat, reason) {
  chat.ended = true;
  chat.cipher = null;
  chat.handshake = null;
  chat.wrapupDue = true;
  setComposerEnabled(chat);
  chat.panel.querySelector(".chat-actions").hidden = true;
  const section = chat.panel.querySelector(".wrapup");
  // The wrap-up comes forward: into the context pane, beside the transcript, where the actions were.
  chat.panel.querySelector(".chat-side").prepend(section);
  section.hidden = false;
  if (!chat.panel.hidden) chat.panel.scrollIntoView({ block: "start" });
  chat.label = t("chat_label_wrapup", { n: chat.number });
  renderTab(chat);
  if (reason) logLine(chat, "system", strings[`ended_${reason}`] || t("ended_other"));
}
