// The wire protocol's names, in one place for every page (docs/PROTOCOL.md sections 3.1 to 3.5).
//
// chat/protocol.py is the server's executable form of the same tables; tests/chat/test_js_constants.py
// reads this file and fails when the two (or docs/PROTOCOL.md's close-code table) disagree. Keep each
// value a plain literal: the test parses this file, it does not run it.

// Websocket close codes the server uses (docs/PROTOCOL.md 3.1), and the browser's own two.
export const CLOSE = Object.freeze({
  NORMAL: 1000,
  ABNORMAL: 1006,
  BAD_FRAME: 4400,
  UNAUTHENTICATED: 4401,
  FORBIDDEN: 4403,
  IDLE: 4408,
  SUPERSEDED: 4409,
  RATE_LIMITED: 4429,
  UNAVAILABLE: 4503,
});

// Frame types of the help-seeker socket /ws/seeker/ (docs/PROTOCOL.md 3.3).
export const SEEKER_SENDS = Object.freeze([
  "join", "resume", "hs_init", "hs_confirm", "msg", "ack", "leave", "feedback", "ping",
]);
export const SEEKER_RECEIVES = Object.freeze([
  "welcome", "queue", "closed", "full", "crisis", "assigned", "hs_offer", "msg", "ack", "peer", "requeued",
  "idle_warning", "ended", "error", "pong", "feedback_thanks", "store_unavailable",
]);

// Frame types of the counsellor socket /ws/counsellor/ (docs/PROTOCOL.md 3.4), which the
// supervisor view uses too.
export const COUNSELLOR_SENDS = Object.freeze([
  "status", "take_next", "hs_offer", "msg", "ack", "end", "wrapup", "block", "rekey", "help", "assign",
  "set_offline", "ping",
]);
export const COUNSELLOR_RECEIVES = Object.freeze([
  "hello", "status", "chat", "hs_init", "hs_confirm", "msg", "ack", "peer", "ended", "queue_summary", "error",
  "pong", "wrapup_saved", "help", "floor", "store_unavailable", "reassigned",
]);

// `ended.reason` (docs/PROTOCOL.md 3.5).
export const ENDED_REASONS = Object.freeze([
  "seeker_left", "counsellor_ended", "seeker_lost", "idle", "blocked", "expired", "gone", "interrupted",
]);
