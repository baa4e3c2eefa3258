"""chat.flood: the frame window the gate counts with, and that it stays out of the way where
Daphne is not the server (the test communicator)."""

from __future__ import annotations

from chat.flood import FrameWindow, daphne_protocol, discard_input, guard


def test_it_counts_frames_within_one_second_and_starts_again_after_it() -> None:
    window = FrameWindow(now=100.0)
    assert [window.add(now=100.0 + i * 0.1) for i in range(5)] == [1, 2, 3, 4, 5]
    assert window.add(now=100.99) == 6
    assert window.add(now=101.0) == 1  # a new second
    assert window.add(now=101.5) == 2


def test_it_does_nothing_when_the_send_is_not_daphnes() -> None:
    async def send(message: dict[str, object]) -> None:
        return None

    tripped: list[bool] = []
    assert daphne_protocol(send) is None
    assert guard(send, allowance=lambda: 180, max_backlog=2000, tripped=lambda: tripped.append(True)) is False
    assert discard_input(send) is False
    assert tripped == []
