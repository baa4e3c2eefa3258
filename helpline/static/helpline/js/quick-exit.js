// Quick exit, after the GOV.UK "Exit this page" pattern: a visible button, and Shift pressed
// three times within five seconds. The page blanks at once, everything this site kept in the
// browser is cleared, open sockets are closed, and the browser goes to a neutral site with
// location.replace so that Back does not return here. Other tabs of this site (a self-help page
// opened from the chat) leave too.

const SHIFT_PRESSES = 3;
const SHIFT_WINDOW_MS = 5000;
const CHANNEL = "helpline-exit";

let shiftTimes = [];
let lastKeyWasShifted = false;
let leaving = false;
let channel = null;

export function quickExit({ fromOtherTab = false } = {}) {
  if (leaving) return;
  leaving = true;
  const body = document.body;
  const target = body.dataset.exitUrl || "about:blank";
  const endpoint = body.dataset.exitEndpoint || "/exit";
  document.documentElement.classList.add("exiting");
  if (!fromOtherTab && channel) {
    try { channel.postMessage("exit"); } catch (_) { /* no other tabs */ }
  }
  // Let the chat close its socket and forget its keys before the page goes.
  window.dispatchEvent(new CustomEvent("helpline:exit"));
  try { sessionStorage.clear(); } catch (_) { /* storage may be disabled */ }
  try { localStorage.clear(); } catch (_) { /* nothing is kept there, but be sure */ }
  // Ask the server to send Clear-Site-Data; keepalive lets it finish after we navigate. The
  // answer is never followed anywhere (it is a 204), so no request leaves this site.
  try {
    fetch(endpoint, { method: "POST", keepalive: true, credentials: "omit", cache: "no-store", redirect: "manual" })
      .catch(() => undefined);
  } catch (_) { /* best effort */ }
  window.location.replace(target);
}

// Counted on keyup, as GOV.UK does: Shift used as a modifier (Shift and A) fires a keyup for A with
// shiftKey set and then one for Shift, which is ignored. Any other key ends a sequence, so typing
// capital letters never counts as Shift presses.
function onKeyUp(event) {
  const isShift = event.key === "Shift";
  if (isShift && !lastKeyWasShifted) {
    const now = Date.now();
    shiftTimes = shiftTimes.filter((t) => now - t < SHIFT_WINDOW_MS);
    shiftTimes.push(now);
    if (shiftTimes.length >= SHIFT_PRESSES) {
      shiftTimes = [];
      quickExit();
    }
  } else if (!isShift) {
    shiftTimes = [];
  }
  lastKeyWasShifted = event.shiftKey;
}

// Links and search forms within the site replace the tab's current history entry instead of adding
// one, so that a whole visit takes a single place in the Back history: after quick exit (which
// replaces that place too), Back leaves the site instead of returning to the page read before.
// New tabs, downloads, modified clicks and in-page anchors (the skip link) behave as usual.
function sameSiteUrl(href) {
  try {
    const url = new URL(href, window.location.href);
    return url.origin === window.location.origin ? url : null;
  } catch (_) {
    return null;
  }
}

function onClick(event) {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
  if (!link || link.target || link.hasAttribute("download") || link.hasAttribute("data-quick-exit")) return;
  const url = sameSiteUrl(link.getAttribute("href"));
  if (!url) return;
  if (url.hash && url.pathname === window.location.pathname && url.search === window.location.search) return;
  event.preventDefault();
  window.location.replace(url.href);
}

function onSubmit(event) {
  const form = event.target;
  if (event.defaultPrevented || !(form instanceof HTMLFormElement) || form.target) return;
  if ((form.getAttribute("method") || "get").toLowerCase() !== "get") return;
  const url = sameSiteUrl(form.getAttribute("action") || window.location.href);
  if (!url) return;
  event.preventDefault();
  url.search = new URLSearchParams(new FormData(form, event.submitter)).toString();
  window.location.replace(url.href);
}

function init() {
  for (const button of document.querySelectorAll("[data-quick-exit]")) {
    button.addEventListener("click", (event) => {
      event.preventDefault();
      quickExit();
    });
  }
  document.addEventListener("keyup", onKeyUp, true);
  document.addEventListener("click", onClick);
  document.addEventListener("submit", onSubmit);
  if ("BroadcastChannel" in window) {
    channel = new BroadcastChannel(CHANNEL);
    channel.addEventListener("message", (event) => {
      if (event.data === "exit") quickExit({ fromOtherTab: true });
    });
  }
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", init);
} else {
  init();
}
