// The counsellor's identity key and its certificate (docs/PROTOCOL.md section 4): made in this
// browser on first use (the private key cannot be exported), kept in IndexedDB by e2ee.js, sent to
// the server for certification, and checked here before the page offers to take chats.

import * as E2EE from "./e2ee.js";
import { $, config, t } from "./staff-page.js";

const csrfToken = config.csrf_token || "";

export const identity = { key: null, cert: null, status: "none" };

let changed = () => {};

/** `listener()` runs after every change of the key's state (the take-next button depends on it). */
export function onIdentityChange(listener) {
  changed = listener;
}

function showKeyState(state, detail = "") {
  const box = $("#key-state");
  box.dataset.state = state;
  $("#key-state-text").textContent = t(`key_${state}`) + (detail ? ` ${detail}` : "");
  $("#key-help-pending").hidden = state !== "pending";
  $("#key-help-revoked").hidden = state !== "revoked";
  $("#key-renew").hidden = !(state === "revoked" || state === "error");
  changed();
}

function certificateMatches(stored, key) {
  if (!stored || !stored.cert) return false;
  try {
    const decoded = E2EE.decodeCertificate(E2EE.b64d(stored.cert, { maximum: E2EE.MAX_CERT_BYTES }));
    const now = Math.floor(Date.now() / 1000);
    return E2EE.b64e(decoded.publicKey) === key.point && decoded.notAfter > now;
  } catch (error) {
    return false;
  }
}

async function fetchKeyStatus() {
  const url = `${config.keys_mine}?fingerprint=${encodeURIComponent(identity.key.fingerprint)}`;
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`status ${response.status}`);
  return response.json();
}

async function requestCertification() {
  const body = new URLSearchParams({ public_key: identity.key.point });
  const response = await fetch(config.keys_request, {
    method: "POST",
    credentials: "same-origin",
    headers: { "X-CSRFToken": csrfToken, Accept: "application/json" },
    body,
  });
  if (!response.ok) throw new Error(`status ${response.status}`);
  return response.json();
}

async function applyKeyStatus(data) {
  identity.status = data.status;
  if (data.status === "certified" && data.cert && data.sig_cert) {
    const stored = { cert: data.cert, sig_cert: data.sig_cert };
    if (!certificateMatches(stored, identity.key)) {
      showKeyState("error");
      return;
    }
    await E2EE.saveCertificate(stored);
    identity.cert = stored;
    showKeyState("certified", data.expires_at ? t("valid_until", { date: data.expires_at.slice(0, 10) }) : "");
    return;
  }
  identity.cert = null;
  showKeyState(data.status === "none" ? "pending" : data.status);
}

let keyPoll = null;

export async function setUpIdentity() {
  try {
    identity.key = await E2EE.loadOrCreateIdentityKey();
  } catch (error) {
    showKeyState("unsupported");
    return;
  }
  $("#identity-fingerprint").textContent = E2EE.formatFingerprint(identity.key.fingerprint);
  const stored = await E2EE.loadCertificate();
  if (certificateMatches(stored, identity.key)) identity.cert = stored;
  await refreshKey();
}

export async function refreshKey() {
  try {
    let data = await fetchKeyStatus();
    if (data.status === "none") data = await requestCertification();
    await applyKeyStatus(data);
  } catch (error) {
    // Keep a certificate we already hold; the server checks it on every handshake anyway.
    if (identity.cert) showKeyState("certified");
    else showKeyState("error");
  }
  window.clearTimeout(keyPoll);
  if (identity.status === "pending" || identity.status === "none") keyPoll = window.setTimeout(refreshKey, 10000);
}

export async function renewKey() {
  await E2EE.forgetIdentity();
  identity.cert = null;
  identity.status = "none";
  await setUpIdentity();
}
