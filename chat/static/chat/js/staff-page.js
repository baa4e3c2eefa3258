// What the staff pages (the workspace and the supervisor view) share: the page's configuration and
// strings, which the server renders as JSON in <script type="application/json"> elements, the
// translation helper, durations in words and the live regions for announcements.

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

/** The parsed content of the JSON element with this id, or null when the page has none. */
export function readJson(id) {
  const element = document.getElementById(id);
  return element ? JSON.parse(element.textContent) : null;
}

/** `text` with each `{name}` replaced by String(values[name]). */
export function fill(text, values = {}) {
  let result = text;
  for (const [name, value] of Object.entries(values)) result = result.split(`{${name}}`).join(String(value));
  return result;
}

export const config = readJson("workspace-config") || {};
export const strings = readJson("workspace-strings") || {};
export const BASE_TITLE = document.title;

/** The string for `key` in the page's language (the key itself when there is none), filled in. */
export function t(key, values = {}) {
  return fill(strings[key] || key, values);
}

export function minutes(seconds) {
  const whole = Math.max(0, Math.round(seconds / 60));
  return whole < 1 ? t("under_a_minute") : t("minutes", { n: whole });
}

/** Says `text` in the polite live region, or in the assertive one when `urgent`. */
export function announce(text, { urgent = false } = {}) {
  const region = urgent ? $("#workspace-alert") : $("#workspace-announce");
  region.textContent = "";
  // A fresh text node so that screen readers announce a repeated message again.
  window.setTimeout(() => { region.textContent = text; }, 50);
}
