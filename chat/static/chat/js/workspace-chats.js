// The frames about the counsellor's chats (docs/PROTOCOL.md 3.4): the counsellor's half of each
// handshake, decrypting what the help-seeker writes (into the chat's log only, never the console),
// acknowledgements, the other side's connection, the end of a chat, reassignment and wrap-ups.

import * as E2EE from "./e2ee.js";
import { announce, strings, t } from "./staff-page.js";
import { send } from "./staff-socket.js";
import { logLine, renderMeta, setComposerEnabled } from "./workspace-chat-view.js";
import { identity } from "./workspace-identity.js";
import { fillForLanguage, makeChat } from "./workspace-panel.js";
import { me, renderStatus } from "./workspace-status.js";
import { chats, notifyNew, removeChat } from "./workspace-tabs.js";
import { showWrapup } from "./workspace-wrapup.js";

/** After a reconnect: sends again, in order, every message the help-seeker has not acknowledged. */
export function resendUnacknowledged() {
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

export const chatHandlers = {
  status(frame) {
    Object.assign(me, { state: frame.state, active: frame.active, limit: frame.limit, wrapups: frame.wrapups || [] });
    for (const session of me.wrapups) {
      const chat = chats.get(session) || makeChat(session);
      if (!chat.wrapupDue) showWrapup(chat, "");
    }
    renderStatus();
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
    fillForLanguage(chat);
    if (isNew) {
      logLine(chat, "system", t("chat_taken"));
      announce(t("chat_taken_announce", { n: chat.number }));
      notifyNew(chat);
    }
    if (frame.hs === "done" && !chat.cipher) {
      // Back after a reload without this chat's keys: the help-seeker runs a fresh handshake.
      logLine(chat, "system", t("rekeying"));
      send({ type: "rekey", session: chat.session });
    } else if (frame.hs === "done" && !isNew) {
      // The server sends a chat again when the live store is back after an outage or a fail-over
      // (docs/PROTOCOL.md 3.6): send again what it may have refused or lost meanwhile.
      for (const [seq, entry] of [...chat.unacked.entries()].sort((a, b) => a[0] - b[0])) {
        send({ type: "msg", session: chat.session, seq, ct: entry.ct });
      }
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
      // A gap is a message still on its way (redelivered after a store fail-over, in order):
      // this one is dropped unacknowledged and comes again. Anything else cannot be trusted.
      if (error && error.code === "gap") return;
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
};
