// What the help-seeker's browser keeps, and where: the resume token and the chat phase, in
// sessionStorage only (this tab, gone when it closes), so that a dropped connection or a reload can
// rejoin within the server's grace period. Quick exit clears both (seeker.js `forget`). Nothing else
// about the chat is ever stored.

export const TOKEN_KEY = "helpline.chat.token";
export const PHASE_KEY = "helpline.chat.phase";

function storage() {
  try {
    return window.sessionStorage;
  } catch (_) {
    return null;
  }
}

export function store(key, value) {
  const s = storage();
  if (!s) return;
  try {
    if (value) s.setItem(key, value);
    else s.removeItem(key);
  } catch (_) {
    /* storage full or disabled: the chat still works, only resuming after a reload does not */
  }
}

export function recall(key) {
  const s = storage();
  try {
    return s ? s.getItem(key) || "" : "";
  } catch (_) {
    return "";
  }
}
