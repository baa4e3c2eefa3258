"""Property tests of the receiving side: duplicates, reordering, bit flips, wrong session, wrong
direction and truncation are each dropped or rejected without changing the receiver's state, and
no (key, nonce) pair is ever used twice."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from chat import e2ee

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=300
).map(lambda body: '{"t":"text","body":' + repr(body) + "}")


class ReceiverMachine(RuleBasedStateMachine):
    """The counsellor sends, the seeker receives; an attacker replays and alters frames."""

    @initialize(session=st.binary(min_size=16, max_size=16), chains=st.binary(min_size=64, max_size=64))
    def setup(self, session: bytes, chains: bytes) -> None:
        self.session_id = e2ee.b64e(session)
        self.send_chain, self.receive_chain = chains[:32], chains[32:]
        self.sender = e2ee.ChatCipher(self.session_id, e2ee.FROM_COUNSELLOR, self.send_chain, self.receive_chain)
        self.receiver = e2ee.ChatCipher(self.session_id, e2ee.FROM_SEEKER, self.receive_chain, self.send_chain)
        self.frames: list[tuple[int, str, str]] = []  # (seq, ct, plaintext) in sending order
        self.delivered = 0
        self.used: set[tuple[bytes, bytes]] = set()

    # --- helpers ---------------------------------------------------------------------------

    def _state(self) -> tuple:
        r = self.receiver
        return (r._receive.key, r._receive.seq, r._send.key, r._send.seq)

    def _seal(self, cipher: e2ee.ChatCipher, text: str) -> tuple[int, str]:
        pair = (e2ee.message_key(cipher._send.key), e2ee.nonce_for(cipher.direction, cipher._send.seq + 1))
        assert pair not in self.used, "a (key, nonce) pair was used twice"
        self.used.add(pair)
        return cipher.seal(text)

    def _refused(self, seq: object, ct: object, *, duplicate_ok: bool = False) -> None:
        before = self._state()
        try:
            result = self.receiver.open(seq, ct)
        except e2ee.ProtocolError as error:
            assert error.code in {"bad_seq", "gap", "bad_encoding", "decrypt_failed", "bad_padding"}
        else:
            assert duplicate_ok and result is e2ee.DUPLICATE, f"accepted a bad frame: {result!r}"
        assert self._state() == before

    def _next_frame(self) -> tuple[int, str, str]:
        return self.frames[self.delivered]

    # --- rules -----------------------------------------------------------------------------

    @rule(text=TEXT)
    def send(self, text: str) -> None:
        seq, ct = self._seal(self.sender, text)
        assert seq == len(self.frames) + 1
        self.frames.append((seq, ct, text))

    @rule(text=TEXT)
    def reply(self, text: str) -> None:
        # The receiver also sends; its chain is separate and must not disturb receiving.
        seq, ct = self._seal(self.receiver, text)
        assert self.sender.open(seq, ct) == text

    @precondition(lambda self: self.delivered < len(self.frames))
    @rule()
    def deliver(self) -> None:
        seq, ct, text = self._next_frame()
        assert self.receiver.open(seq, ct) == text
        self.delivered += 1

    @precondition(lambda self: self.delivered > 0)
    @rule(data=st.data())
    def redeliver(self, data: st.DataObject) -> None:
        seq, ct, _ = self.frames[data.draw(st.integers(0, self.delivered - 1))]
        before = self._state()
        assert self.receiver.open(seq, ct) is e2ee.DUPLICATE
        assert self._state() == before

    @precondition(lambda self: len(self.frames) - self.delivered >= 2)
    @rule(data=st.data())
    def deliver_out_of_order(self, data: st.DataObject) -> None:
        seq, ct, _ = self.frames[data.draw(st.integers(self.delivered + 1, len(self.frames) - 1))]
        self._refused(seq, ct)

    @precondition(lambda self: self.delivered < len(self.frames))
    @rule(data=st.data())
    def flip_a_ciphertext_bit(self, data: st.DataObject) -> None:
        seq, ct, _ = self._next_frame()
        raw = bytearray(e2ee.b64d(ct))
        bit = data.draw(st.integers(0, len(raw) * 8 - 1))
        raw[bit // 8] ^= 1 << (bit % 8)
        self._refused(seq, e2ee.b64e(bytes(raw)))

    @precondition(lambda self: self.delivered < len(self.frames))
    @rule(bit=st.integers(0, 62))
    def flip_a_seq_bit(self, bit: int) -> None:
        seq, ct, _ = self._next_frame()
        # A lower seq is dropped as a duplicate without reading it, which is also "no change".
        self._refused(seq ^ (1 << bit), ct, duplicate_ok=True)

    @precondition(lambda self: self.delivered < len(self.frames))
    @rule(data=st.data())
    def alter_the_ct_text(self, data: st.DataObject) -> None:
        seq, ct, _ = self._next_frame()
        position = data.draw(st.integers(0, len(ct) - 1))
        replacement = data.draw(st.sampled_from("A_-=+/ .é").filter(lambda c: c != ct[position]))
        self._refused(seq, ct[:position] + replacement + ct[position + 1 :])

    @precondition(lambda self: self.delivered < len(self.frames))
    @rule(data=st.data())
    def truncate(self, data: st.DataObject) -> None:
        seq, ct, _ = self._next_frame()
        raw = e2ee.b64d(ct)
        cut = data.draw(st.integers(0, len(raw) - 1))
        self._refused(seq, e2ee.b64e(raw[:cut]))
        self._refused(seq, ct[: data.draw(st.integers(0, len(ct) - 1))])

    @rule(seq=st.one_of(st.none(), st.booleans(), st.floats(), st.text(max_size=3), st.integers(max_value=0)))
    def send_a_bad_seq(self, seq: object) -> None:
        self._refused(seq, e2ee.b64e(bytes(272)))

    @rule(ct=st.one_of(st.none(), st.integers(), st.binary(max_size=20), st.text(max_size=40)))
    def send_a_bad_ct(self, ct: object) -> None:
        self._refused(self.receiver.received + 1, ct)

    @rule(text=TEXT, other=st.binary(min_size=16, max_size=16))
    def wrong_session(self, text: str, other: bytes) -> None:
        # Same keys and position, another chat: the associated data differs.
        other_id = e2ee.b64e(other)
        if other_id == self.session_id:
            return
        forger = e2ee.ChatCipher(other_id, e2ee.FROM_COUNSELLOR, self.receiver._receive.key, b"\0" * 32)
        forger._send.seq = self.receiver.received
        self._refused(*forger.seal(text))

    @rule(text=TEXT)
    def wrong_direction(self, text: str) -> None:
        # Same keys, session and position, sealed as if sent by the seeker (reflected back).
        forger = e2ee.ChatCipher(self.session_id, e2ee.FROM_SEEKER, self.receiver._receive.key, b"\0" * 32)
        forger._send.seq = self.receiver.received
        self._refused(*forger.seal(text))

    @precondition(lambda self: self.delivered < len(self.frames))
    @rule()
    def replace_with_the_previous_ciphertext(self) -> None:
        seq, _, _ = self._next_frame()
        if self.delivered > 0:
            self._refused(seq, self.frames[self.delivered - 1][1])

    @invariant()
    def position_matches(self) -> None:
        if hasattr(self, "receiver"):
            assert self.receiver.received == self.delivered


ReceiverMachine.TestCase.settings = settings(
    max_examples=150, stateful_step_count=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
test_it_keeps_receiver_state_on_every_bad_frame = ReceiverMachine.TestCase


@pytest.mark.parametrize("size", [0, 1, 251, 252, 253, 1020, 1021, 4092, 4093, 16380])
def test_it_pads_to_buckets(size: int) -> None:
    padded = e2ee.pad(b"a" * size)
    assert len(padded) == min(b for b in e2ee.PAD_BUCKETS if b >= size + 4)
    assert e2ee.unpad(padded) == b"a" * size


def test_it_refuses_a_message_beyond_the_largest_bucket() -> None:
    cipher = e2ee.ChatCipher(e2ee.b64e(os.urandom(16)), e2ee.FROM_SEEKER, os.urandom(32), os.urandom(32))
    with pytest.raises(e2ee.ProtocolError, match="too_large"):
        cipher.seal("a" * 16381)
    assert cipher.sent == 0
