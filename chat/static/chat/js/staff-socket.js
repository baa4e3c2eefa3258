// The counsellor socket as the staff pages use it (docs/PROTOCOL.md 3.4): one connection per page,
// its state shown in #connection-state, a ping every 25 seconds, and the close codes that stop
// reconnecting: 4401 (signed out) and 4409 (another tab took over; #reconnect-here takes it back).
// Any other drop is retried with backoff (1 s doubling to 15 s, with jitter); the server keeps the
// counsellor's chats for the grace period meanwhile.

import { CLOSE, COUNSELLOR_RECEIVES, COUNSELLOR_SENDS } from "./constants.js";
import { ReconnectingSocket } from "./socket.js";
import { $, announce, config, t } from "./staff-page.js";

const BACKOFF = { first: 1000, max: 15000 };
const KEEP_ALIVE_MS = 25000;

let socket = null;
let everOpened = false;
let stateChanged = () => {};

function showConnection(state) {
  const element = $("#connection-state");
  element.dataset.state = state;
  element.textContent = t(`connection_${state}`, { seconds: config.grace_seconds });
  stateChanged(state);
}

function connect() {
  showConnection(everOpened ? "reconnecting" : "connecting");
  socket.connect();
}

/** Opens the page's socket. onOpen: after every (re)open; onFrame(frame); onState(state) after each change. */
export function startStaffSocket({ onOpen = () => {}, onFrame, onState = () => {} }) {
  stateChanged = onState;
  socket = new ReconnectingSocket({
    path: config.socket,
    sends: COUNSELLOR_SENDS,
    receives: COUNSELLOR_RECEIVES,
    backoff: BACKOFF,
    keepAlive: KEEP_ALIVE_MS,
    onOpen() {
      socket.succeeded();
      everOpened = true;
      showConnection("open");
      onOpen();
    },
    onFrame,
    onClose(code) {
      if (code === CLOSE.UNAUTHENTICATED) {
        showConnection("signed_out");
        return false;
      }
      if (code === CLOSE.SUPERSEDED) {
        showConnection("superseded");
        $("#reconnect-here").hidden = false;
        return false;
      }
      return true;
    },
    onRetry() {
      showConnection("reconnecting");
    },
  });
  $("#reconnect-here").addEventListener("click", () => {
    $("#reconnect-here").hidden = true;
    connect();
  });
  connect();
}

export function isOpen() {
  return Boolean(socket) && socket.isOpen;
}

/** Sends a frame, or says that the page is not connected and returns false. */
export function send(frame) {
  if (!socket || !socket.send(frame)) {
    announce(t("not_connected"), { urgent: true });
    return false;
  }
  return true;
}
