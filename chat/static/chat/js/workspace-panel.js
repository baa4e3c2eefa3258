// One chat's panel, built from the page's templates, and its controls: the composer (sealed with the
// chat's keys before anything leaves the page), canned responses, sharing a self-help page, asking a
// supervisor for help, ending, blocking and the wrap-up form.

import { $, $$, announce, readJson, t } from "./staff-page.js";
import { isShareablePath, normaliseSharePath } from "./share-paths.js";
import { send } from "./staff-socket.js";
import { logLine, logResource, setComposerEnabled } from "./workspace-chat-view.js";
import { addChat } from "./workspace-tabs.js";
import { buildWrapupForm, submitWrapup } from "./workspace-wrapup.js";

const canned = readJson("canned-responses") || [];
const resources = readJson("share-resources") || [];
const MAX_MESSAGE_CHARS = 4000;

let tabCounter = 0;

export function makeChat(session) {
  tabCounter += 1;
  const number = tabCounter;
  const tab = $("#chat-tab-template").content.firstElementChild.cloneNode(true);
  const panel = $("#chat-panel-template").content.firstElementChild.cloneNode(true);
  tab.id = `chat-tab-${number}`;
  panel.id = `chat-panel-${number}`;
  tab.setAttribute("aria-controls", panel.id);
  panel.setAttribute("aria-labelledby", tab.id);
  for (const element of $$("[data-id]", panel)) {
    element.id = `${element.dataset.id}-${number}`;
  }
  for (const element of $$("[data-for]", panel)) {
    element.setAttribute("for", `${element.dataset.for}-${number}`);
  }
  for (const element of $$("[data-describedby]", panel)) {
    element.setAttribute("aria-describedby", `${element.dataset.describedby}-${number}`);
  }
  const chat = {
    session,
    number,
    label: t("chat_label", { n: number }),
    tab,
    panel,
    triage: {},
    priority: "normal",
    pathway: "",
    language: "",
    waited: 0,
    state: "assigned",
    hs: "",
    handshake: null,
    cipher: null,
    unread: 0,
    unacked: new Map(), // seq -> { ct, element }
    ended: false,
    wrapupDue: false,
  };
  fillForLanguage(chat);
  buildWrapupForm(chat);
  wirePanel(chat);
  addChat(chat);
  return chat;
}

// Only what suits this chat: responses and pages in the chat's language (its pages link in that
// language). Until the chat's language is known, or if none is in it, every item the counsellor has.
function forLanguage(items, language) {
  const matching = items.filter((item) => item.language === language);
  return matching.length ? matching : items;
}

function fillSelect(select, items, keep, valueOf) {
  for (const option of [...select.options].slice(keep)) option.remove();
  for (const item of items) {
    const option = document.createElement("option");
    option.value = valueOf(item);
    option.textContent = `${item.title} (${item.language})`;
    option.dataset.title = item.title;
    select.append(option);
  }
}

export function fillForLanguage(chat) {
  const panel = chat.panel;
  const shownCanned = forLanguage(canned, chat.language);
  fillSelect(panel.querySelector(".canned-select"), shownCanned, 0, (item) => String(item.id));
  panel.querySelector(".canned").hidden = shownCanned.length === 0;
  const shownResources = forLanguage(resources, chat.language);
  fillSelect(panel.querySelector(".resource-select"), shownResources, 1, (item) => item.path);
  panel.querySelector(".resource-choose").hidden = shownResources.length === 0;
}

async function sendEnvelope(chat, envelope, shown) {
  if (!chat.cipher || chat.ended) {
    announce(t("secure_waiting"), { urgent: true });
    return false;
  }
  const { seq, ct } = await chat.cipher.seal(JSON.stringify(envelope));
  const element = shown();
  element.dataset.seq = String(seq);
  element.classList.add("pending");
  chat.unacked.set(seq, { ct, element });
  send({ type: "msg", session: chat.session, seq, ct });
  return true;
}

function wirePanel(chat) {
  const panel = chat.panel;
  const textarea = panel.querySelector(".composer-text");
  textarea.maxLength = MAX_MESSAGE_CHARS;
  panel.querySelector(".composer").addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = textarea.value.trim();
    if (!body) return;
    const sent = await sendEnvelope(chat, { t: "text", body }, () => logLine(chat, "mine", body, { author: t("you") }));
    if (sent) textarea.value = "";
  });
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      panel.querySelector(".composer").requestSubmit();
    }
  });
  panel.querySelector(".canned-insert").addEventListener("click", () => {
    const chosen = canned.find((item) => String(item.id) === panel.querySelector(".canned-select").value);
    if (!chosen) return;
    const start = textarea.selectionStart ?? textarea.value.length;
    const end = textarea.selectionEnd ?? textarea.value.length;
    textarea.value = (textarea.value.slice(0, start) + chosen.body + textarea.value.slice(end)).slice(0, MAX_MESSAGE_CHARS);
    textarea.focus();
  });
  panel.querySelector(".resource-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const select = panel.querySelector(".resource-select");
    const typed = panel.querySelector(".resource-path").value.trim();
    let path = typed;
    let title = panel.querySelector(".resource-title").value.trim();
    if (!typed && select.value) {
      path = select.value;
      title = select.selectedOptions[0].dataset.title || "";
    }
    path = normaliseSharePath(path);
    const error = panel.querySelector(".resource-error");
    if (!isShareablePath(path)) {
      error.textContent = t("resource_bad_path");
      error.hidden = false;
      return;
    }
    error.hidden = true;
    const envelope = { t: "resource", url: `${window.location.origin}${path}`, title: title || path };
    const sent = await sendEnvelope(chat, envelope, () => logResource(chat, envelope, t("you")));
    if (sent) {
      panel.querySelector(".resource-path").value = "";
      panel.querySelector(".resource-title").value = "";
    }
  });
  panel.querySelector(".ask-help").addEventListener("click", () => {
    if (send({ type: "help", session: chat.session })) {
      logLine(chat, "system", t("help_sent"));
      announce(t("help_sent"));
    }
  });
  panel.querySelector(".end-chat").addEventListener("click", () => {
    send({ type: "end", session: chat.session });
  });
  const blockStart = panel.querySelector(".block-start");
  const blockConfirm = panel.querySelector(".block-confirm");
  blockStart.addEventListener("click", () => {
    panel.querySelector(".block-confirmation").hidden = false;
    blockConfirm.focus();
  });
  panel.querySelector(".block-cancel").addEventListener("click", () => {
    panel.querySelector(".block-confirmation").hidden = true;
    blockStart.focus();
  });
  blockConfirm.addEventListener("click", () => {
    panel.querySelector(".block-confirmation").hidden = true;
    send({ type: "block", session: chat.session });
  });
  panel.querySelector(".wrapup-form").addEventListener("submit", (event) => {
    event.preventDefault();
    submitWrapup(chat);
  });
  setComposerEnabled(chat);
}
