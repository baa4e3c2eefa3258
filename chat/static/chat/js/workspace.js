// The counsellor workspace: identity key, status, queue, chats, wrap-up (docs/PROTOCOL.md 3.4).
//
// Everything a help-seeker writes is decrypted here and only here; everything the counsellor
// writes leaves this page only as `msg` ciphertext. Nothing about a message is ever written to the
// console. Chat keys live in memory: after a reload this page asks each open chat for a fresh
// handshake (`rekey`).
//
// This module wires the page; the parts live beside it: workspace-identity.js (key and
// certificate), workspace-status.js (status, take-next, queue summary), workspace-tabs.js and
// workspace-panel.js (the chats on screen), workspace-chats.js (the chat frames) and
// workspace-wrapup.js; staff-socket.js holds the connection.

import { $, $$, announce, t } from "./staff-page.js";
import { send, startStaffSocket } from "./staff-socket.js";
import { chatHandlers, resendUnacknowledged } from "./workspace-chats.js";
import { onIdentityChange, refreshKey, renewKey, setUpIdentity } from "./workspace-identity.js";
import { playSound } from "./workspace-sound.js";
import { renderStatus, statusHandlers, takeRefusal, updateTakeButton } from "./workspace-status.js";
import { chats, selectChat, selected } from "./workspace-tabs.js";

const handlers = { ...statusHandlers, ...chatHandlers, pong() {} };

async function handleFrame(frame) {
  const handler = handlers[frame.type];
  if (handler) await handler(frame);
}

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
  const toggle = $("#sound-toggle");
  toggle.checked = window.localStorage.getItem("workspace-sound") === "on";
  toggle.addEventListener("change", () => {
    window.localStorage.setItem("workspace-sound", toggle.checked ? "on" : "off");
    if (toggle.checked) playSound();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && selected && chats.has(selected)) selectChat(selected);
  });
}

async function main() {
  wirePage();
  renderStatus();
  onIdentityChange(updateTakeButton);
  await setUpIdentity();
  startStaffSocket({
    onOpen: resendUnacknowledged,
    onFrame: (frame) => handleFrame(frame).catch(() => announce(t("frame_failed"), { urgent: true })),
    onState: updateTakeButton,
  });
}

main();
