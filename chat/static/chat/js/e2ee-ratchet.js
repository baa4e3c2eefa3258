// End-to-end encryption, suite v1: messages (docs/PROTOCOL.md section 6): the symmetric hash
// ratchet per direction, nonces and associated data, padding to fixed buckets, and ChatCipher,
// which seals and opens one side of one chat. Part of e2ee.js, which re-exports it.

import {
  DUPLICATE, FROM_COUNSELLOR, FROM_SEEKER, MAX_CIPHERTEXT_BYTES, MAX_PLAINTEXT_BYTES, MAX_SEQ, PAD_BUCKETS,
  ProtocolError, TAG_BYTES, b64d, b64e, concat, encoder, hmac, sessionBytes, subtle, u64,
} from "./e2ee-bytes.js";

const AD_MAGIC = new Uint8Array([0x48, 0x4c, 0x4d, 0x01]); // "HLM" 1

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
