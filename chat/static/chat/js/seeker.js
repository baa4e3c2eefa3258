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
//
// The class below holds the page's views, the socket and the end of a chat; its other methods live
// beside it, one concern each: seeker-wait.js (joining and the queue), seeker-conversation.js (the
// encrypted chat) and seeker-storage.js (the only things kept in the browser).

import { CLOSE, SEEKER_RECEIVES, SEEKER_SENDS } from "./constants.js";
import { ProtocolError, loadRootPublicKey } from "./e2ee.js";
import { conversationMethods } from "./seeker-conversation.js";
import { PHASE_KEY, TOKEN_KEY, recall, store } from "./seeker-storage.js";
import { waitingMethods } from "./seeker-wait.js";
import { ReconnectingSocket } from "./socket.js";

const BACKOFF = { first: 500, max: 15000 };
const DEFAULT_GRACE_SECONDS = 120;
const RESUME_SETTLE_MS = 400;

export function webCryptoAvailable() {
  return Boolean(window.isSecureContext && globalThis.crypto && globalThis.crypto.subtle && window.WebSocket);
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
    this.socket = new ReconnectingSocket({
      path: this.data.socketPath,
      sends: SEEKER_SENDS,
      receives: SEEKER_RECEIVES,
      backoff: BACKOFF,
      onOpen: () => this.opened(),
      onFrame: (frame) => this.receive(frame),
      onClose: (code) => this.closed(code),
      onRetry: () => this.status(this.t("lost")),
    });
    this.token = recall(TOKEN_KEY);
    this.phase = "new"; // new | joining | resuming | queued | chat | ended | stopped
    this.session = "";
    this.rootKey = null;
    this.handshake = null;
    this.cipher = null;
    this.pseudonym = "";
    this.outbox = new Map(); // seq -> { ct, item } until the counsellor acknowledges it
    this.lostSince = 0;
    this.graceSeconds = DEFAULT_GRACE_SECONDS;
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

  connect() {
    if (this.exiting) return;
    this.socket.connect();
  }

  opened() {
    if (this.token) this.send({ type: "resume", token: this.token });
    else if (this.pendingJoin) this.send(this.pendingJoin);
  }

  send(frame) {
    return this.socket.send(frame);
  }

  /** What a closed socket means: true to reconnect (and resume), false when the chat cannot go on. */
  closed(code) {
    if (this.exiting || this.phase === "stopped") return false;
    // A superseded or blocked socket is reported even after the chat has ended.
    let failure = "";
    if (code === CLOSE.SUPERSEDED) failure = "error_superseded";
    else if (code === CLOSE.FORBIDDEN) failure = "error_blocked";
    else if (this.phase === "ended") return false;
    else if (this.phase === "joining" && !this.token) failure = code === CLOSE.RATE_LIMITED ? "error_rate" : "error_connect";
    if (failure) {
      this.fail("error", failure);
      return false;
    }
    return Boolean(this.token) && ["queued", "chat", "resuming"].includes(this.phase) && this.withinGrace();
  }

  withinGrace() {
    if (!this.lostSince) this.lostSince = Date.now();
    if (Date.now() - this.lostSince > this.graceSeconds * 1000) {
      this.endLocally("ended_lost");
      return false;
    }
    return true;
  }

  // --- leaving ------------------------------------------------------------------------------------

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

  receive(frame) {
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
    this.socket.succeeded();
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

  on_ended(frame) {
    const reasons = {
      counsellor_ended: "ended_counsellor",
      seeker_left: "ended_seeker",
      idle: "ended_idle",
      seeker_lost: "ended_lost",
      interrupted: "ended_interrupted",
    };
    this.endLocally(reasons[frame.reason] || "ended_other");
  }

  endLocally(reasonKey) {
    // The server confirms a chat the seeker ended; the first reason shown stays.
    if (this.phase === "ended") return;
    this.socket.cancelRetry();
    clearTimeout(this.settleTimer);
    this.notDelivered();
    this.dropKeys();
    this.forget();
    this.status("");
    this.phase = "ended";
    this.$("ended-reason").textContent = this.t(reasonKey);
    this.$("feedback-form").hidden = !this.hadChat || !this.socket.ws;
    this.show("ended");
  }

  on_error(frame) {
    const code = frame.code;
    if (code === "blocked") this.fail("error", "error_blocked");
    else if (code === "store_unavailable" && (this.phase === "joining" || this.phase === "resuming")) {
      this.fail("error", "error_store");
    } else if (code === "store_unavailable" && (this.phase === "queued" || this.phase === "chat")) {
      this.system(this.t("store_trouble"));
    } else if (code === "rate_limited" && this.phase === "joining") this.fail("error", "error_rate");
    else if (code === "bad_token") this.forget();
  }

  on_feedback_thanks() {
    this.$("feedback-form").hidden = true;
    const thanks = this.$("feedback-thanks");
    thanks.hidden = false;
    thanks.focus();
  }

  sendFeedback(form) {
    const answers = {};
    for (const [question, answer] of form.entries()) {
      if (typeof answer === "string" && answer) answers[question] = answer;
    }
    if (!this.send({ type: "feedback", answers })) this.on_feedback_thanks();
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
    clearTimeout(this.settleTimer);
    this.status("");
    this.socket.stop(CLOSE.NORMAL);
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

Object.assign(SeekerChat.prototype, waitingMethods, conversationMethods);

function main() {
  const root = document.getElementById("chat-app");
  if (!root) return;
  const chat = new SeekerChat(root);
  chat.start();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", main);
else main();
