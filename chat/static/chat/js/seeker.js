// The help-seeker's chat (docs/PROTOCOL.md, section 3.3): confidentiality statement, optional
// triage questions, the queue, the end-to-end encrypted chat, and the optional feedback.
//
// What it keeps: the resume token and the chat phase in sessionStorage (this tab only), so that a
// dropped connection or a reload can rejoin within the server's grace period. Keys and messages
// live in memory only and vanish with the page. Quick exit ("helpline:exit") closes the socket,
// forgets the keys and clears the storage. The page is one history entry: internal steps use
// history.replaceState, never pushState, so Back never returns to an earlier step of the chat.
//
// Text from the network is only ever put on the page with textContent, never as HTML.

import { DUPLICATE, ProtocolError, SeekerHandshake, loadRootPublicKey } from "./e2ee.js";

const TOKEN_KEY = "helpline.chat.token";
const PHASE_KEY = "helpline.chat.phase";
const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000];
const DEFAULT_GRACE_SECONDS = 120;
const RESUME_SETTLE_MS = 400;
const MAX_MESSAGE_CHARS = 4000;
// Links a counsellor shares become clickable only when they stay on this site's self-help pages.
const SAFE_RESOURCE = /^\/(?:[a-z]{2}(?:-[a-z]{2})?\/)?(?:help\/|crisis(?:\/|$))[A-Za-z0-9\-._~/%?=&]*$/;

function storage() {
  try {
    return window.sessionStorage;
  } catch (_) {
    return null;
  }
}

function store(key, value) {
  const s = storage();
  if (!s) return;
  try {
    if (value) s.setItem(key, value);
    else s.removeItem(key);
  } catch (_) {
    /* storage full or disabled: the chat still works, only resuming after a reload does not */
  }
}

function recall(key) {
  const s = storage();
  try {
    return s ? s.getItem(key) || "" : "";
  } catch (_) {
    return "";
  }
}

export function webCryptoAvailable() {
  return Boolean(window.isSecureContext && globalThis.crypto && globalThis.crypto.subtle && window.WebSocket);
}

export function safeResourcePath(url) {
  return typeof url === "string" && url.length <= 300 && SAFE_RESOURCE.test(url) && !url.includes("//");
}

class SeekerChat {
  constructor(root) {
    this.root = root;
    this.data = root.dataset;
    this.strings = {};
    const template = document.getElementById("chat-strings");
    if (template) {
      for (const item of template.content.querySelectorAll("[data-key]")) {
        this.strings[item.dataset.key] = item.textContent.trim();
      }
    }
    this.views = new Map();
    for (const section of root.querySelectorAll("[data-view]")) this.views.set(section.dataset.view, section);
    this.$ = (id) => document.getElementById(id);
    this.ws = null;
    this.token = recall(TOKEN_KEY);
    this.phase = "new"; // new | joining | resuming | queued | chat | ended | stopped
    this.session = "";
    this.rootKey = null;
    this.handshake = null;
    this.cipher = null;
    this.pseudonym = "";
    this.outbox = new Map(); // seq -> { ct, item } until the counsellor acknowledges it
    this.attempt = 0;
    this.lostSince = 0;
    this.graceSeconds = DEFAULT_GRACE_SECONDS;
    this.reconnectTimer = null;
    this.settleTimer = null;
    this.exiting = false;
    this.hadChat = false;
    this.current = "needs-js";
  }

  t(key, values = {}) {
    let text = this.strings[key] || "";
    for (const [name, value] of Object.entries(values)) text = text.split(`{${name}}`).join(String(value));
    return text;
  }

  // --- views ---------------------------------------------------------------------------------

  show(name, { focus = true } = {}) {
    for (const [key, section] of this.views) section.hidden = key !== name;
    if (name !== "chat" && name !== "waiting") this.$("idle-warning").hidden = true;
    const changed = this.current !== name;
    this.current = name;
    try {
      history.replaceState({ view: name }, "", window.location.pathname);
    } catch (_) {
      /* some privacy modes refuse history changes; nothing depends on it */
    }
    if (focus && changed) {
      const heading = this.views.get(name)?.querySelector("h2");
      if (heading) heading.focus();
    }
  }

  status(text) {
    const element = this.$("connection-status");
    element.textContent = text || "";
    element.hidden = !text;
  }

  fail(view, textKey) {
    this.stop();
    if (textKey) this.$("error-text").textContent = this.t(textKey);
    this.show(view);
  }

  // --- start ------------------------------------------------------------------------------------

  async start() {
    this.bind();
    if (!webCryptoAvailable()) {
      this.show("unsupported");
      return;
    }
    if (!this.data.rootFingerprint || !this.data.rootKeyUrl) {
      this.show("unavailable");
      return;
    }
    try {
      const key = await loadRootPublicKey(this.data.rootKeyUrl);
      if (key.fingerprint !== this.data.rootFingerprint) throw new ProtocolError("bad_key", "root key mismatch");
      this.rootKey = key;
    } catch (_) {
      this.forget();
      this.show("certfail");
      return;
    }
    if (this.token) {
      this.phase = "resuming";
      this.show("waiting");
      this.connect();
    } else {
      this.show("intro", { focus: false });
    }
  }

  bind() {
    const on = (action, handler) => {
      for (const button of this.root.querySelectorAll(`[data-action="${action}"]`)) {
        button.addEventListener("click", handler);
      }
    };
    on("accept", () => this.show("triage"));
    on("leave", () => this.leave());
    on("end", () => this.leave());
    on("restart", () => this.restart());
    on("still-here", () => {
      this.send({ type: "ping" });
      this.$("idle-warning").hidden = true;
    });
    this.$("triage-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.join(new FormData(event.target));
    });
    this.$("composer").addEventListener("submit", (event) => {
      event.preventDefault();
      this.sendMessage();
    });
    this.$("message").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.sendMessage();
      }
    });
    this.$("feedback-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.sendFeedback(new FormData(event.target));
    });
    window.addEventListener("helpline:exit", () => this.exit());
  }

  // --- socket -----------------------------------------------------------------------------------

  socketUrl() {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${window.location.host}${this.data.socketPath}`;
  }

  connect() {
    if (this.exiting) return;
    clearTimeout(this.reconnectTimer);
    let ws;
    try {
      ws = new WebSocket(this.socketUrl());
    } catch (_) {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.addEventListener("open", () => this.opened(ws));
    ws.addEventListener("message", (event) => {
      if (ws === this.ws) this.receive(event.data);
    });
    ws.addEventListener("close", (event) => {
      if (ws === this.ws) this.closed(event.code);
    });
  }

  opened(ws) {
    if (ws !== this.ws) return;
    if (this.token) ws.send(JSON.stringify({ type: "resume", token: this.token }));
    else if (this.pendingJoin) ws.send(JSON.stringify(this.pendingJoin));
  }

  send(frame) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  closed(code) {
    this.ws = null;
    if (this.exiting || this.phase === "stopped") return;
    if (code === 4409) return this.fail("error", "error_superseded");
    if (code === 4403) return this.fail("error", "error_blocked");
    if (this.phase === "ended") return;
    if (this.phase === "joining" && !this.token) return this.fail("error", code === 4429 ? "error_rate" : "error_connect");
    if (this.token && ["queued", "chat", "resuming"].includes(this.phase)) this.scheduleReconnect();
  }

  scheduleReconnect() {
    if (!this.lostSince) this.lostSince = Date.now();
    if (Date.now() - this.lostSince > this.graceSeconds * 1000) {
      this.endLocally("ended_lost");
      return;
    }
    this.status(this.t("lost"));
    const delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  // --- joining ------------------------------------------------------------------------------------

  join(form) {
    const triage = {};
    for (const [question, answer] of form.entries()) {
      if (typeof answer === "string" && answer) triage[question] = answer;
    }
    this.pendingJoin = { type: "join", v: 1, lang: this.data.lang, triage };
    if (this.data.source) this.pendingJoin.source = this.data.source;
    this.phase = "joining";
    this.$("queue-position").textContent = this.t("connecting");
    this.$("queue-eta").textContent = "";
    this.show("waiting");
    this.connect();
  }

  leave() {
    if (this.phase === "chat" || (this.phase === "resuming" && this.hadChat)) {
      this.send({ type: "leave" });
      this.endLocally("ended_seeker");
      return;
    }
    this.send({ type: "leave" });
    this.dropKeys();
    this.forget();
    this.stop();
    window.location.replace(window.location.pathname);
  }

  restart() {
    this.stop();
    window.location.replace(window.location.pathname);
  }

  // --- frames ---------------------------------------------------------------------------------------

  receive(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch (_) {
      return;
    }
    if (!frame || typeof frame.type !== "string") return;
    const handler = this[`on_${frame.type}`];
    if (typeof handler === "function") {
      // Handlers catch what they expect; anything else must not break the page or leak detail.
      Promise.resolve()
        .then(() => handler.call(this, frame))
        .catch(() => undefined);
    }
  }

  on_welcome(frame) {
    const resumed = this.phase === "resuming" || (this.phase !== "joining" && Boolean(this.token));
    this.token = frame.token;
    this.session = frame.session;
    store(TOKEN_KEY, this.token);
    if (frame.rules && Number.isInteger(frame.rules.grace_seconds)) this.graceSeconds = frame.rules.grace_seconds;
    this.attempt = 0;
    this.lostSince = 0;
    this.status("");
    if (this.cipher) {
      // Back on a new socket with our keys: send again whatever the counsellor has not acknowledged.
      for (const [seq, entry] of [...this.outbox.entries()].sort((a, b) => a[0] - b[0])) {
        if (this.send({ type: "msg", seq, ct: entry.ct })) this.markStatus(entry, "sent");
      }
      return;
    }
    if (resumed && recall(PHASE_KEY) === "chat") {
      // A reload lost the keys. Unless the server asks for a handshake (assigned) or reports the
      // queue, start a fresh handshake ourselves (docs/PROTOCOL.md section 7).
      this.phase = "resuming";
      clearTimeout(this.settleTimer);
      this.settleTimer = setTimeout(() => {
        if (this.phase === "resuming" && !this.handshake) {
          this.enterChat();
          this.system(this.t("reloaded"));
          this.startHandshake();
        }
      }, RESUME_SETTLE_MS);
    }
  }

  on_queue(frame) {
    this.phase = "queued";
    store(PHASE_KEY, "queued");
    const position = Number(frame.position);
    this.$("queue-position").textContent =
      position <= 1 ? this.t("position_next") : this.t("position", { position });
    const eta = frame.eta_seconds;
    let etaText;
    if (eta === null || eta === undefined || !Number.isFinite(eta)) etaText = this.t("eta_unknown");
    else if (eta < 60) etaText = this.t("eta_soon");
    else if (eta < 120) etaText = this.t("eta_one");
    else etaText = this.t("eta_minutes", { minutes: Math.round(eta / 60) });
    this.$("queue-eta").textContent = etaText;
    if (this.current !== "waiting") this.show("waiting");
  }

  on_crisis(frame) {
    const list = this.$("crisis-contacts");
    list.replaceChildren();
    for (const contact of Array.isArray(frame.contacts) ? frame.contacts : []) {
      const item = document.createElement("li");
      const name = document.createElement("strong");
      name.textContent = String(contact.name || "");
      item.append(name);
      if (contact.phone) {
        item.append(" ");
        const phone = document.createElement("a");
        const digits = String(contact.phone).replace(/[^0-9+]/g, "");
        if (digits) phone.href = `tel:${digits}`;
        phone.textContent = String(contact.phone);
        item.append(phone);
      }
      if (contact.hours) item.append(` (${String(contact.hours)})`);
      list.append(item);
    }
    this.$("crisis-panel").hidden = false;
  }

  on_assigned() {
    clearTimeout(this.settleTimer);
    this.enterChat();
    this.startHandshake();
  }

  enterChat() {
    this.phase = "chat";
    store(PHASE_KEY, "chat");
    this.dropKeys();
    this.setComposer(false);
    this.$("chat-with").textContent = this.t("connecting");
    this.$("peer-status").hidden = true;
    this.show("chat");
  }

  async startHandshake() {
    this.handshake = new SeekerHandshake(this.session, this.rootKey.point, []);
    const eph = await this.handshake.init();
    this.send({ type: "hs_init", eph });
  }

  async on_hs_offer(frame) {
    const handshake = this.handshake;
    if (!handshake) return;
    try {
      handshake.revoked = await this.revocationList();
      const { mac, cipher } = await handshake.acceptOffer(frame);
      if (handshake !== this.handshake) return;
      this.cipher = cipher;
      this.hadChat = true;
      this.pseudonym = handshake.certificate.pseudonym;
      this.send({ type: "hs_confirm", mac });
    } catch (_) {
      this.certificateFailed();
      return;
    }
    this.$("chat-with").textContent = this.t("chatting_with", { name: this.pseudonym });
    this.system(this.t("joined", { name: this.pseudonym }));
    this.setComposer(true);
  }

  async revocationList() {
    const response = await fetch(this.data.revokedUrl, { credentials: "omit", cache: "no-store" });
    if (!response.ok) throw new ProtocolError("certificate_revoked", "the revocation list could not be loaded");
    const body = await response.json();
    if (!body || !Array.isArray(body.revoked)) throw new ProtocolError("certificate_revoked", "bad revocation list");
    return body.revoked.map((item) => String(item).toLowerCase());
  }

  certificateFailed() {
    this.send({ type: "leave" });
    this.dropKeys();
    this.forget();
    this.stop();
    this.show("certfail");
  }

  async on_msg(frame) {
    const cipher = this.cipher;
    if (!cipher) return;
    let text;
    try {
      text = await cipher.open(frame.seq, frame.ct);
    } catch (_) {
      this.securityStop();
      return;
    }
    if (cipher !== this.cipher) return;
    this.send({ type: "ack", seq: frame.seq });
    if (text === DUPLICATE) return;
    let envelope;
    try {
      envelope = JSON.parse(text);
    } catch (_) {
      return;
    }
    if (!envelope || typeof envelope !== "object") return;
    if (envelope.t === "text" && typeof envelope.body === "string") this.incoming(envelope.body);
    else if (envelope.t === "resource" && typeof envelope.url === "string") this.incomingResource(envelope);
  }

  on_ack(frame) {
    const upTo = Number(frame.seq);
    for (const [seq, entry] of this.outbox) {
      if (seq <= upTo) {
        this.markStatus(entry, "delivered");
        this.outbox.delete(seq);
      }
    }
  }

  on_peer(frame) {
    this.$("peer-status").hidden = frame.state !== "reconnecting";
  }

  on_requeued() {
    this.notDelivered();
    this.dropKeys();
    this.setComposer(false);
    this.phase = "queued";
    store(PHASE_KEY, "queued");
    this.system(this.t("requeued"));
    this.$("queue-position").textContent = this.t("requeued");
    this.$("queue-eta").textContent = "";
    this.show("waiting");
  }

  on_idle_warning(frame) {
    const seconds = Number(frame.seconds) || 0;
    const minutes = Math.round(seconds / 60);
    this.$("idle-text").textContent = minutes >= 1 ? this.t("idle", { minutes }) : this.t("idle_soon");
    this.$("idle-warning").hidden = false;
  }

  on_ended(frame) {
    const reasons = {
      counsellor_ended: "ended_counsellor",
      seeker_left: "ended_seeker",
      idle: "ended_idle",
      seeker_lost: "ended_lost",
    };
    this.endLocally(reasons[frame.reason] || "ended_other");
  }

  endLocally(reasonKey) {
    // The server confirms a chat the seeker ended; the first reason shown stays.
    if (this.phase === "ended") return;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.settleTimer);
    this.notDelivered();
    this.dropKeys();
    this.forget();
    this.status("");
    this.phase = "ended";
    this.$("ended-reason").textContent = this.t(reasonKey);
    this.$("feedback-form").hidden = !this.hadChat || !this.ws;
    this.show("ended");
  }

  on_closed(frame) {
    let when = "";
    if (typeof frame.opens_at === "string") {
      const date = new Date(frame.opens_at);
      if (!Number.isNaN(date.getTime())) {
        const options = { weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit" };
        if (this.data.timeZone) options.timeZone = this.data.timeZone;
        try {
          when = date.toLocaleString(this.data.lang || undefined, options);
        } catch (_) {
          when = date.toLocaleString();
        }
      }
    }
    this.$("closed-when").textContent = when ? this.t("opens_at", { when }) : this.t("opens_unknown");
    this.forget();
    this.stop();
    this.show("closed");
  }

  on_full() {
    this.forget();
    this.stop();
    this.show("full");
  }

  on_error(frame) {
    const code = frame.code;
    if (code === "blocked") this.fail("error", "error_blocked");
    else if (code === "store_unavailable" && (this.phase === "joining" || this.phase === "resuming")) {
      this.fail("error", "error_store");
    } else if (code === "rate_limited" && this.phase === "joining") this.fail("error", "error_rate");
    else if (code === "bad_token") this.forget();
  }

  on_feedback_thanks() {
    this.$("feedback-form").hidden = true;
    const thanks = this.$("feedback-thanks");
    thanks.hidden = false;
    thanks.focus();
  }

  // --- messages -----------------------------------------------------------------------------------

  setComposer(enabled) {
    const form = this.$("composer");
    this.$("message").disabled = !enabled;
    form.querySelector('button[type="submit"]').disabled = !enabled;
    if (enabled && this.current === "chat") this.$("message").focus();
  }

  async sendMessage() {
    const field = this.$("message");
    const body = field.value.trim();
    if (!body || !this.cipher) return;
    if (body.length > MAX_MESSAGE_CHARS) return;
    const cipher = this.cipher;
    field.value = "";
    const entryItem = this.bubble("me", this.t("you"), body);
    const { seq, ct } = await cipher.seal(JSON.stringify({ t: "text", body }));
    if (cipher !== this.cipher) {
      this.markStatus({ item: entryItem }, "not_delivered");
      return;
    }
    const entry = { ct, item: entryItem };
    this.outbox.set(seq, entry);
    this.markStatus(entry, this.send({ type: "msg", seq, ct }) ? "sent" : "sending");
  }

  bubble(who, label, text) {
    const item = document.createElement("div");
    item.className = `msg from-${who}`;
    const name = document.createElement("p");
    name.className = "msg-who";
    name.textContent = label;
    const body = document.createElement("p");
    body.className = "msg-body";
    body.textContent = text;
    item.append(name, body);
    if (who === "me") {
      const state = document.createElement("p");
      state.className = "msg-status";
      state.textContent = this.t("sending");
      item.append(state);
    }
    this.$("transcript").append(item);
    item.scrollIntoView({ block: "nearest" });
    return item;
  }

  markStatus(entry, key) {
    const state = entry.item.querySelector(".msg-status");
    if (state) {
      state.textContent = this.t(key);
      state.dataset.state = key;
    }
  }

  notDelivered() {
    for (const entry of this.outbox.values()) this.markStatus(entry, "not_delivered");
    this.outbox.clear();
  }

  incoming(body) {
    this.bubble("counsellor", this.pseudonym || this.t("counsellor"), body);
  }

  incomingResource(envelope) {
    const item = this.bubble("counsellor", this.pseudonym || this.t("counsellor"), this.t("resource"));
    const line = document.createElement("p");
    line.className = "msg-body";
    const title = typeof envelope.title === "string" && envelope.title ? envelope.title : envelope.url;
    if (safeResourcePath(envelope.url)) {
      const link = document.createElement("a");
      link.href = envelope.url;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = title;
      const hint = document.createElement("span");
      hint.className = "visually-hidden";
      hint.textContent = ` ${this.t("new_tab")}`;
      link.append(hint);
      line.append(link);
    } else {
      line.textContent = `${title} (${envelope.url})`;
    }
    item.append(line);
  }

  system(text) {
    const item = document.createElement("div");
    item.className = "msg system";
    item.textContent = text;
    this.$("transcript").append(item);
  }

  sendFeedback(form) {
    const answers = {};
    for (const [question, answer] of form.entries()) {
      if (typeof answer === "string" && answer) answers[question] = answer;
    }
    if (!this.send({ type: "feedback", answers })) this.on_feedback_thanks();
  }

  securityStop() {
    this.send({ type: "leave" });
    this.endLocally("ended_security");
  }

  // --- forgetting ------------------------------------------------------------------------------------

  dropKeys() {
    this.handshake = null;
    this.cipher = null;
  }

  forget() {
    this.token = "";
    store(TOKEN_KEY, "");
    store(PHASE_KEY, "");
  }

  stop() {
    this.phase = "stopped";
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.settleTimer);
    this.status("");
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      try {
        ws.close(1000);
      } catch (_) {
        /* already closed */
      }
    }
  }

  exit() {
    // Quick exit: end the chat, drop every key, forget the token, close the socket. The page
    // itself is blanked and replaced by quick-exit.js.
    this.exiting = true;
    this.send({ type: "leave" });
    this.dropKeys();
    this.rootKey = null;
    this.outbox.clear();
    this.forget();
    this.stop();
    this.$("transcript").replaceChildren();
    this.$("message").value = "";
  }
}

function main() {
  const root = document.getElementById("chat-app");
  if (!root) return;
  const chat = new SeekerChat(root);
  chat.start();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", main);
else main();
