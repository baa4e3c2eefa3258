// The counsellor workspace: identity key, status, queue, chats, wrap-up (docs/PROTOCOL.md 3.4).
//
// Everything a help-seeker writes is decrypted here and only here; everything the counsellor
// writes leaves this page only as `msg` ciphertext. Nothing about a message is ever written to the
// console. Chat keys live in memory: after a reload this page asks each open chat for a fresh
// handshake (`rekey`).

import * as E2EE from "./e2ee.js";

const $ = (selector, root = document) => root.querySelector(selector);
const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

function readJson(id) {
  const element = document.getElementById(id);
  return element ? JSON.parse(element.textContent) : null;
}

const config = readJson("workspace-config");
const strings = readJson("workspace-strings");
const canned = readJson("canned-responses") || [];
const wrapupChoices = readJson("wrapup-choices") || {};
const triageTexts = readJson("triage-texts") || {};
const resources = readJson("share-resources") || [];
const csrfToken = config.csrf_token || "";

const MAX_MESSAGE_CHARS = 4000;
const RESOURCE_PATH = /^(\/[a-z]{2,3}(-[a-z0-9]{2,8})?)?\/help\/([a-z0-9_-]+\/)*([a-z0-9_-]+\/?)?$/;
const BASE_TITLE = document.title;

function t(key, values = {}) {
  let text = (strings && strings[key]) || key;
  for (const [name, value] of Object.entries(values)) text = text.split(`{${name}}`).join(String(value));
  return text;
}

function minutes(seconds) {
  const whole = Math.max(0, Math.round(seconds / 60));
  return whole < 1 ? t("under_a_minute") : t("minutes", { n: whole });
}

// ------------------------------------------------------------------------------------------
// Announcements

function announce(text, { urgent = false } = {}) {
  const region = urgent ? $("#workspace-alert") : $("#workspace-announce");
  region.textContent = "";
  // A fresh text node so that screen readers announce a repeated message again.
  window.setTimeout(() => { region.textContent = text; }, 50);
}

// ------------------------------------------------------------------------------------------
// Identity key and certificate

const identity = { key: null, cert: null, status: "none" };

function showKeyState(state, detail = "") {
  const box = $("#key-state");
  box.dataset.state = state;
  $("#key-state-text").textContent = t(`key_${state}`) + (detail ? ` ${detail}` : "");
  $("#key-help-pending").hidden = state !== "pending";
  $("#key-help-revoked").hidden = state !== "revoked";
  $("#key-renew").hidden = !(state === "revoked" || state === "error");
  updateTakeButton();
}

function certificateMatches(stored, key) {
  if (!stored || !stored.cert) return false;
  try {
    const decoded = E2EE.decodeCertificate(E2EE.b64d(stored.cert, { maximum: E2EE.MAX_CERT_BYTES }));
    const now = Math.floor(Date.now() / 1000);
    return E2EE.b64e(decoded.publicKey) === key.point && decoded.notAfter > now;
  } catch (error) {
    return false;
  }
}

async function fetchKeyStatus() {
  const url = `${config.keys_mine}?fingerprint=${encodeURIComponent(identity.key.fingerprint)}`;
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`status ${response.status}`);
  return response.json();
}

async function requestCertification() {
  const body = new URLSearchParams({ public_key: identity.key.point });
  const response = await fetch(config.keys_request, {
    method: "POST",
    credentials: "same-origin",
    headers: { "X-CSRFToken": csrfToken, Accept: "application/json" },
    body,
  });
  if (!response.ok) throw new Error(`status ${response.status}`);
  return response.json();
}

async function applyKeyStatus(data) {
  identity.status = data.status;
  if (data.status === "certified" && data.cert && data.sig_cert) {
    const stored = { cert: data.cert, sig_cert: data.sig_cert };
    if (!certificateMatches(stored, identity.key)) {
      showKeyState("error");
      return;
    }
    await E2EE.saveCertificate(stored);
    identity.cert = stored;
    showKeyState("certified", data.expires_at ? t("valid_until", { date: data.expires_at.slice(0, 10) }) : "");
    return;
  }
  identity.cert = null;
  showKeyState(data.status === "none" ? "pending" : data.status);
}

let keyPoll = null;

async function setUpIdentity() {
  try {
    identity.key = await E2EE.loadOrCreateIdentityKey();
  } catch (error) {
    showKeyState("unsupported");
    return;
  }
  $("#identity-fingerprint").textContent = E2EE.formatFingerprint(identity.key.fingerprint);
  const stored = await E2EE.loadCertificate();
  if (certificateMatches(stored, identity.key)) identity.cert = stored;
  await refreshKey();
}

async function refreshKey() {
  try {
    let data = await fetchKeyStatus();
    if (data.status === "none") data = await requestCertification();
    await applyKeyStatus(data);
  } catch (error) {
    // Keep a certificate we already hold; the server checks it on every handshake anyway.
    if (identity.cert) showKeyState("certified");
    else showKeyState("error");
  }
  window.clearTimeout(keyPoll);
  if (identity.status === "pending" || identity.status === "none") keyPoll = window.setTimeout(refreshKey, 10000);
}

async function renewKey() {
  await E2EE.forgetIdentity();
  identity.cert = null;
  identity.status = "none";
  await setUpIdentity();
}

// ------------------------------------------------------------------------------------------
// The socket

const connection = { ws: null, attempt: 0, timer: null, stopped: false, everOpened: false };

function socketUrl() {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${window.location.host}${config.socket}`;
}

function send(frame) {
  if (!connection.ws || connection.ws.readyState !== WebSocket.OPEN) {
    announce(t("not_connected"), { urgent: true });
    return false;
  }
  connection.ws.send(JSON.stringify(frame));
  return true;
}

function showConnection(state) {
  const element = $("#connection-state");
  element.dataset.state = state;
  element.textContent = t(`connection_${state}`, { seconds: config.grace_seconds });
  updateTakeButton();
}

function connect() {
  window.clearTimeout(connection.timer);
  showConnection(connection.everOpened ? "reconnecting" : "connecting");
  const ws = new WebSocket(socketUrl());
  connection.ws = ws;
  ws.addEventListener("open", () => {
    connection.attempt = 0;
    connection.everOpened = true;
    showConnection("open");
    resendUnacknowledged();
  });
  ws.addEventListener("message", (event) => {
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch (error) {
      return;
    }
    handleFrame(frame).catch(() => announce(t("frame_failed"), { urgent: true }));
  });
  ws.addEventListener("close", (event) => {
    if (connection.ws !== ws) return;
    connection.ws = null;
    if (event.code === 4401) {
      connection.stopped = true;
      showConnection("signed_out");
      return;
    }
    if (event.code === 4409) {
      connection.stopped = true;
      showConnection("superseded");
      $("#reconnect-here").hidden = false;
      return;
    }
    if (connection.stopped) return;
    // Back off 1, 2, 4, 8 s up to 15 s; the server keeps our chats for the grace period.
    const delay = Math.min(15000, 1000 * 2 ** connection.attempt);
    connection.attempt += 1;
    showConnection("reconnecting");
    connection.timer = window.setTimeout(connect, delay);
  });
}

// ------------------------------------------------------------------------------------------
// Status and queue

const me = { state: "offline", active: 0, limit: 0, wrapups: [], name: "" };

function renderStatus() {
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

function takeRefusal() {
  if (!identity.cert) return t("take_needs_certificate");
  if (!connection.ws || connection.ws.readyState !== WebSocket.OPEN) return t("not_connected");
  if (me.wrapups.length) return t("take_needs_wrapup");
  if (me.state !== "available") return t("take_needs_available");
  if (me.limit && me.active >= me.limit) return t("take_at_limit");
  return "";
}

function updateTakeButton() {
  const button = $("#take-next");
  if (!button) return;
  const reason = takeRefusal();
  button.setAttribute("aria-disabled", String(Boolean(reason)));
  $("#take-next-why").textContent = reason;
}

function renderQueue(summary) {
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

// ------------------------------------------------------------------------------------------
// Chats

const chats = new Map(); // session -> chat state
let selected = "";
let tabCounter = 0;

function unreadTotal() {
  let total = 0;
  for (const chat of chats.values()) total += chat.unread;
  return total;
}

function updateTitle() {
  const total = unreadTotal();
  document.title = total ? `(${total}) ${BASE_TITLE}` : BASE_TITLE;
}

function renderTab(chat) {
  chat.tab.querySelector(".tab-label").textContent = chat.label;
  const badge = chat.tab.querySelector(".unread");
  badge.hidden = chat.unread === 0;
  badge.textContent = t("unread", { n: chat.unread });
  chat.tab.classList.toggle("has-unread", chat.unread > 0);
}

function selectChat(session, { focus = false } = {}) {
  selected = session;
  for (const chat of chats.values()) {
    const on = chat.session === session;
    chat.tab.setAttribute("aria-selected", String(on));
    chat.tab.tabIndex = on ? 0 : -1;
    chat.panel.hidden = !on;
    if (on) {
      chat.unread = 0;
      renderTab(chat);
      if (focus) chat.tab.focus();
    }
  }
  showChatArea();
  updateTitle();
}

function showChatArea() {
  $("#no-chats").hidden = chats.size > 0;
  $("#chat-tabs").hidden = chats.size === 0;
}

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

function renderMeta(chat) {
  const panel = chat.panel;
  panel.querySelector(".meta-priority").textContent = t(`priority_${chat.priority}`);
  panel.querySelector(".meta-priority").dataset.priority = chat.priority;
  panel.querySelector(".meta-waited").textContent = minutes(chat.waited);
  panel.querySelector(".meta-language").textContent = chat.language;
  panel.querySelector(".meta-pathway").textContent = chat.pathway || "—";
  triageList(chat);
}

function makeChat(session) {
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
  fillCanned(panel);
  fillResources(panel);
  buildWrapupForm(chat);
  wirePanel(chat);
  tab.addEventListener("click", () => selectChat(session));
  tab.addEventListener("keydown", (event) => tabKeys(event, session));
  $("#chat-tabs").append(tab);
  $("#chat-panels").append(panel);
  chats.set(session, chat);
  renderTab(chat);
  if (!selected || !chats.has(selected)) selectChat(session);
  else chat.panel.hidden = true;
  showChatArea();
  return chat;
}

function tabKeys(event, session) {
  const order = Array.from(chats.keys());
  const index = order.indexOf(session);
  let next = -1;
  if (event.key === "ArrowRight") next = (index + 1) % order.length;
  else if (event.key === "ArrowLeft") next = (index - 1 + order.length) % order.length;
  else if (event.key === "Home") next = 0;
  else if (event.key === "End") next = order.length - 1;
  if (next >= 0) {
    event.preventDefault();
    selectChat(order[next], { focus: true });
  }
}

function removeChat(chat) {
  chat.tab.remove();
  chat.panel.remove();
  chats.delete(chat.session);
  if (selected === chat.session) {
    selected = "";
    const first = chats.keys().next();
    if (!first.done) selectChat(first.value);
  }
  showChatArea();
  updateTitle();
}

function logLine(chat, kind, text, { author = "" } = {}) {
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

function logResource(chat, envelope, author) {
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

function setComposerEnabled(chat) {
  const ready = Boolean(chat.cipher) && !chat.ended;
  for (const element of $$(".needs-keys", chat.panel)) element.disabled = !ready;
  chat.panel.querySelector(".secure-state").textContent = chat.ended
    ? t("chat_over")
    : ready
      ? t("secure_ready")
      : t("secure_waiting");
}

function notifyNew(chat) {
  const visible = selected === chat.session && document.visibilityState === "visible";
  if (!visible) {
    chat.unread += 1;
    renderTab(chat);
    updateTitle();
  }
  if (!visible || !document.hasFocus()) playSound();
}

// ------------------------------------------------------------------------------------------
// Panel controls

function fillCanned(panel) {
  const select = panel.querySelector(".canned-select");
  for (const item of canned) {
    const option = document.createElement("option");
    option.value = String(item.id);
    option.textContent = `${item.title} (${item.language})`;
    select.append(option);
  }
  panel.querySelector(".canned").hidden = canned.length === 0;
}

function fillResources(panel) {
  const select = panel.querySelector(".resource-select");
  for (const item of resources) {
    const option = document.createElement("option");
    option.value = item.path;
    option.textContent = `${item.title} (${item.language})`;
    option.dataset.title = item.title;
    select.append(option);
  }
  panel.querySelector(".resource-choose").hidden = resources.length === 0;
}

function buildWrapupForm(chat) {
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
    if (path && !path.endsWith("/") && !path.split("/").pop().includes(".")) path += "/";
    const error = panel.querySelector(".resource-error");
    if (!RESOURCE_PATH.test(path) || path.includes("//")) {
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

function submitWrapup(chat) {
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

function showWrapup(chat, reason) {
  chat.ended = true;
  chat.cipher = null;
  chat.handshake = null;
  chat.wrapupDue = true;
  setComposerEnabled(chat);
  chat.panel.querySelector(".chat-actions").hidden = true;
  const section = chat.panel.querySelector(".wrapup");
  section.hidden = false;
  chat.label = t("chat_label_wrapup", { n: chat.number });
  renderTab(chat);
  if (reason) logLine(chat, "system", strings[`ended_${reason}`] || t("ended_other"));
}

// ------------------------------------------------------------------------------------------
// Sound: a short tone made with WebAudio, off until the counsellor turns it on.

let audio = null;
function playSound() {
  if (!$("#sound-toggle").checked) return;
  try {
    audio = audio || new AudioContext();
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = 660;
    gain.gain.setValueAtTime(0.0001, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.2, audio.currentTime + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.35);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start();
    oscillator.stop(audio.currentTime + 0.4);
  } catch (error) {
    // No audio device: the title still shows the unread count.
  }
}

// ------------------------------------------------------------------------------------------
// Frames from the server

function resendUnacknowledged() {
  for (const chat of chats.values()) {
    if (!chat.cipher) continue;
    for (const [seq, entry] of [...chat.unacked.entries()].sort((a, b) => a[0] - b[0])) {
      send({ type: "msg", session: chat.session, seq, ct: entry.ct });
    }
  }
}

async function failChat(chat) {
  chat.cipher = null;
  chat.handshake = null;
  logLine(chat, "system", t("handshake_failed"));
  announce(t("handshake_failed"), { urgent: true });
  send({ type: "end", session: chat.session });
}

const handlers = {
  hello(frame) {
    me.name = frame.name;
  },
  status(frame) {
    Object.assign(me, { state: frame.state, active: frame.active, limit: frame.limit, wrapups: frame.wrapups || [] });
    for (const session of me.wrapups) {
      const chat = chats.get(session) || makeChat(session);
      if (!chat.wrapupDue) showWrapup(chat, "");
    }
    renderStatus();
  },
  queue_summary(frame) {
    renderQueue(frame);
  },
  chat(frame) {
    const isNew = !chats.has(frame.session);
    const chat = chats.get(frame.session) || makeChat(frame.session);
    Object.assign(chat, {
      triage: frame.triage || {},
      priority: frame.priority,
      pathway: frame.pathway,
      language: frame.language,
      waited: frame.waited,
      state: frame.state,
      hs: frame.hs,
    });
    renderMeta(chat);
    if (isNew) {
      logLine(chat, "system", t("chat_taken"));
      announce(t("chat_taken_announce", { n: chat.number }));
      notifyNew(chat);
    }
    if (frame.hs === "done" && !chat.cipher) {
      // Back after a reload without this chat's keys: the help-seeker runs a fresh handshake.
      logLine(chat, "system", t("rekeying"));
      send({ type: "rekey", session: chat.session });
    }
  },
  async hs_init(frame) {
    const chat = chats.get(frame.session) || makeChat(frame.session);
    chat.cipher = null;
    chat.unacked.clear();
    setComposerEnabled(chat);
    if (!identity.cert) {
      logLine(chat, "system", t("take_needs_certificate"));
      return;
    }
    try {
      chat.handshake = new E2EE.CounsellorHandshake(
        chat.session,
        identity.key.privateKey,
        E2EE.b64d(identity.cert.cert, { maximum: E2EE.MAX_CERT_BYTES }),
        E2EE.b64d(identity.cert.sig_cert, { exact: E2EE.SIGNATURE_BYTES }),
      );
      const offer = await chat.handshake.offer(frame.eph);
      send({ type: "hs_offer", session: chat.session, ...offer });
    } catch (error) {
      await failChat(chat);
    }
  },
  async hs_confirm(frame) {
    const chat = chats.get(frame.session);
    if (!chat || !chat.handshake) return;
    try {
      chat.cipher = await chat.handshake.confirm(frame.mac);
      chat.handshake = null;
      chat.state = "active";
      logLine(chat, "system", t("secure_ready"));
      setComposerEnabled(chat);
    } catch (error) {
      await failChat(chat);
    }
  },
  async msg(frame) {
    const chat = chats.get(frame.session);
    if (!chat || !chat.cipher) return; // a frame of keys we no longer hold; a new handshake follows
    let result;
    try {
      result = await chat.cipher.open(frame.seq, frame.ct);
    } catch (error) {
      logLine(chat, "system", t("message_unreadable"));
      announce(t("message_unreadable"), { urgent: true });
      send({ type: "end", session: chat.session });
      return;
    }
    send({ type: "ack", session: chat.session, seq: frame.seq });
    if (result === E2EE.DUPLICATE) return;
    let envelope;
    try {
      envelope = JSON.parse(result);
    } catch (error) {
      return;
    }
    if (envelope.t === "text" && typeof envelope.body === "string") {
      logLine(chat, "theirs", envelope.body, { author: t("seeker") });
      notifyNew(chat);
    }
  },
  ack(frame) {
    const chat = chats.get(frame.session);
    if (!chat) return;
    for (const [seq, entry] of chat.unacked) {
      if (seq <= frame.seq) {
        entry.element.classList.remove("pending");
        entry.element.classList.add("delivered");
        entry.element.title = t("delivered");
        chat.unacked.delete(seq);
      }
    }
  },
  peer(frame) {
    const chat = chats.get(frame.session);
    if (chat) logLine(chat, "system", t(`peer_${frame.state}`));
  },
  ended(frame) {
    const chat = chats.get(frame.session);
    if (!chat) return;
    showWrapup(chat, frame.reason);
    announce(t("chat_ended_announce", { n: chat.number }));
    notifyNew(chat);
  },
  reassigned(frame) {
    const chat = chats.get(frame.session);
    if (!chat) return;
    announce(t("reassigned", { n: chat.number }), { urgent: true });
    removeChat(chat);
  },
  wrapup_saved(frame) {
    const chat = chats.get(frame.session);
    if (chat) removeChat(chat);
    me.wrapups = me.wrapups.filter((session) => session !== frame.session);
    renderStatus();
    announce(t("wrapup_saved"));
  },
  error(frame) {
    const known = strings[`error_${frame.code}`];
    announce(known || t("error_other"), { urgent: true });
    if (frame.code === "not_allowed" && frame.message && frame.message.includes("wrap-up")) {
      // The server has no wrap-up due for a chat we showed a form for: nothing to file.
      for (const chat of chats.values()) if (chat.wrapupDue && !me.wrapups.includes(chat.session)) removeChat(chat);
    }
  },
  pong() {},
};

async function handleFrame(frame) {
  const handler = handlers[frame.type];
  if (handler) await handler(frame);
}

// ------------------------------------------------------------------------------------------
// Page controls

function wirePage() {
  for (const button of $$("[data-set-status]")) {
    button.addEventListener("click", () => send({ type: "status", state: button.dataset.setStatus }));
  }
  $("#take-next").addEventListener("click", () => {
    const reason = takeRefusal();
    if (reason) {
      announce(reason, { urgent: true });
      return;
    }
    send({ type: "take_next" });
  });
  $("#key-renew").addEventListener("click", () => renewKey());
  $("#key-check").addEventListener("click", () => refreshKey());
  $("#reconnect-here").addEventListener("click", () => {
    $("#reconnect-here").hidden = true;
    connection.stopped = false;
    connect();
  });
  const toggle = $("#sound-toggle");
  toggle.checked = window.localStorage.getItem("workspace-sound") === "on";
  toggle.addEventListener("change", () => {
    window.localStorage.setItem("workspace-sound", toggle.checked ? "on" : "off");
    if (toggle.checked) playSound();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && selected && chats.has(selected)) selectChat(selected);
  });
  window.setInterval(() => {
    if (connection.ws && connection.ws.readyState === WebSocket.OPEN) send({ type: "ping" });
  }, 25000);
}

async function main() {
  wirePage();
  renderStatus();
  await setUpIdentity();
  connect();
}

main();
