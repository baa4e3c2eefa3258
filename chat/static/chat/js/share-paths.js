// Which links a counsellor may share in a chat, and which a help-seeker's page makes clickable: a page
// of this service's self-help library, /help/... or /<language>/help/..., with letters, digits and
// - _ / only. One definition for the workspace (before sending) and the seeker page (on receipt).
//
// helpline/workspace.py's check_resource_path holds the server's copy of the same pattern;
// tests/chat/test_js_constants.py fails when the two differ.

export const SHAREABLE_PATH_PATTERN = "^(/[a-z]{2,3}(-[a-z0-9]{2,8})?)?/help/([a-z0-9_-]+/)*([a-z0-9_-]+/?)?$";
const SHAREABLE_PATH = new RegExp(SHAREABLE_PATH_PATTERN);
const MAX_URL_CHARS = 300;

/** The path as the workspace sends it: trailing slash added to a path without a file name. */
export function normaliseSharePath(path) {
  let value = String(path || "").trim();
  if (value && !value.endsWith("/") && !value.split("/").pop().includes(".")) value += "/";
  return value;
}

export function isShareablePath(path) {
  return typeof path === "string" && SHAREABLE_PATH.test(path) && !path.includes("//");
}

/**
 * The link to put on the page for a shared `url`, or "" when it must stay plain text: a shareable
 * path, given as such or as an absolute URL on this page's own origin (docs/PROTOCOL.md 6.3).
 */
export function shareableLink(url, origin = window.location.origin) {
  if (typeof url !== "string" || url.length > MAX_URL_CHARS) return "";
  let path = url;
  if (url.startsWith(`${origin}/`)) path = url.slice(origin.length);
  return isShareablePath(path) ? url : "";
}
