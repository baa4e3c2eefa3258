"""The fast path for `msg` and `ack` frames gives exactly what the general parser gives."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from chat import protocol

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
SESSION = "s" * 22


def outcome(parse: object, text: str, schemas: object) -> object:
    try:
        return parse(text, schemas)  # type: ignore[operator]
    except protocol.FrameError as exc:
        return ("error", exc.code)


def test_it_takes_the_fast_path_for_the_reference_clients_frames() -> None:
    ct = "A" * 400
    seeker = json.dumps({"type": "msg", "seq": 7, "ct": ct}, separators=(",", ":"))
    staff = json.dumps({"type": "msg", "session": SESSION, "seq": 7, "ct": ct}, separators=(",", ":"))
    assert protocol._fast_frame(seeker, protocol.SEEKER_IN) == protocol.Frame("msg", {"seq": 7, "ct": ct})
    assert protocol._fast_frame(staff, protocol.COUNSELLOR_IN) == protocol.Frame(
        "msg", {"session": SESSION, "seq": 7, "ct": ct})
    assert protocol._fast_frame('{"type":"ack","seq":3}', protocol.SEEKER_IN) == protocol.Frame("ack", {"seq": 3})
    # A seeker frame with a session, or a counsellor frame without one, is not for the fast path.
    assert protocol._fast_frame(staff, protocol.SEEKER_IN) is None
    assert protocol._fast_frame(seeker, protocol.COUNSELLOR_IN) is None
    assert outcome(protocol.parse_frame, staff, protocol.SEEKER_IN) == ("error", "bad_frame")


@given(
    kind=st.sampled_from(["msg", "ack", "ping"]),
    session=st.one_of(st.none(), st.just(SESSION), st.text(B64, min_size=20, max_size=24)),
    seq=st.one_of(st.integers(-2, 2**54), st.just(2**53 - 1), st.just(2**53), st.floats(allow_nan=False)),
    ct=st.one_of(st.none(), st.text(B64 + "=+/ ", min_size=360, max_size=370), st.text(B64, min_size=0, max_size=400)),
    extra=st.booleans(),
    spaced=st.booleans(),
)
def test_it_agrees_with_the_general_parser(
    kind: str, session: str | None, seq: object, ct: str | None, extra: bool, spaced: bool
) -> None:
    data: dict[str, object] = {"type": kind}
    if session is not None:
        data["session"] = session
    data["seq"] = seq
    if ct is not None:
        data["ct"] = ct
    if extra:
        data["x"] = 1
    text = json.dumps(data, separators=(", ", ": ") if spaced else (",", ":"))
    for schemas in (protocol.SEEKER_IN, protocol.COUNSELLOR_IN):
        assert outcome(protocol.parse_frame, text, schemas) == outcome(protocol.parse_general, text, schemas)
