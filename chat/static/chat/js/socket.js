// One reconnecting websocket for every page: the help-seeker's chat, the workspace, the supervisor view.
//
// It opens the socket on this page's own origin, parses what arrives (a JSON object with a string
// `type` of the declared frame types, anything else is dropped), sends only declared frame types,
// and after a drop waits with exponential backoff and jitter before the next attempt. What a close
// means is the page's decision: `onClose(code)` returns true to try again. `onOpen` is the resume
// hook (send `resume`, resend what is unacknowledged), called on every open, first or later. The
// browser's `online` event cuts a wait short. Nothing here logs or keeps a frame.

import { CLOSE } from "./constants.js";

/** Delay before attempt `attempt` (0, 1, ...): `first` doubling up to `max`, in milliseconds. */
export function backoffDelay(attempt, { first, max }) {
  return Math.min(max, first * 2 ** Math.min(attempt, 30));
}

/** A random delay between half of `delay` and all of it, so that dropped pages do not return in step. */
export function withJitter(delay, random = Math.random) {
  return Math.round(delay / 2 + (delay / 2) * random());
}

export class ReconnectingSocket {
  /**
   * path: the socket's path on this origin; sends / receives: the frame types of that socket
   * (constants.js); backoff: { first, max } in milliseconds; keepAlive: milliseconds between pings
   * while open (0: none); onOpen(), onFrame(frame), onClose(code) -> retry?, onRetry(delay).
   */
  constructor({ path, sends, receives, backoff, keepAlive = 0, onOpen, onFrame, onClose, onRetry }) {
    this.path = path;
    this.sends = new Set(sends);
    this.receives = new Set(receives);
    this.backoff = backoff;
    this.hooks = { onOpen, onFrame, onClose, onRetry };
    this.ws = null;
    this.attempt = 0;
    this.timer = null;
    this.stopped = false;
    window.addEventListener("online", () => {
      if (this.timer !== null && !this.stopped) this.connect();
    });
    if (keepAlive) {
      window.setInterval(() => {
        if (this.isOpen) this.send({ type: "ping" });
      }, keepAlive);
    }
  }

  get isOpen() {
    return Boolean(this.ws) && this.ws.readyState === WebSocket.OPEN;
  }

  url() {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${window.location.host}${this.path}`;
  }

  /** Open a socket now, dropping a pending retry. */
  connect() {
    this.stopped = false;
    window.clearTimeout(this.timer);
    this.timer = null;
    let ws;
    try {
      ws = new WebSocket(this.url());
    } catch (_) {
      this.closed(null, CLOSE.ABNORMAL);
      return;
    }
    this.ws = ws;
    ws.addEventListener("open", () => {
      if (ws === this.ws && this.hooks.onOpen) this.hooks.onOpen();
    });
    ws.addEventListener("message", (event) => {
      if (ws === this.ws) this.receive(event.data);
    });
    ws.addEventListener("close", (event) => {
      if (ws === this.ws) this.closed(ws, event.code);
    });
  }

  receive(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch (_) {
      return;
    }
    if (!frame || typeof frame !== "object" || typeof frame.type !== "string") return;
    if (!this.receives.has(frame.type)) return;
    if (this.hooks.onFrame) this.hooks.onFrame(frame);
  }

  closed(ws, code) {
    if (ws) this.ws = null;
    if (this.stopped) return;
    const retry = this.hooks.onClose ? this.hooks.onClose(code) : true;
    if (retry && !this.stopped) this.retry();
  }

  /** Try again after the next backoff delay. */
  retry() {
    window.clearTimeout(this.timer);
    const delay = withJitter(backoffDelay(this.attempt, this.backoff));
    this.attempt += 1;
    if (this.hooks.onRetry) this.hooks.onRetry(delay);
    this.timer = window.setTimeout(() => this.connect(), delay);
  }

  /** Drop a pending retry (the page has nothing left to reconnect for); the socket stays as it is. */
  cancelRetry() {
    window.clearTimeout(this.timer);
    this.timer = null;
  }

  /** The connection is back for good (the first frame answered): the next drop starts from the shortest wait. */
  succeeded() {
    this.attempt = 0;
  }

  /** Send one frame; false when the socket is not open. */
  send(frame) {
    if (!this.sends.has(frame.type)) throw new TypeError(`undeclared frame type ${frame.type}`);
    if (!this.isOpen) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** Close for good: no retry until connect() is called again. */
  stop(code = CLOSE.NORMAL) {
    this.stopped = true;
    window.clearTimeout(this.timer);
    this.timer = null;
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      try {
        ws.close(code);
      } catch (_) {
        /* already closed */
      }
    }
  }
}
