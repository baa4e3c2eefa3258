// End-to-end encryption for the helpline chat, suite v1 (docs/PROTOCOL.md).
//
// WebCrypto only, no dependencies. This module holds certificates and the handshake and re-exports
// the rest of the suite, so that pages need this one module: e2ee-bytes.js (sizes, encodings,
// primitives), e2ee-ratchet.js (messages) and e2ee-keystore.js (the keys a browser loads or keeps).
// They name each other by relative path, which collectstatic rewrites to the content-hashed
// names; pages preload every one with its integrity. It mirrors the Python reference in
// chat/e2ee.py byte for byte; tests/chat runs both against each other and against the worked
// example in the protocol document.
//
// Suite v1: ECDH P-256, ECDSA P-256 with SHA-256, HKDF-SHA-256, AES-256-GCM.
// The help-seeker side keeps nothing: every key lives in memory and vanishes with the page.
// The counsellor side keeps its identity key pair (private key non-extractable) and its
// certificate in IndexedDB.

import {
  CERT_FIXED_BYTES, FROM_COUNSELLOR, FROM_SEEKER, HMAC_SHA256, MAX_CERT_BYTES, MAX_PSEUDONYM_BYTES, MAX_SEQ,
  POINT_BYTES, ProtocolError, SERIAL_BYTES, SIGNATURE_BYTES, asBytes, b64d, b64e, checkPoint, concat, encoder,
  exportPoint, generateEphemeral, hmac, importPoint, sessionBytes, sha256, sign, subtle, toHex, u16, u64, verify,
} from "./e2ee-bytes.js";
import { ChatCipher } from "./e2ee-ratchet.js";

export {
  CERT_FIXED_BYTES, DUPLICATE, FROM_COUNSELLOR, FROM_SEEKER, MAX_CERT_BYTES, MAX_CIPHERTEXT_BYTES, MAX_PLAINTEXT_BYTES,
  MAX_PSEUDONYM_BYTES, MAX_SEQ, PAD_BUCKETS, POINT_BYTES, ProtocolError, SERIAL_BYTES, SESSION_BYTES,
  SIGNATURE_BYTES, TAG_BYTES, VERSION, b64d, b64e, concat, exportPoint, fingerprint, formatFingerprint, fromHex,
  generateEphemeral, importPoint, importPrivateJwk, sessionBytes, sign, toHex, verify,
} from "./e2ee-bytes.js";
export {
  ChatCipher, associatedData, messageKey, nextChainKey, nonceFor, pad, unpad,
} from "./e2ee-ratchet.js";
export {
  forgetIdentity, loadCertificate, loadOrCreateIdentityKey, loadRootPublicKey, saveCertificate,
} from "./e2ee-keystore.js";

const CERT_MAGIC = new Uint8Array([0x48, 0x4c, 0x43, 0x01]); // "HLC" 1
const TRANSCRIPT_MAGIC = new Uint8Array([0x48, 0x4c, 0x54, 0x01]); // "HLT" 1
const HKDF_INFO = encoder.encode("helpline e2ee v1 chat keys");
const CONFIRM_LABEL = encoder.encode("helpline e2ee v1 confirm");

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
