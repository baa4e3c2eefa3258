// The counsellor inbox for secure messages (docs/PROTOCOL.md section 9).
//
// The identity key and its certificate come from the workspace's store (chat/js/e2ee.js,
// IndexedDB); this page adds an inbox key (ECDH, non-extractable) vouched for by the identity key.
// Messages are decrypted here and never leave the browser in plaintext.

import * as E2EE from "../../chat/js/e2ee.js";
import * as M from "./mailbox-crypto.js";

const $ = (selector, root = document) => root.querySelector(selector);
const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));
const config = JSON.parse($("#inbox-config").textContent);
const wrapupChoices = JSON.parse($("#inbox-wrapup").textContent);
const strings = {};
for (const span of $("#inbox-strings").content.querySelectorAll("[data-key]")) strings[span.dataset.key] = span.textContent;
const t = (key, values = {}) => (strings[key] || key).replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));

const me = { identity: null, cert: null, inbox: null, root: null, thread: null };

function alertText(text) {
  $("#inbox-alert").textContent = text;
}

async function api(url, { method = "GET", body } = {}) {
  const response = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRFToken": config.csrf_token },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({ error: "server_error" }));
  if (!response.ok) {
    const error = new Error(data.error || "server_error");
    error.code = data.error || "server_error";
    throw error;
  }
  return data;
}

const threadUrl = (id, action = "") => config.thread.replace("{id}", String(id)) + (action ? `${action}/` : "");

// ------------------------------------------------------------------------------------------
// Keys

async function setUpKeys() {
  const state = $("#inbox-key-state");
  try {
    me.root = await E2EE.loadRootPublicKey(config.root_key_url);
    const stored = await E2EE.loadCertificate();
    if (!stored) throw new Error("no certificate");
    me.identity = await E2EE.loadOrCreateIdentityKey();
    const cert = E2EE.decodeCertificate(E2EE.b64d(stored.cert, { maximum: E2EE.MAX_CERT_BYTES }));
    if (E2EE.b64e(cert.publicKey) !== me.identity.point || cert.notAfter < Date.now() / 1000) throw new Error("stale");
    me.cert = stored;
    me.inbox = await M.loadOrCreateInboxKey(me.identity.fingerprint);
    const statement = M.inboxKeyStatement(me.inbox.point, E2EE.b64d(me.identity.point, { exact: 65 }));
    const signature = await E2EE.sign(me.identity.privateKey, statement);
    await api(config.key, { method: "POST", body: { public_key: E2EE.b64e(me.inbox.point), signature: E2EE.b64e(signature) } });
    state.textContent = t("ready");
    state.dataset.state = "ready";
    return true;
  } catch (error) {
    state.textContent = t("no_key");
    state.dataset.state = "missing";
    $("#inbox-key-help").hidden = false;
    return false;
  }
}

// ------------------------------------------------------------------------------------------
// The list

function waitingText(thread) {
  if (thread.waiting_days === null) return t("answered");
  return thread.waiting_days === 0 ? t("today") : t("days", { n: thread.waiting_days });
}

async function loadSummary() {
  const summary = await api(config.summary);
  $("#summary-text").textContent = t("summary", {
    total: summary.total, waiting: summary.waiting, oldest: summary.oldest_waiting_days ?? 0, claimed: summary.claimed,
  });
}

async function loadThreads() {
  const data = await api(config.threads);
  const body = $("#threads-table tbody");
  body.replaceChildren();
  // Rows come as arrays (for ten thousand threads); name their fields by the columns sent.
  const threads = data.threads.map((row) => Object.fromEntries(data.columns.map((name, i) => [name, row[i]])));
  for (const thread of threads) {
    const row = document.createElement("tr");
    row.dataset.thread = String(thread.id);
    for (const text of [t(`priority_${thread.priority}`), waitingText(thread), thread.opened_day, thread.for_you ? t("for_you") : t("shared")]) {
      const cell = document.createElement("td");
      cell.textContent = text;
      row.append(cell);
    }
    const cell = document.createElement("td");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = thread.claimed ? t("open") : t("claim");
    button.setAttribute("aria-label", `${button.textContent}: ${t("thread_label", { id: thread.id })}`);
    button.addEventListener("click", () => openThread(thread.id, !thread.claimed));
    cell.append(button);
    row.append(cell);
    body.append(row);
  }
  $("#threads-table").hidden = threads.length === 0;
  $("#threads-empty").hidden = threads.length !== 0;
}

// ------------------------------------------------------------------------------------------
// One thread

async function showThread(view) {
  me.thread = view;
  const mailboxPoint = E2EE.b64d(view.mailbox_key, { exact: 65 });
  const { revoked } = await api(config.recipients);
  const list = $("#thread-messages");
  list.replaceChildren();
  for (const message of view.messages) {
    const item = document.createElement("li");
    item.className = message.direction === M.FROM_SEEKER ? "from-seeker" : "from-me";
    const meta = document.createElement("p");
    meta.className = "meta";
    const body = document.createElement("p");
    body.className = "body";
    let who = t("seeker");
    try {
      if (message.direction === M.FROM_COUNSELLOR) {
        const certificate = await M.verifyReply(message, { mailboxPoint, rootPublic: me.root.point, revoked });
        who = t("counsellor", { name: certificate.pseudonym });
      }
      const text = await M.openMessage(message, {
        privateKey: me.inbox.privateKey, ownPoint: me.inbox.point, mailboxPoint, direction: message.direction,
      });
      const parsed = JSON.parse(text);
      body.textContent = parsed && typeof parsed.body === "string" ? parsed.body : t("unreadable");
    } catch (error) {
      body.textContent = error.code === "not_for_me" ? t("not_for_me") : t("unreadable");
    }
    meta.textContent = `${who}, ${message.day}`;
    item.append(meta, body);
    list.append(item);
  }
  $("#thread-heading").textContent = t("thread_label", { id: view.id });
  $("#inbox-thread").hidden = false;
  $("#thread-wrapup").hidden = true;
  $("#thread-heading").focus();
}

async function openThread(id, claim) {
  alertText("");
  try {
    const view = claim ? await api(threadUrl(id, "claim"), { method: "POST" }) : await api(threadUrl(id));
    await showThread(view);
  } catch (error) {
    alertText(error.code === "claimed" ? t("claimed") : t("failed"));
  }
  await loadThreads().catch(() => undefined);
}

async function sendReply(event) {
  event.preventDefault();
  const text = $("#inbox-reply").value;
  const error = $("#inbox-reply-error");
  error.hidden = true;
  if (!text.trim() || !me.thread) return;
  try {
    const mailboxPoint = E2EE.b64d(me.thread.mailbox_key, { exact: 65 });
    const data = await api(config.recipients);
    const { accepted } = await M.verifyRecipients(data.recipients, { rootPublic: me.root.point, revoked: data.revoked || [] });
    const sealed = await M.sealMessage(JSON.stringify({ t: "text", body: text }), {
      mailboxPoint, direction: M.FROM_COUNSELLOR, seq: me.thread.counsellor_seq + 1,
      recipients: [mailboxPoint, ...accepted.map((item) => item.point)],
    });
    const sig = await M.signReply(me.identity.privateKey, mailboxPoint, sealed);
    await api(threadUrl(me.thread.id, "reply"), { method: "POST", body: { message: { ...sealed, cert: me.cert.cert, sig_cert: me.cert.sig_cert, sig } } });
    $("#inbox-reply").value = "";
    alertText(t("sent"));
    await showThread(await api(threadUrl(me.thread.id)));
  } catch (failure) {
    error.textContent = t("failed");
    error.hidden = false;
  }
}

function buildWrapupForm() {
  const form = $("#thread-wrapup-form");
  for (const group of $$("[data-choices]", form)) {
    const name = group.dataset.choices;
    const multiple = group.dataset.multiple === "true";
    for (const [code, label] of wrapupChoices[name] || []) {
      const id = `inbox-wrapup-${name}-${code}`;
      const wrapper = document.createElement("div");
      wrapper.className = "choice";
      const input = document.createElement("input");
      input.type = multiple ? "checkbox" : "radio";
      input.name = name;
      input.value = code;
      input.id = id;
      const label_ = document.createElement("label");
      label_.setAttribute("for", id);
      label_.textContent = label;
      wrapper.append(input, label_);
      group.append(wrapper);
    }
  }
}

async function closeThread(event) {
  event.preventDefault();
  const form = $("#thread-wrapup-form");
  const one = (name) => (form.querySelector(`input[name="${name}"]:checked`) || {}).value || "";
  const several = (name) => $$(`input[name="${name}"]:checked`, form).map((input) => input.value);
  const wrapup = {
    concern: one("concern"), protective_action: one("protective_action"), referrals: several("referrals"),
    risk: several("risk"), outcome: one("outcome"),
  };
  const error = $("#thread-wrapup-error");
  try {
    await api(threadUrl(me.thread.id, "close"), { method: "POST", body: wrapup });
  } catch (failure) {
    error.textContent = failure.code === "bad_wrapup" ? t("wrapup_incomplete") : t("failed");
    error.hidden = false;
    error.focus();
    return;
  }
  error.hidden = true;
  form.reset();
  $("#inbox-thread").hidden = true;
  me.thread = null;
  alertText(t("closed"));
  await loadThreads();
}

async function releaseThread() {
  try {
    await api(threadUrl(me.thread.id, "release"), { method: "POST" });
    $("#inbox-thread").hidden = true;
    me.thread = null;
    alertText(t("released"));
  } catch (error) {
    alertText(t("failed"));
  }
  await loadThreads();
}

async function start() {
  if (!config.threads) {
    // Supervisors and admins: counts and ages only.
    await loadSummary().catch(() => alertText(t("failed")));
    return;
  }
  buildWrapupForm();
  $("#threads-refresh").addEventListener("click", () => loadThreads().catch(() => alertText(t("failed"))));
  $("#inbox-reply-form").addEventListener("submit", sendReply);
  $("#thread-release").addEventListener("click", releaseThread);
  $("#thread-close-start").addEventListener("click", () => {
    $("#thread-wrapup").hidden = false;
    $("#thread-wrapup-form input").focus();
  });
  $("#thread-wrapup-form").addEventListener("submit", closeThread);
  await setUpKeys();
  await loadThreads().catch(() => alertText(t("failed")));
}

start();
