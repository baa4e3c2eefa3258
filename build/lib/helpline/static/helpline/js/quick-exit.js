// Quick exit, after the GOV.UK "Exit this page" pattern: a visible button, and Shift pressed
// three times within five seconds. The page blanks at once, everything this site kept in the
// browser is cleared, open sockets are closed, and the browser goes to a neutral site with
// location.replace so that Back does not return here.

const SHIFT_PRESSES = 3;
const SHIFT_WINDOW_MS = 5000;

let shiftTimes = [];
let leaving = false;

export function quickExit() {
  if (leaving) return;
  leaving = true;
  const body = document.body;
  const target = body.dataset.exitUrl || "about:blank";
  const endpoint = body.dataset.exitEndpoint || "/exit";
  document.documentElement.classList.add("exiting");
  // Let the chat close its socket and forget its keys before the page goes.
  window.dispatchEvent(new CustomEvent("helpline:exit"));
  try { sessionStorage.clear(); } catch (_) { /* storage may be disabled */ }
  try { localStorage.clear(); } catch (_) { /* nothing is kept there, but be sure */ }
  // Ask the server to send Clear-Site-Data; keepalive lets it finish after we navigate.
  try { fetch(endpoint, { method: "POST", keepalive: true, credentials: "omit", cache: "no-store" }); } catch (_) { /* best effort */ }
  window.location.replace(target);
}

function onKeyDown(event) {
  if (event.key !== "Shift" || event.repeat) return;
  const now = Date.now();
  shiftTimes = shiftTimes.filter((t) => now - t < SHIFT_WINDOW_MS);
  shiftTimes.push(now);
  if (shiftTimes.length >= SHIFT_PRESSES) {
    shiftTimes = [];
    quickExit();
  }
}

function init() {
  for (const button of document.querySelectorAll("[data-quick-exit]")) {
    button.addEventListener("click", (event) => {
      event.preventDefault();
      quickExit();
    });
  }
  document.addEventListener("keydown", onKeyDown, true);
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", init);
} else {
  init();
}
