// End-to-end encryption for the helpline chat, suite v1 (docs/PROTOCOL.md).
//
// WebCrypto only, no dependencies, no imports: it is served as one content-hashed static file.
// It mirrors the Python reference in chat/e2ee.py byte for byte; tests/chat runs both against
// each other and against the worked example in the protocol document.
//
// Suite v1: ECDH P-256, ECDSA P-256 with SHA-256, HKDF-SHA-256, AES-256-GCM.
// The help-seeker side keeps nothing: every key lives in memory and vanishes with the page.
// The counsellor side keeps its identity key pair (private key non-extractable) and its
// certificate in IndexedDB.

const subtle = globalThis.crypto.subtle;

export const VERSION = 1;
export const FROM_SEEKER = 1;
export const FROM_COUNSELLOR = 2;
export const POINT_BYTES = 65;
export const SIGNATURE_BYTES = 64;
export const SESSION_BYTES = 16;
export const SERIAL_BYTES = 16;
export const MAX_PSEUDONYM_BYTES = 64;
export const CERT_FIXED_BYTES = 4 + SERIAL_BYTES + POINT_BYTES + 8 + 8 + 32 + 1;
export const MAX_CERT_BYTES = CERT_FIXED_BYTES + MAX_PSEUDONYM_BYTES;
export const PAD_BUCKETS = Object.freeze([256, 1024, 4096, 16384]);
export const MAX_PLAINTEXT_BYTES = PAD_BUCKETS[PAD_BUCKETS.length - 1] - 4;
export const TAG_BYTES = 16;
export const MAX_CIPHERTEXT_BYTES = PAD_BUCKETS[PAD_BUCKETS.length - 1] + TAG_BYTES;
export const MAX_SEQ = Number.MAX_SAFE_INTEGER;

const encoder = new TextEncoder();
const CERT_MAGIC = new Uint8Array([0x48, 0x4c, 0x43, 0x01]); // "HLC" 1
const TRANSCRIPT_MAGIC = new Uint8Array([0x48, 0x4c, 0x54, 0x01]); // "HLT" 1
const AD_MAGIC = new Uint8Array([0x48, 0x4c, 0x4d, 0x01]); // "HLM" 1
const HKDF_INFO = encoder.encode("helpline e2ee v1 chat keys");
const CONFIRM_LABEL = encoder.encode("helpline e2ee v1 confirm");
const ECDSA = { name: "ECDSA", namedCurve: "P-256" };
const ECDSA_SHA256 = { name: "ECDSA", hash: "SHA-256" };
const ECDH = { name: "ECDH", namedCurve: "P-256" };
const HMAC_SHA256 = { name: "HMAC", hash: "SHA-256" };

/** A refusal with a stable code (docs/PROTOCOL.md, "Client-side error codes"). */
export class ProtocolError extends Error {
  constructor(code, message) {
    super(message ? `${code}: ${message}` : code);
    this.name = "ProtocolError";
    this.code = code;
    this.detail = message || code;
  }
}

/** Returned by ChatCipher.open for a frame already received (a redelivery). */
export const DUPLICATE = Object.freeze({ duplicate: true, toString: () => "DUPLICATE" });

// ------------------------------------------------------------------------------------------
// Encodings

export function concat(...parts) {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function fromHex(hex) {
  if (typeof hex !== "string" || hex.length % 2 || /[^0-9a-fA-F]/.test(hex)) {
    throw new ProtocolError("bad_encoding", "not hex");
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i += 1) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** base64url without padding. */
export function b64e(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Strict base64url decoding: no padding, no other alphabet, canonical trailing bits only. */
export function b64d(text, { exact, maximum, what = "value" } = {}) {
  if (typeof text !== "string") throw new ProtocolError("bad_encoding", `${what} must be a string`);
  const limit = exact !== undefined ? exact : maximum;
  if (limit !== undefined && text.length > Math.floor((limit * 4 + 2) / 3)) {
    throw new ProtocolError("bad_encoding", `${what} is too long`);
  }
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) {
    throw new ProtocolError("bad_encoding", `${what} is not base64url`);
  }
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  const binary = atob(padded);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) out[i] = binary.charCodeAt(i);
  if (b64e(out) !== text) throw new ProtocolError("bad_encoding", `${what} is not canonical base64url`);
  if (exact !== undefined && out.length !== exact) {
    throw new ProtocolError("bad_encoding", `${what} must be ${exact} bytes`);
  }
  return out;
}

function u64(value) {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value));
  return out;
}

function u16(value) {
  return new Uint8Array([(value >> 8) & 0xff, value & 0xff]);
}

export function sessionBytes(sessionId) {
  return b64d(sessionId, { exact: SESSION_BYTES, what: "session id" });
}

function asBytes(value, what) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (typeof value === "string") return b64d(value, { what });
  throw new ProtocolError("bad_encoding", `${what} must be bytes or base64url`);
}

async function sha256(data) {
  return new Uint8Array(await subtle.digest("SHA-256", data));
}

async function hmac(keyBytes, data) {
  const key = await subtle.importKey("raw", keyBytes, HMAC_SHA256, false, ["sign"]);
  return new Uint8Array(await subtle.sign("HMAC", key, data));
}

function checkPoint(point, what) {
  if (point.length !== POINT_BYTES || point[0] !== 4) {
    throw new ProtocolError("bad_key", `${what} must be an uncompressed P-256 point`);
  }
}

/** A public key (ECDSA verify or ECDH) from its 65-byte point; refuses points off the curve. */
export async function importPoint(point, { usage = "verify", what = "public key" } = {}) {
  checkPoint(point, what);
  try {
    if (usage === "verify") return await subtle.importKey("raw", point, ECDSA, true, ["verify"]);
    return await subtle.importKey("raw", point, ECDH, true, []);
  } catch (error) {
    throw new ProtocolError("bad_key", `${what} is not a point on P-256`);
  }
}

export async function exportPoint(publicKey) {
  return new Uint8Array(await subtle.exportKey("raw", publicKey));
}

/** Lower-case hex SHA-256 of the uncompressed point: how keys are named everywhere. */
export async function fingerprint(pointOrKey) {
  const point = pointOrKey instanceof CryptoKey ? await exportPoint(pointOrKey) : asBytes(pointOrKey, "key");
  checkPoint(point, "key");
  return toHex(await sha256(point));
}

export function formatFingerprint(hex) {
  return hex.match(/.{1,4}/g).join(" ");
}

/** Private key import for fixed test keys: d, x, y as base64url (a JWK). */
export async function importPrivateJwk(jwk, usage) {
  const full = { kty: "EC", crv: "P-256", d: jwk.d, x: jwk.x, y: jwk.y };
  if (usage === "sign") return subtle.importKey("jwk", full, ECDSA, false, ["sign"]);
  return subtle.importKey("jwk", full, ECDH, false, ["deriveBits"]);
}

/** A fresh ephemeral ECDH key pair; the private half cannot be exported. */
export async function generateEphemeral() {
  return subtle.generateKey(ECDH, false, ["deriveBits"]);
}

export async function sign(privateKey, data) {
  return new Uint8Array(await subtle.sign(ECDSA_SHA256, privateKey, data));
}

export async function verify(publicKey, signature, data) {
  if (signature.length !== SIGNATURE_BYTES) return false;
  return subtle.verify(ECDSA_SHA256, publicKey, signature, data);
}

// ------------------------------------------------------------------------------------------
// Certificates

export function encodeCertificate({ serial, publicKey, notBefore, notAfter, issuer, pseudonym }) {
  const name = encoder.encode(pseudonym.normalize("NFC"));
  if (name.length < 1 || name.length > MAX_PSEUDONYM_BYTES) {
    throw new ProtocolError("bad_certificate", "pseudonym must be 1 to 64 bytes of UTF-8");
  }
  return concat(CERT_MAGIC, serial, publicKey, u64(notBefore), u64(notAfter), issuer, new Uint8Array([name.length]), name);
}

export function decodeCertificate(data) {
  if (data.length <= CERT_FIXED_BYTES || data.length > MAX_CERT_BYTES || !CERT_MAGIC.every((b, i) => data[i] === b)) {
    throw new ProtocolError("bad_certificate", "not a v1 certificate");
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let offset = 4;
  const serial = data.slice(offset, offset + SERIAL_BYTES);
  offset += SERIAL_BYTES;
  const publicKey = data.slice(offset, offset + POINT_BYTES);
  offset += POINT_BYTES;
  const notBefore = view.getBigUint64(offset);
  const notAfter = view.getBigUint64(offset + 8);
  offset += 16;
  const issuer = data.slice(offset, offset + 32);
  offset += 32;
  const length = data[offset];
  offset += 1;
  if (length < 1 || length > MAX_PSEUDONYM_BYTES || offset + length !== data.length) {
    throw new ProtocolError("bad_certificate", "pseudonym length does not match");
  }
  let pseudonym;
  try {
    pseudonym = new TextDecoder("utf-8", { fatal: true }).decode(data.slice(offset));
  } catch (error) {
    throw new ProtocolError("bad_certificate", "pseudonym is not UTF-8");
  }
  if (pseudonym.normalize("NFC") !== pseudonym) throw new ProtocolError("bad_certificate", "pseudonym is not in NFC");
  checkPoint(publicKey, "certified key");
  if (notBefore > notAfter || notAfter > BigInt(MAX_SEQ)) {
    throw new ProtocolError("bad_certificate", "validity period is invalid");
  }
  return {
    serial,
    serialHex: toHex(serial),
    publicKey,
    notBefore: Number(notBefore),
    notAfter: Number(notAfter),
    issuer,
    pseudonym,
  };
}

/** Root-side issuing, used by tests and demo tools; the service itself certifies in Python. */
export async function issueCertificate({ rootPrivate, rootPoint, publicKey, pseudonym, notBefore, notAfter, serial }) {
  const cert = encodeCertificate({
    serial: serial || crypto.getRandomValues(new Uint8Array(SERIAL_BYTES)),
    publicKey,
    notBefore,
    notAfter,
    issuer: await sha256(rootPoint),
    pseudonym,
  });
  return { cert, sigCert: await sign(rootPrivate, cert) };
}

/**
 * The decoded certificate if the root signed it, it is valid at `now` (Unix seconds) and it is not
 * revoked. `revoked` holds certificate serials or identity-key fingerprints as lower-case hex.
 */
export async function verifyCertificate(certBytes, signature, { rootPublic, now, revoked = [] }) {
  const rootPoint = asBytes(rootPublic, "root public key");
  const root = await importPoint(rootPoint, { what: "root public key" });
  const cert = decodeCertificate(certBytes);
  const rootFingerprint = await sha256(rootPoint);
  const sameIssuer = rootFingerprint.every((b, i) => cert.issuer[i] === b);
  if (!sameIssuer || !(await verify(root, signature, certBytes))) {
    throw new ProtocolError("untrusted_certificate", "the certificate is not signed by the organisation's root key");
  }
  const moment = Math.floor(now === undefined ? Date.now() / 1000 : now);
  if (moment < cert.notBefore) throw new ProtocolError("certificate_not_yet_valid", "the certificate is not valid yet");
  if (moment > cert.notAfter) throw new ProtocolError("certificate_expired", "the certificate has expired");
  const refused = new Set(Array.from(revoked, (item) => String(item).toLowerCase()));
  cert.keyFingerprint = toHex(await sha256(cert.publicKey));
  if (refused.has(cert.serialHex) || refused.has(cert.keyFingerprint)) {
    throw new ProtocolError("certificate_revoked", "the certificate has been revoked");
  }
  return cert;
}

// ------------------------------------------------------------------------------------------
// Handshake

export function transcript(session, ephSeeker, ephCounsellor, certBytes) {
  return concat(TRANSCRIPT_MAGIC, session, ephSeeker, ephCounsellor, u16(certBytes.length), certBytes);
}

/** Transcript hash, shared secret, both chain keys, the confirmation key and the hs_confirm MAC. */
export async function deriveKeys(privateKey, peerPoint, transcriptBytes) {
  const peer = await importPoint(peerPoint, { usage: "ecdh", what: "ephemeral key" });
  const shared = new Uint8Array(await subtle.deriveBits({ name: "ECDH", public: peer }, privateKey, 256));
  const transcriptHash = await sha256(transcriptBytes);
  const ikm = await subtle.importKey("raw", shared, "HKDF", false, ["deriveBits"]);
  const okm = new Uint8Array(
    await subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: transcriptHash, info: HKDF_INFO }, ikm, 768),
  );
  const confirmKey = okm.slice(64, 96);
  return {
    transcriptHash,
    sharedSecret: shared,
    seekerChain: okm.slice(0, 32),
    counsellorChain: okm.slice(32, 64),
    confirmKey,
    confirmMac: await hmac(confirmKey, concat(CONFIRM_LABEL, transcriptHash)),
  };
}

/** The help-seeker's side: sends hs_init, checks hs_offer, answers with hs_confirm. */
export class SeekerHandshake {
  constructor(sessionId, rootPublic, revoked = [], { ephemeral } = {}) {
    this.sessionId = sessionId;
    this.session = sessionBytes(sessionId);
    this.rootPublic = asBytes(rootPublic, "root public key");
    this.revoked = Array.from(revoked);
    this.ephemeral = ephemeral || null;
    this.eph = null;
    this.certificate = null;
    this.keys = null;
  }

  /** The `eph` field of hs_init. */
  async init() {
    if (!this.ephemeral) this.ephemeral = await generateEphemeral();
    if (!this.eph) this.eph = await exportPoint(this.ephemeral.publicKey);
    return b64e(this.eph);
  }

  /**
   * Checks the counsellor's hs_offer fields and returns { mac, cipher }. Throws ProtocolError,
   * before any key is derived, if the certificate or the transcript signature does not check out.
   */
  async acceptOffer({ cert, sig_cert: sigCert, eph, sig }, { now } = {}) {
    if (this.keys) throw new ProtocolError("wrong_state", "the handshake has already completed");
    if (!this.eph) await this.init();
    const certBytes = b64d(cert, { maximum: MAX_CERT_BYTES, what: "cert" });
    const certSig = b64d(sigCert, { exact: SIGNATURE_BYTES, what: "sig_cert" });
    const ephC = b64d(eph, { exact: POINT_BYTES, what: "eph" });
    const signature = b64d(sig, { exact: SIGNATURE_BYTES, what: "sig" });
    await importPoint(ephC, { usage: "ecdh", what: "counsellor ephemeral key" });
    const certificate = await verifyCertificate(certBytes, certSig, {
      rootPublic: this.rootPublic,
      now,
      revoked: this.revoked,
    });
    const data = transcript(this.session, this.eph, ephC, certBytes);
    const identity = await importPoint(certificate.publicKey, { what: "certified key" });
    if (!(await verify(identity, signature, data))) {
      throw new ProtocolError("bad_signature", "the handshake was not signed by the certified counsellor key");
    }
    const keys = await deriveKeys(this.ephemeral.privateKey, ephC, data);
    this.certificate = certificate;
    this.keys = keys;
    const cipher = new ChatCipher(this.sessionId, FROM_SEEKER, keys.seekerChain, keys.counsellorChain);
    return { mac: b64e(keys.confirmMac), cipher };
  }
}

/** The counsellor's side: answers hs_init with hs_offer, checks hs_confirm. */
export class CounsellorHandshake {
  constructor(sessionId, identityPrivate, certBytes, certSig, { ephemeral } = {}) {
    this.sessionId = sessionId;
    this.session = sessionBytes(sessionId);
    this.identity = identityPrivate;
    this.cert = asBytes(certBytes, "certificate");
    this.certSig = asBytes(certSig, "certificate signature");
    this.ephemeral = ephemeral || null;
    this.keys = null;
    this.done = false;
  }

  /** The fields of hs_offer (without `session`) for the seeker's hs_init `eph`. */
  async offer(ephSeeker) {
    if (this.keys) throw new ProtocolError("wrong_state", "an offer has already been made");
    const ephS = b64d(ephSeeker, { exact: POINT_BYTES, what: "eph" });
    await importPoint(ephS, { usage: "ecdh", what: "seeker ephemeral key" });
    if (!this.ephemeral) this.ephemeral = await generateEphemeral();
    const ephC = await exportPoint(this.ephemeral.publicKey);
    const data = transcript(this.session, ephS, ephC, this.cert);
    const keys = await deriveKeys(this.ephemeral.privateKey, ephS, data);
    const signature = await sign(this.identity, data);
    this.keys = keys;
    return { cert: b64e(this.cert), sig_cert: b64e(this.certSig), eph: b64e(ephC), sig: b64e(signature) };
  }

  /** Checks hs_confirm's `mac` and returns the chat cipher. */
  async confirm(mac) {
    if (!this.keys || this.done) throw new ProtocolError("wrong_state", "no offer is waiting for confirmation");
    const value = b64d(mac, { exact: 32, what: "mac" });
    const key = await subtle.importKey("raw", this.keys.confirmKey, HMAC_SHA256, false, ["verify"]);
    const ok = await subtle.verify("HMAC", key, value, concat(CONFIRM_LABEL, this.keys.transcriptHash));
    if (!ok) throw new ProtocolError("confirm_failed", "the help-seeker derived different keys");
    this.done = true;
    return new ChatCipher(this.sessionId, FROM_COUNSELLOR, this.keys.counsellorChain, this.keys.seekerChain);
  }
}

// ------------------------------------------------------------------------------------------
// Messages

export function messageKey(chainKey) {
  return hmac(chainKey, new Uint8Array([1]));
}

export function nextChainKey(chainKey) {
  return hmac(chainKey, new Uint8Array([2]));
}

export function nonceFor(direction, seq) {
  return concat(new Uint8Array([direction, 0, 0, 0]), u64(seq));
}

export function associatedData(session, direction, seq) {
  return concat(AD_MAGIC, session, new Uint8Array([direction]), u64(seq));
}

/** uint32 length || message || zero bytes, up to the smallest bucket that fits. */
export function pad(message) {
  const total = message.length + 4;
  const bucket = PAD_BUCKETS.find((size) => total <= size);
  if (bucket === undefined) {
    throw new ProtocolError("too_large", `a message may be at most ${MAX_PLAINTEXT_BYTES} bytes of UTF-8`);
  }
  const out = new Uint8Array(bucket);
  new DataView(out.buffer).setUint32(0, message.length);
  out.set(message, 4);
  return out;
}

export function unpad(padded) {
  if (!PAD_BUCKETS.includes(padded.length)) throw new ProtocolError("bad_padding", "padded length is not a bucket");
  const length = new DataView(padded.buffer, padded.byteOffset, padded.byteLength).getUint32(0);
  const end = 4 + length;
  if (end > padded.length || padded.subarray(end).some((b) => b !== 0)) {
    throw new ProtocolError("bad_padding", "padding is malformed");
  }
  return padded.slice(4, end);
}

async function aesKey(keyBytes, usage) {
  return subtle.importKey("raw", keyBytes, { name: "AES-GCM" }, false, [usage]);
}

/**
 * Seals outgoing and opens incoming messages for one side of one chat. Calls are queued so that
 * concurrent seal/open calls see the chain state one after another, as in the Python reference.
 */
export class ChatCipher {
  constructor(sessionId, direction, sendChain, receiveChain) {
    if (direction !== FROM_SEEKER && direction !== FROM_COUNSELLOR) throw new Error("bad direction");
    this.sessionId = sessionId;
    this.session = sessionBytes(sessionId);
    this.direction = direction;
    this.peerDirection = direction === FROM_SEEKER ? FROM_COUNSELLOR : FROM_SEEKER;
    this.send = { key: sendChain, seq: 0 };
    this.receive = { key: receiveChain, seq: 0 };
    this.queue = Promise.resolve();
  }

  get sent() {
    return this.send.seq;
  }

  get received() {
    return this.receive.seq;
  }

  exclusive(task) {
    const result = this.queue.then(task);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** { seq, ct } of the next msg frame. */
  seal(plaintext) {
    return this.exclusive(async () => {
      const padded = pad(encoder.encode(plaintext));
      const chain = this.send;
      if (chain.seq >= MAX_SEQ) throw new ProtocolError("too_many_messages", "start a new handshake");
      const seq = chain.seq + 1;
      const key = await aesKey(await messageKey(chain.key), "encrypt");
      const ct = new Uint8Array(
        await subtle.encrypt(
          {
            name: "AES-GCM",
            iv: nonceFor(this.direction, seq),
            additionalData: associatedData(this.session, this.direction, seq),
          },
          key,
          padded,
        ),
      );
      const next = await nextChainKey(chain.key);
      chain.key = next;
      chain.seq = seq;
      return { seq, ct: b64e(ct) };
    });
  }

  /**
   * The plaintext of a msg frame, DUPLICATE for one already received, or a thrown ProtocolError.
   * On DUPLICATE or error nothing changes.
   */
  open(seq, ct) {
    return this.exclusive(async () => {
      if (!Number.isSafeInteger(seq) || seq < 1) throw new ProtocolError("bad_seq", "seq must be a whole number from 1");
      const chain = this.receive;
      if (seq <= chain.seq) return DUPLICATE;
      if (seq !== chain.seq + 1) throw new ProtocolError("gap", `expected message ${chain.seq + 1}, got ${seq}`);
      const data = b64d(ct, { maximum: MAX_CIPHERTEXT_BYTES, what: "ct" });
      if (!PAD_BUCKETS.includes(data.length - TAG_BYTES)) {
        throw new ProtocolError("decrypt_failed", "ciphertext length is not a bucket");
      }
      const key = await aesKey(await messageKey(chain.key), "decrypt");
      let padded;
      try {
        padded = new Uint8Array(
          await subtle.decrypt(
            {
              name: "AES-GCM",
              iv: nonceFor(this.peerDirection, seq),
              additionalData: associatedData(this.session, this.peerDirection, seq),
            },
            key,
            data,
          ),
        );
      } catch (error) {
        throw new ProtocolError("decrypt_failed", "the message was altered or is not for this chat");
      }
      const message = unpad(padded);
      let text;
      try {
        text = new TextDecoder("utf-8", { fatal: true }).decode(message);
      } catch (error) {
        throw new ProtocolError("bad_padding", "the message is not UTF-8");
      }
      const next = await nextChainKey(chain.key);
      chain.key = next;
      chain.seq = seq;
      return text;
    });
  }
}

// ------------------------------------------------------------------------------------------
// Counsellor identity, kept in IndexedDB

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
