// The encrypted conversation on the help-seeker's side (docs/PROTOCOL.md sections 5 to 7): the
// handshake, checking the counsellor's certificate against the root key and the revocation list,
// sealing and opening messages, acknowledgements and what the transcript shows. Methods of
// SeekerChat (seeker.js). Text from the network is only ever put on the page with textContent.

import { DUPLICATE, ProtocolError, SeekerHandshake } from "./e2ee.js";
import { shareableLink } from "./share-paths.js";
import { PHASE_KEY, store } from "./seeker-storage.js";

const MAX_MESSAGE_CHARS = 4000;

export const conversationMethods = {
  on_assigned() {
    clearTimeout(this.settleTimer);
    this.enterChat();
    this.startHandshake();
  },

  enterChat() {
    this.phase = "chat";
    store(PHASE_KEY, "chat");
    this.dropKeys();
    this.setComposer(false);
    this.$("chat-with").textContent = this.t("connecting");
    this.$("peer-status").hidden = true;
    this.show("chat");
  },

  async startHandshake() {
    this.handshake = new SeekerHandshake(this.session, this.rootKey.point, []);
    const eph = await this.handshake.init();
    this.send({ type: "hs_init", eph });
  },

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
  },

  async revocationList() {
    const response = await fetch(this.data.revokedUrl, { credentials: "omit", cache: "no-store" });
    if (!response.ok) throw new ProtocolError("certificate_revoked", "the revocation list could not be loaded");
    const body = await response.json();
    if (!body || !Array.isArray(body.revoked)) throw new ProtocolError("certificate_revoked", "bad revocation list");
    return body.revoked.map((item) => String(item).toLowerCase());
  },

  certificateFailed() {
    this.send({ type: "leave" });
    this.dropKeys();
    this.forget();
    this.stop();
    this.show("certfail");
  },

  async on_msg(frame) {
    const cipher = this.cipher;
    if (!cipher) return;
    let text;
    try {
      text = await cipher.open(frame.seq, frame.ct);
    } catch (error) {
      // A gap is a message still on its way (redelivered after a store fail-over, in order):
      // this one is dropped unacknowledged and comes again. Anything else cannot be trusted.
      if (error && error.code === "gap") return;
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
  },

  on_ack(frame) {
    const upTo = Number(frame.seq);
    for (const [seq, entry] of this.outbox) {
      if (seq <= upTo) {
        this.markStatus(entry, "delivered");
        this.outbox.delete(seq);
      }
    }
  },

  on_peer(frame) {
    this.$("peer-status").hidden = frame.state !== "reconnecting";
  },

  setComposer(enabled) {
    const form = this.$("composer");
    this.$("message").disabled = !enabled;
    form.querySelector('button[type="submit"]').disabled = !enabled;
    if (enabled && this.current === "chat") this.$("message").focus();
  },

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
  },

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
  },

  markStatus(entry, key) {
    const state = entry.item.querySelector(".msg-status");
    if (state) {
      state.textContent = this.t(key);
      state.dataset.state = key;
    }
  },

  notDelivered() {
    for (const entry of this.outbox.values()) this.markStatus(entry, "not_delivered");
    this.outbox.clear();
  },

  incoming(body) {
    this.bubble("counsellor", this.pseudonym || this.t("counsellor"), body);
  },

  incomingResource(envelope) {
    const item = this.bubble("counsellor", this.pseudonym || this.t("counsellor"), this.t("resource"));
    const line = document.createElement("p");
    line.className = "msg-body";
    const title = typeof envelope.title === "string" && envelope.title ? envelope.title : envelope.url;
    const href = shareableLink(envelope.url);
    if (href) {
      const link = document.createElement("a");
      link.href = href;
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
  },

  system(text) {
    const item = document.createElement("div");
    item.className = "msg system";
    item.textContent = text;
    this.$("transcript").append(item);
  },

  securityStop() {
    this.send({ type: "leave" });
    this.endLocally("ended_security");
  },
};
