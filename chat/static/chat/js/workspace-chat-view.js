// What one chat's panel shows: its metadata and triage answers, the lines of its log (the seeker's
// words only ever as textContent), and whether the composer can be used (only with the chat's keys).

import { $$, minutes, readJson, t } from "./staff-page.js";

const triageTexts = readJson("triage-texts") || {};
function triageList(chat) {
  const list = chat.panel.querySelector(".triage");
  list.replaceChildren();
  const entries = Object.entries(chat.triage || {});
  for (const [question, answer] of entries) {
    const known = triageTexts[question];
    const term = document.createElement("dt");
    term.textContent = known ? known.text : question;
    const value = document.createElement("dd");
    value.textContent = known && known.options[answer] ? known.options[answer] : answer;
    list.append(term, value);
  }
  chat.panel.querySelector(".triage-none").hidden = entries.length > 0;
}

export function renderMeta(chat) {
  const panel = chat.panel;
  panel.querySelector(".meta-priority").textContent = t(`priority_${chat.priority}`);
  panel.querySelector(".meta-priority").dataset.priority = chat.priority;
  panel.querySelector(".meta-waited").textContent = minutes(chat.waited);
  panel.querySelector(".meta-language").textContent = chat.language;
  panel.querySelector(".meta-pathway").textContent = chat.pathway || "—";
  triageList(chat);
}

export function logLine(chat, kind, text, { author = "" } = {}) {
  const log = chat.panel.querySelector(".chat-log");
  const box = log.parentElement;
  const item = document.createElement("li");
  item.className = `line line-${kind}`;
  if (author) {
    const who = document.createElement("span");
    who.className = "author";
    who.textContent = `${author}: `;
    item.append(who);
  }
  const body = document.createElement("span");
  body.className = "body";
  body.textContent = text;
  item.append(body);
  log.append(item);
  box.scrollTop = box.scrollHeight;
  return item;
}

export function logResource(chat, envelope, author) {
  const item = logLine(chat, author === t("you") ? "mine" : "theirs", "", { author });
  const link = document.createElement("a");
  link.href = envelope.url;
  link.textContent = envelope.title || envelope.url;
  link.rel = "noopener noreferrer";
  link.target = "_blank";
  const body = item.querySelector(".body");
  body.textContent = `${t("shared_resource")} `;
  body.append(link);
  return item;
}

export function setComposerEnabled(chat) {
  const ready = Boolean(chat.cipher) && !chat.ended;
  for (const element of $$(".needs-keys", chat.panel)) element.disabled = !ready;
  // Once the chat is over there is nothing to write: the composer, canned responses and sharing go,
  // and the transcript stays readable beside the wrap-up until that is saved.
  for (const selector of [".composer", ".canned", ".resource-form"]) {
    if (chat.ended) chat.panel.querySelector(selector).hidden = true;
  }
  chat.panel.querySelector(".secure-state").textContent = chat.ended
    ? t("chat_over")
    : ready
      ? t("secure_ready")
      : t("secure_waiting");
}
