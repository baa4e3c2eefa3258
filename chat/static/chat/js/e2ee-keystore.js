// End-to-end encryption, suite v1: the keys a browser loads or keeps. The counsellor's identity key
// pair (private key non-extractable) and certificate live in IndexedDB ("helpline-e2ee") until
// forgetIdentity; the organisation's root public key is fetched from its content-hashed asset. The
// help-seeker's page keeps nothing here. Part of e2ee.js, which re-exports it.

import {
  ECDSA, MAX_CERT_BYTES, POINT_BYTES, ProtocolError, SIGNATURE_BYTES, b64d, b64e, exportPoint, fingerprint, sha256,
  subtle, toHex,
} from "./e2ee-bytes.js";

const DB_NAME = "helpline-e2ee";
const STORE = "identity";

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function withStore(mode, action) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = action(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request ? request.result : undefined);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

async function describeIdentity(pair) {
  const point = await exportPoint(pair.publicKey);
  return {
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    point: b64e(point),
    fingerprint: toHex(await sha256(point)),
  };
}

/**
 * The counsellor's identity key pair, created on first use. The private key is generated
 * non-extractable: script can use it to sign but nobody can read it out of the browser.
 * Returns { privateKey, publicKey, point (base64url), fingerprint (hex) }.
 */
export async function loadOrCreateIdentityKey() {
  const stored = await withStore("readonly", (store) => store.get("key"));
  if (stored && stored.privateKey && stored.publicKey) return describeIdentity(stored);
  const pair = await subtle.generateKey(ECDSA, false, ["sign", "verify"]);
  await withStore("readwrite", (store) => store.put({ privateKey: pair.privateKey, publicKey: pair.publicKey }, "key"));
  return describeIdentity(pair);
}

/** Keeps the certificate (base64url `cert` and `sig_cert`, as sent in hs_offer) beside the key. */
export async function saveCertificate({ cert, sig_cert: sigCert }) {
  b64d(cert, { maximum: MAX_CERT_BYTES, what: "cert" });
  b64d(sigCert, { exact: SIGNATURE_BYTES, what: "sig_cert" });
  await withStore("readwrite", (store) => store.put({ cert, sig_cert: sigCert }, "certificate"));
}

export async function loadCertificate() {
  const stored = await withStore("readonly", (store) => store.get("certificate"));
  return stored || null;
}

/** Deletes the identity key and certificate (for example after revocation). */
export async function forgetIdentity() {
  await withStore("readwrite", (store) => store.clear());
}

/** Fetches the root public key asset ({ public_key, fingerprint }) and checks that they match. */
export async function loadRootPublicKey(url) {
  const response = await fetch(url, { credentials: "omit", cache: "no-cache" });
  if (!response.ok) throw new ProtocolError("bad_key", "the root public key could not be loaded");
  const asset = await response.json();
  const point = b64d(asset.public_key, { exact: POINT_BYTES, what: "root public key" });
  const actual = await fingerprint(point);
  if (actual !== asset.fingerprint) throw new ProtocolError("bad_key", "the root key does not match its fingerprint");
  return { point, fingerprint: actual };
}
