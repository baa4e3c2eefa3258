// Secure messages, suite v1 (docs/PROTOCOL.md section 9): the browser side.
//
// It mirrors the Python reference chat/mailbox/crypto.py byte for byte and reuses the chat's
// primitives from chat/js/e2ee.js (encodings, points, padding, certificate checks). WebCrypto only.
// Nothing here is stored: the codename, the keys derived from it and the mailbox private key live
// in memory only (the seeker page keeps the codename in sessionStorage if the person asks).

import {
  MAX_CERT_BYTES,
  MAX_SEQ,
  PAD_BUCKETS,
  POINT_BYTES,
  ProtocolError,
  SIGNATURE_BYTES,
  TAG_BYTES,
  b64d,
  b64e,
  concat,
  exportPoint,
  importPoint,
  pad,
  sign,
  toHex,
  unpad,
  verify,
  verifyCertificate,
} from "../../chat/js/e2ee.js";

export { ProtocolError, b64d, b64e };

const subtle = globalThis.crypto.subtle;
const encoder = new TextEncoder();

export const CODENAME_WORDS = 7;
export const PBKDF2_ITERATIONS = 600000;
export const FROM_SEEKER = 1;
export const FROM_COUNSELLOR = 2;
export const NONCE_BYTES = 12;
export const KEY_BYTES = 32;
export const LOOKUP_BYTES = 32;
export const WRAPPED_PRIVATE_BYTES = NONCE_BYTES + 32 + TAG_BYTES;
export const MAX_RECIPIENTS = 64;
const PBKDF2_SALT = encoder.encode("helpline mailbox v1 codename");
const HKDF_INFO = encoder.encode("helpline mailbox v1 keys");
const WRAP_INFO = encoder.encode("helpline mailbox v1 wrap");
const PRIVATE_MAGIC = new Uint8Array([0x48, 0x4c, 0x57, 0x01]); // "HLW" 1
const MESSAGE_MAGIC = new Uint8Array([0x48, 0x4c, 0x58, 0x01]); // "HLX" 1
const REPLY_MAGIC = new Uint8Array([0x48, 0x4c, 0x52, 0x01]); // "HLR" 1
const INBOX_KEY_MAGIC = new Uint8Array([0x48, 0x4c, 0x4b, 0x01]); // "HLK" 1
const ZERO_NONCE = new Uint8Array(NONCE_BYTES);
const ECDH = { name: "ECDH", namedCurve: "P-256" };

async function sha256(data) {
  return new Uint8Array(await subtle.digest("SHA-256", data));
}

async function hkdf(ikm, salt, info, bits) {
  const key = await subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
  return new Uint8Array(await subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt, info }, key, bits));
}

async function aes(keyBytes, usage) {
  return subtle.importKey("raw", keyBytes, { name: "AES-GCM" }, false, [usage]);
}

async function gcmEncrypt(keyBytes, iv, data, additionalData) {
  const key = await aes(keyBytes, "encrypt");
  return new Uint8Array(await subtle.encrypt({ name: "AES-GCM", iv, additionalData }, key, data));
}

async function gcmDecrypt(keyBytes, iv, data, additionalData, code, message) {
  const key = await aes(keyBytes, "decrypt");
  try {
    return new Uint8Array(await subtle.decrypt({ name: "AES-GCM", iv, additionalData }, key, data));
  } catch (error) {
    throw new ProtocolError(code, message);
  }
}

function u64(value) {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value));
  return out;
}

// ------------------------------------------------------------------------------------------
// Codenames

let wordsPromise = null;

/** The EFF large word list (7,776 words) from the static file the page names. */
export function loadWordlist(url) {
  if (!wordsPromise) {
    wordsPromise = fetch(url, { credentials: "omit" }).then(async (response) => {
      if (!response.ok) throw new ProtocolError("no_wordlist", "the word list could not be loaded");
      const words = (await response.text()).split(/\s+/).filter(Boolean);
      if (words.length !== 7776 || new Set(words).size !== 7776) {
        throw new ProtocolError("no_wordlist", "the word list is not the 7,776-word list");
      }
      return words;
    });
    wordsPromise.catch(() => {
      wordsPromise = null;
    });
  }
  return wordsPromise;
}

/** Seven words chosen uniformly (rejection sampling from 16-bit values): about 90.5 bits. */
export function generateCodename(words, count = CODENAME_WORDS) {
  const limit = Math.floor(65536 / words.length) * words.length;
  const picked = [];
  while (picked.length < count) {
    const sample = crypto.getRandomValues(new Uint16Array(count));
    for (const value of sample) {
      if (value < limit && picked.length < count) picked.push(words[value % words.length]);
    }
  }
  return picked.join(" ");
}

/** Lower case, single spaces; ProtocolError(bad_codename) unless at least seven listed words. */
export function normaliseCodename(text, words) {
  const parts = String(text || "").trim().toLowerCase().split(/\s+/).filter(Boolean);
  const known = new Set(words);
  if (parts.length < CODENAME_WORDS || parts.some((word) => !known.has(word))) {
    throw new ProtocolError("bad_codename", "a codename is at least seven words of the list");
  }
  return parts.join(" ");
}

/** { stretched, lookup, wrapKey } as bytes (section 9.2). */
export async function deriveCodenameKeys(codename, words, { iterations = PBKDF2_ITERATIONS } = {}) {
  const normalised = normaliseCodename(codename, words);
  const password = await subtle.importKey("raw", encoder.encode(normalised), "PBKDF2", false, ["deriveBits"]);
  const stretched = new Uint8Array(
    await subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: PBKDF2_SALT, iterations }, password, 256),
  );
  const okm = await hkdf(stretched, new Uint8Array(0), HKDF_INFO, 512);
  return { stretched, lookup: okm.slice(0, LOOKUP_BYTES), wrapKey: okm.slice(LOOKUP_BYTES) };
}

// ------------------------------------------------------------------------------------------
// The mailbox key pair

function privateAd(point) {
  return concat(PRIVATE_MAGIC, point);
}

/** A new mailbox key pair: { privateKey (extractable once, to be wrapped), publicKey, point }. */
export async function generateMailboxKey() {
  const pair = await subtle.generateKey(ECDH, true, ["deriveBits"]);
  return { privateKey: pair.privateKey, publicKey: pair.publicKey, point: await exportPoint(pair.publicKey) };
}

/** nonce || AES-256-GCM(wrapKey, nonce, d, ad = "HLW" 1 || point): 60 bytes. */
export async function wrapPrivateKey(privateKey, point, wrapKey, { nonce } = {}) {
  const jwk = await subtle.exportKey("jwk", privateKey);
  const d = b64d(jwk.d, { exact: 32, what: "d" });
  const iv = nonce || crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  return concat(iv, await gcmEncrypt(wrapKey, iv, d, privateAd(point)));
}

/** The mailbox private key (non-extractable, ECDH) from its wrapped form; wrong_key on failure. */
export async function unwrapPrivateKey(wrapped, point, wrapKey) {
  if (wrapped.length !== WRAPPED_PRIVATE_BYTES) throw new ProtocolError("wrong_key", "wrapped key length");
  const d = await gcmDecrypt(
    wrapKey, wrapped.slice(0, NONCE_BYTES), wrapped.slice(NONCE_BYTES), privateAd(point),
    "wrong_key", "the codename does not open this mailbox",
  );
  const jwk = { kty: "EC", crv: "P-256", d: b64e(d), x: b64e(point.slice(1, 33)), y: b64e(point.slice(33, 65)) };
  try {
    return await subtle.importKey("jwk", jwk, ECDH, false, ["deriveBits"]);
  } catch (error) {
    throw new ProtocolError("wrong_key", "the private key does not match the mailbox");
  }
}

/** A private ECDH key from fixed test values (d, x, y as base64url). */
export async function importEcdhJwk(jwk) {
  return subtle.importKey("jwk", { kty: "EC", crv: "P-256", d: jwk.d, x: jwk.x, y: jwk.y }, ECDH, false, ["deriveBits"]);
}

// ------------------------------------------------------------------------------------------
// Counsellor inbox keys

export function inboxKeyStatement(inboxPoint, identityPoint) {
  return concat(INBOX_KEY_MAGIC, inboxPoint, identityPoint);
}

/**
 * Checks one entry of recipients.json ({cert, sig_cert, key, key_sig}): the certificate against the
 * root and the revocation list (as for chats), then the identity key's signature over the inbox key.
 * Returns { point, fingerprint, pseudonym, identityFingerprint } or throws ProtocolError.
 */
export async function verifyRecipient(entry, { rootPublic, revoked = [], now } = {}) {
  const certBytes = b64d(entry.cert, { maximum: MAX_CERT_BYTES, what: "cert" });
  const certificate = await verifyCertificate(
    certBytes, b64d(entry.sig_cert, { exact: SIGNATURE_BYTES, what: "sig_cert" }), { rootPublic, now, revoked },
  );
  const point = b64d(entry.key, { exact: POINT_BYTES, what: "key" });
  await importPoint(point, { usage: "ecdh", what: "inbox key" });
  const identity = await importPoint(certificate.publicKey, { what: "certified key" });
  const signature = b64d(entry.key_sig, { exact: SIGNATURE_BYTES, what: "key_sig" });
  if (!(await verify(identity, signature, inboxKeyStatement(point, certificate.publicKey)))) {
    throw new ProtocolError("bad_signature", "the inbox key was not signed by the certified counsellor key");
  }
  return {
    point,
    fingerprint: toHex(await sha256(point)),
    pseudonym: certificate.pseudonym,
    identityFingerprint: certificate.keyFingerprint,
  };
}

/**
 * The recipients that pass every check, and the reasons the others were refused. The browser wraps
 * message keys only for the accepted ones, so a key the server slipped in without a root-signed
 * certificate never gets a copy.
 */
export async function verifyRecipients(entries, options) {
  const accepted = [];
  const refused = [];
  const seen = new Set();
  for (const entry of Array.isArray(entries) ? entries.slice(0, MAX_RECIPIENTS) : []) {
    try {
      const recipient = await verifyRecipient(entry, options);
      if (!seen.has(recipient.fingerprint)) {
        seen.add(recipient.fingerprint);
        accepted.push(recipient);
      }
    } catch (error) {
      refused.push(error instanceof ProtocolError ? error.code : "bad_recipient");
    }
  }
  return { accepted, refused };
}

// ------------------------------------------------------------------------------------------
// Messages

export function messageAd(mailboxPoint, direction, seq) {
  if ((direction !== FROM_SEEKER && direction !== FROM_COUNSELLOR) || !Number.isSafeInteger(seq) || seq < 1) {
    throw new ProtocolError("bad_seq", "direction or seq out of range");
  }
  return concat(MESSAGE_MAGIC, mailboxPoint, new Uint8Array([direction]), u64(seq));
}

async function kek(privateKey, peerPoint, ephPoint, recipientPoint) {
  const peer = await importPoint(peerPoint, { usage: "ecdh", what: "key" });
  const shared = new Uint8Array(await subtle.deriveBits({ name: "ECDH", public: peer }, privateKey, 256));
  return hkdf(shared, await sha256(concat(ephPoint, recipientPoint)), WRAP_INFO, 256);
}

/**
 * { seq, eph, nonce, ct, wraps: [{to, key}] } with base64url values, the JSON shape the endpoints
 * take. `recipients` are 65-byte points (verified counsellor keys and the mailbox's own key).
 * `messageKey`, `nonce` and `ephemeral` ({privateKey, publicKey}) are for the known-answer tests only.
 */
export async function sealMessage(plaintext, { mailboxPoint, direction, seq, recipients, messageKey, nonce, ephemeral }) {
  if (!recipients || recipients.length < 1 || recipients.length > MAX_RECIPIENTS) {
    throw new ProtocolError("no_recipients", "a message needs 1 to 64 recipients");
  }
  const mk = messageKey || crypto.getRandomValues(new Uint8Array(KEY_BYTES));
  const iv = nonce || crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const eph = ephemeral || (await subtle.generateKey(ECDH, false, ["deriveBits"]));
  const ephPoint = await exportPoint(eph.publicKey);
  const ad = messageAd(mailboxPoint, direction, seq);
  const ct = await gcmEncrypt(mk, iv, pad(encoder.encode(plaintext)), ad);
  const wraps = [];
  for (const point of recipients) {
    const key = await kek(eph.privateKey, point, ephPoint, point);
    wraps.push({ to: toHex(await sha256(point)), key: b64e(await gcmEncrypt(key, ZERO_NONCE, mk, ad)) });
  }
  wraps.sort((a, b) => (a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
  return { seq, eph: b64e(ephPoint), nonce: b64e(iv), ct: b64e(ct), wraps };
}

/** The plaintext of a stored message for the holder of `privateKey` (whose point is `ownPoint`). */
export async function openMessage(message, { privateKey, ownPoint, mailboxPoint, direction }) {
  const own = toHex(await sha256(ownPoint));
  const wrap = (message.wraps || []).find((item) => item.to === own);
  if (!wrap) throw new ProtocolError("not_for_me", "this message has no copy for this key");
  const ad = messageAd(mailboxPoint, direction, message.seq);
  const eph = b64d(message.eph, { exact: POINT_BYTES, what: "eph" });
  const iv = b64d(message.nonce, { exact: NONCE_BYTES, what: "nonce" });
  const ct = b64d(message.ct, { maximum: PAD_BUCKETS[PAD_BUCKETS.length - 1] + TAG_BYTES, what: "ct" });
  if (!PAD_BUCKETS.includes(ct.length - TAG_BYTES)) throw new ProtocolError("decrypt_failed", "not a bucket");
  const key = await kek(privateKey, eph, eph, ownPoint);
  const failed = "the message was altered or is not for this mailbox";
  const mk = await gcmDecrypt(key, ZERO_NONCE, b64d(wrap.key, { exact: KEY_BYTES + TAG_BYTES, what: "wrap" }), ad, "decrypt_failed", failed);
  const padded = await gcmDecrypt(mk, iv, ct, ad, "decrypt_failed", failed);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(unpad(padded));
  } catch (error) {
    if (error instanceof ProtocolError) throw error;
    throw new ProtocolError("bad_padding", "the message is not UTF-8");
  }
}

export async function replySignedData(mailboxPoint, message) {
  const eph = b64d(message.eph, { exact: POINT_BYTES, what: "eph" });
  const iv = b64d(message.nonce, { exact: NONCE_BYTES, what: "nonce" });
  const ct = b64d(message.ct, { what: "ct" });
  return concat(REPLY_MAGIC, messageAd(mailboxPoint, FROM_COUNSELLOR, message.seq), await sha256(concat(eph, iv, ct)));
}

/** The counsellor's signature (base64url) over a sealed reply. */
export async function signReply(identityPrivate, mailboxPoint, sealed) {
  return b64e(await sign(identityPrivate, await replySignedData(mailboxPoint, sealed)));
}

/**
 * The signing counsellor's certificate if `message` ({seq, eph, nonce, ct, cert, sig_cert, sig}) was
 * signed by a root-certified, unrevoked identity key; ProtocolError otherwise.
 */
export async function verifyReply(message, { mailboxPoint, rootPublic, revoked = [], now }) {
  const certificate = await verifyCertificate(
    b64d(message.cert, { maximum: MAX_CERT_BYTES, what: "cert" }),
    b64d(message.sig_cert, { exact: SIGNATURE_BYTES, what: "sig_cert" }),
    { rootPublic, now, revoked },
  );
  const identity = await importPoint(certificate.publicKey, { what: "certified key" });
  const signature = b64d(message.sig, { exact: SIGNATURE_BYTES, what: "sig" });
  if (!(await verify(identity, signature, await replySignedData(mailboxPoint, message)))) {
    throw new ProtocolError("bad_signature", "the reply was not signed by the certified counsellor key");
  }
  return certificate;
}

/**
 * Checks that the messages of one direction are numbered 1, 2, 3, ... with none missing, repeated
 * or out of order (the server cannot reorder or replay undetected); returns the highest number.
 */
export function checkSequence(messages, direction) {
  let expected = 1;
  for (const message of messages) {
    if (message.direction !== direction) continue;
    if (message.seq !== expected) {
      throw new ProtocolError(message.seq < expected ? "replayed" : "out_of_order", `expected ${expected}, got ${message.seq}`);
    }
    expected += 1;
  }
  if (expected - 1 > MAX_SEQ) throw new ProtocolError("bad_seq", "too many messages");
  return expected - 1;
}

// ------------------------------------------------------------------------------------------
// The counsellor's inbox key, kept in IndexedDB beside the identity key

const DB_NAME = "helpline-mailbox";
const STORE = "inbox";

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

/**
 * The counsellor's inbox key pair (ECDH, private key non-extractable), made on first use and bound
 * to the identity key whose fingerprint is given: a new identity key gets a new inbox key.
 * Returns { privateKey, publicKey, point }.
 */
export async function loadOrCreateInboxKey(identityFingerprint) {
  const stored = await withStore("readonly", (store) => store.get(identityFingerprint));
  if (stored && stored.privateKey && stored.publicKey) {
    return { ...stored, point: await exportPoint(stored.publicKey) };
  }
  const pair = await subtle.generateKey(ECDH, false, ["deriveBits"]);
  await withStore("readwrite", (store) => store.put({ privateKey: pair.privateKey, publicKey: pair.publicKey }, identityFingerprint));
  return { privateKey: pair.privateKey, publicKey: pair.publicKey, point: await exportPoint(pair.publicKey) };
}
