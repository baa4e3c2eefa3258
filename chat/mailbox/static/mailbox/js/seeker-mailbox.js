// Secure messages, the help-seeker's pages (docs/PROTOCOL.md section 9): write a first message and
// get a codename; come back with the codename, read replies, write again, delete the mailbox.
//
// Everything secret stays in this page's memory: the codename, the keys derived from it and the
// mailbox's private key. The server gets the lookup identifier, ciphertext and wrapped keys only.

import * as M from "./mailbox-crypto.js";
import { loadRootPublicKey } from "../../chat/js/e2ee.js";

const $ = (selector) => document.querySelector(selector);
const config = JSON.parse($("#mailbox-config").textContent);
const strings = {};
for (const span of $("#mailbox-strings").content.querySelectorAll("[data-key]")) strings[span.dataset.key] = span.textContent;
const t = (key, values = {}) => (strings[key] || key).replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
const encoder = new TextEncoder();

const state = { words: null, root: null, keys: null, mailbox: null, point: null, privateKey: null };

function show(view) {
  for (const section of document.querySelectorAll("#mailbox-app [data-view]")) section.hidden = section.dataset.view !== view;
  const heading = document.querySelector(`[data-view="${view}"] h2`);
  if (heading) heading.focus();
}

function showError(selector, text) {
  const box = $(selector);
  box.textContent = text;
  box.hidden = !text;
}

class ApiError extends Error {
  constructor(code) {
    super(code);
    this.code = code;
  }
}

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "omit",
    cache: "no-store",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  let data = null;
  try {
    data = await response.json();
  } catch (error) {
    throw new ApiError("server_error");
  }
  if (!response.ok) throw new ApiError((data && data.error) || "server_error");
  return data;
}

function messageText(code) {
  if (code === "rate_limited") return t("rate_limited");
  if (code === "expired") return t("expired");
  if (code === "too_large") return t("too_long");
  if (code === "wrong_keys" || code === "no_recipients") return t("no_counsellors");
  return t("failed");
}

/** The counsellor keys that pass every check against the root and the revocation list. */
async function recipientPoints() {
  const response = await fetch(config.recipients, { credentials: "omit", cache: "no-store" });
  if (!response.ok) throw new ApiError(response.status === 429 ? "rate_limited" : "server_error");
  const data = await response.json();
  const { accepted } = await M.verifyRecipients(data.recipients, { rootPublic: state.root.point, revoked: data.revoked || [] });
  if (!accepted.length) throw new ApiError("no_recipients");
  return { points: accepted.map((item) => item.point), revoked: data.revoked || [] };
}

function envelope(text) {
  return JSON.stringify({ t: "text", body: text });
}

function checkLength(text) {
  if (!text.trim()) return t("empty_message");
  if (text.length > config.max_chars || encoder.encode(envelope(text)).length > 16380) return t("too_long");
  return "";
}

// ------------------------------------------------------------------------------------------
// Writing a first message

async function sendFirst(event) {
  event.preventDefault();
  const text = $("#message-text").value;
  const problem = checkLength(text);
  showError("#write-error", problem);
  if (problem) return;
  const button = $("#send-first");
  button.disabled = true;
  $("#write-status").textContent = t("working");
  try {
    const { points } = await recipientPoints();
    const codename = M.generateCodename(state.words);
    const keys = await M.deriveCodenameKeys(codename, state.words);
    const pair = await M.generateMailboxKey();
    const wrapped = await M.wrapPrivateKey(pair.privateKey, pair.point, keys.wrapKey);
    const message = await M.sealMessage(envelope(text), {
      mailboxPoint: pair.point, direction: M.FROM_SEEKER, seq: 1, recipients: [...points, pair.point],
    });
    await post(config.create, {
      lookup: M.b64e(keys.lookup),
      public_key: M.b64e(pair.point),
      wrapped_private: M.b64e(wrapped),
      priority: $("#urgent").checked ? "raised" : "normal",
      language: config.language,
      message,
    });
    $("#message-text").value = "";
    $("#codename").textContent = codename;
    show("codename");
  } catch (error) {
    showError("#write-error", messageText(error.code));
  } finally {
    button.disabled = false;
    $("#write-status").textContent = "";
  }
}

// ------------------------------------------------------------------------------------------
// Coming back

function lineFor(message, text, signer) {
  const item = document.createElement("li");
  item.className = message.direction === M.FROM_SEEKER ? "from-me" : "from-counsellor";
  const meta = document.createElement("p");
  meta.className = "meta";
  const who = message.direction === M.FROM_SEEKER ? t("you") : signer ? t("from_counsellor", { name: signer }) : t("counsellor");
  meta.textContent = `${who}, ${t("on_day", { day: message.day })}`;
  const body = document.createElement("p");
  body.className = "body";
  body.textContent = text;
  item.append(meta, body);
  return item;
}

async function render(view, revoked) {
  const mailbox = view.mailbox;
  const list = $("#mailbox-messages");
  list.replaceChildren();
  let trouble = "";
  try {
    M.checkSequence(mailbox.messages, M.FROM_SEEKER);
    M.checkSequence(mailbox.messages, M.FROM_COUNSELLOR);
  } catch (error) {
    trouble = t("order");
  }
  for (const message of mailbox.messages) {
    let text;
    let signer = "";
    try {
      if (message.direction === M.FROM_COUNSELLOR) {
        const certificate = await M.verifyReply(message, { mailboxPoint: state.point, rootPublic: state.root.point, revoked });
        signer = certificate.pseudonym;
      }
      const envelopeText = await M.openMessage(message, {
        privateKey: state.privateKey, ownPoint: state.point, mailboxPoint: state.point, direction: message.direction,
      });
      const parsed = JSON.parse(envelopeText);
      text = parsed && parsed.t === "text" && typeof parsed.body === "string" ? parsed.body : t("cannot_read");
    } catch (error) {
      text = message.direction === M.FROM_COUNSELLOR ? t("unverified") : t("cannot_read");
    }
    list.append(lineFor(message, text, signer));
  }
  const notice = $("#mailbox-notice");
  notice.textContent = trouble;
  notice.hidden = !trouble;
  const last = mailbox.messages[mailbox.messages.length - 1];
  const waiting = last && last.direction === M.FROM_SEEKER ? `${t("waiting")} ` : "";
  $("#mailbox-status").textContent = waiting + t("expires", { day: mailbox.expires_day });
  state.mailbox = mailbox;
}

async function openWith(codename) {
  state.keys = await M.deriveCodenameKeys(codename, state.words);
  const view = await post(config.open, { lookup: M.b64e(state.keys.lookup) });
  if (!view.mailbox) {
    show("empty");
    return;
  }
  state.point = M.b64d(view.mailbox.public_key, { exact: 65 });
  state.privateKey = await M.unwrapPrivateKey(M.b64d(view.mailbox.wrapped_private), state.point, state.keys.wrapKey);
  const revoked = await fetch(config.recipients, { credentials: "omit", cache: "no-store" })
    .then((response) => (response.ok ? response.json() : { revoked: [] }))
    .then((data) => data.revoked || []);
  await render(view, revoked);
  show("mailbox");
}

async function submitCodename(event) {
  event.preventDefault();
  showError("#codename-error", "");
  const input = $("#codename-input");
  let codename;
  try {
    codename = M.normaliseCodename(input.value, state.words);
  } catch (error) {
    showError("#codename-error", t("bad_codename"));
    input.focus();
    return;
  }
  $("#open-status").textContent = t("opening");
  try {
    await openWith(codename);
    input.value = "";
  } catch (error) {
    // A wrong key behind a found lookup cannot happen by mistyping; answer as for an empty one.
    if (error.code === "wrong_key") show("empty");
    else showError("#codename-error", messageText(error.code));
  } finally {
    $("#open-status").textContent = "";
  }
}

async function writeAgain(event) {
  event.preventDefault();
  const text = $("#reply-text").value;
  const problem = checkLength(text);
  showError("#reply-error", problem);
  if (problem) return;
  const button = event.submitter || $("#reply-form button");
  button.disabled = true;
  try {
    const { points, revoked } = await recipientPoints();
    const seq = state.mailbox.seeker_seq + 1;
    const message = await M.sealMessage(envelope(text), {
      mailboxPoint: state.point, direction: M.FROM_SEEKER, seq, recipients: [...points, state.point],
    });
    const view = await post(config.send, { lookup: M.b64e(state.keys.lookup), message });
    $("#reply-text").value = "";
    await render(view, revoked);
    $("#mailbox-status").textContent = `${t("sent")} ${$("#mailbox-status").textContent}`;
  } catch (error) {
    if (error.code === "expired") {
      show("empty");
    } else {
      showError("#reply-error", messageText(error.code));
    }
  } finally {
    button.disabled = false;
  }
}

async function deleteMailbox() {
  try {
    await post(config.delete, { lookup: M.b64e(state.keys.lookup) });
    Object.assign(state, { keys: null, mailbox: null, point: null, privateKey: null });
    $("#mailbox-messages").replaceChildren();
    show("deleted");
  } catch (error) {
    showError("#reply-error", messageText(error.code));
  }
}

// ------------------------------------------------------------------------------------------

async function start() {
  if (!globalThis.crypto || !crypto.subtle || !config.root_key_url) {
    show("unavailable");
    return;
  }
  try {
    state.root = await loadRootPublicKey(config.root_key_url);
    if (state.root.fingerprint !== config.root_fingerprint) throw new Error("root key mismatch");
    state.words = await M.loadWordlist(config.wordlist);
  } catch (error) {
    show("unavailable");
    return;
  }
  if (config.page === "write") {
    $("#write-form").addEventListener("submit", sendFirst);
    show("write");
    return;
  }
  $("#codename-form").addEventListener("submit", submitCodename);
  $("#reply-form").addEventListener("submit", writeAgain);
  document.querySelector('[data-action="again"]').addEventListener("click", () => show("enter"));
  $("#delete-start").addEventListener("click", () => {
    $("#delete-confirmation").hidden = false;
    $("#delete-confirm").focus();
  });
  $("#delete-cancel").addEventListener("click", () => {
    $("#delete-confirmation").hidden = true;
    $("#delete-start").focus();
  });
  $("#delete-confirm").addEventListener("click", deleteMailbox);
  show("enter");
}

start();
