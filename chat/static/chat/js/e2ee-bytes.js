// End-to-end encryption, suite v1: sizes, the refusal type, encodings (hex, strict base64url,
// integers) and the WebCrypto primitives (points, fingerprints, ECDSA, SHA-256, HMAC) that the rest of
// the suite builds on (docs/PROTOCOL.md sections 2 and 4). Part of e2ee.js, which re-exports the
// public names; WebCrypto only, nothing kept.

export const subtle = globalThis.crypto.subtle;

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

export const encoder = new TextEncoder();
export const ECDSA = { name: "ECDSA", namedCurve: "P-256" };
export const ECDSA_SHA256 = { name: "ECDSA", hash: "SHA-256" };
export const ECDH = { name: "ECDH", namedCurve: "P-256" };
export const HMAC_SHA256 = { name: "HMAC", hash: "SHA-256" };

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

export function u64(value) {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value));
  return out;
}

export function u16(value) {
  return new Uint8Array([(value >> 8) & 0xff, value & 0xff]);
}

export function sessionBytes(sessionId) {
  return b64d(sessionId, { exact: SESSION_BYTES, what: "session id" });
}

export function asBytes(value, what) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (typeof value === "string") return b64d(value, { what });
  throw new ProtocolError("bad_encoding", `${what} must be bytes or base64url`);
}

export async function sha256(data) {
  return new Uint8Array(await subtle.digest("SHA-256", data));
}

export async function hmac(keyBytes, data) {
  const key = await subtle.importKey("raw", keyBytes, HMAC_SHA256, false, ["sign"]);
  return new Uint8Array(await subtle.sign("HMAC", key, data));
}

export function checkPoint(point, what) {
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
