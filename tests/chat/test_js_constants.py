"""The browser's copy of the protocol's names (chat/static/chat/js/constants.js) matches the server's.

chat/protocol.py declares the close codes, the frame types of each socket and the ending reasons;
docs/PROTOCOL.md documents the close codes. The browser modules cannot import Python, so
constants.js repeats them, and this test parses it (without running it) and fails on any difference.
It also checks that the pages use the names: no bare close-code number outside constants.js, no
frame type sent or handled that the socket does not declare, and one pattern for a shareable path.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from chat import protocol
from helpline import workspace

JS = Path(__file__).resolve().parents[2] / "chat" / "static" / "chat" / "js"
PROTOCOL_MD = Path(__file__).resolve().parents[2] / "docs" / "PROTOCOL.md"
BROWSER_OWN_CODES = {"NORMAL": 1000, "ABNORMAL": 1006}
_EXPORT = re.compile(r"^export const ([A-Z_]+) = Object\.freeze\((.*?)\);$", re.MULTILINE | re.DOTALL)


def js_literal(text: str) -> Any:
    """A JS object or array literal of strings and numbers (the only kind constants.js holds)."""
    without_comments = re.sub(r"//[^\n]*", "", text)
    quoted = re.sub(r"(?m)^(\s*)([A-Z_]+):", r'\1"\2":', without_comments)
    return json.loads(re.sub(r",(\s*[}\]])", r"\1", quoted))


def constants() -> dict[str, Any]:
    source = (JS / "constants.js").read_text()
    found = {name: js_literal(body) for name, body in _EXPORT.findall(source)}
    # Every export is one of the parsed ones: a new kind of export must be added to this test too.
    assert len(found) == len(re.findall(r"^export ", source, re.MULTILINE))
    return found


def server_close_codes() -> dict[str, int]:
    return {name.removeprefix("CLOSE_"): value for name, value in vars(protocol).items() if name.startswith("CLOSE_")}


def page_sources(*prefixes: str) -> dict[str, str]:
    return {path.name: path.read_text() for path in sorted(JS.glob("*.js")) if path.name.startswith(prefixes)}


def test_its_close_codes_are_the_servers() -> None:
    codes = constants()["CLOSE"]
    assert {name: value for name, value in codes.items() if name not in BROWSER_OWN_CODES} == server_close_codes()
    assert {name: codes[name] for name in BROWSER_OWN_CODES} == BROWSER_OWN_CODES


def test_its_close_codes_are_the_documented_ones() -> None:
    text = PROTOCOL_MD.read_text()
    table = text[text.index("Close codes used by the server:"):text.index("Error codes in `error")]
    documented = {int(code) for code in re.findall(r"^\| (\d{4}) \|", table, re.MULTILINE)}
    assert documented == set(server_close_codes().values())


def test_its_frame_types_are_the_servers() -> None:
    found = constants()
    assert found["SEEKER_SENDS"] == list(protocol.SEEKER_IN)
    assert set(found["SEEKER_RECEIVES"]) == protocol.SEEKER_OUT
    assert found["COUNSELLOR_SENDS"] == list(protocol.COUNSELLOR_IN)
    assert set(found["COUNSELLOR_RECEIVES"]) == protocol.COUNSELLOR_OUT
    for name in ("SEEKER_RECEIVES", "COUNSELLOR_RECEIVES"):
        assert len(found[name]) == len(set(found[name])), name


def test_its_ending_reasons_are_the_servers() -> None:
    assert tuple(constants()["ENDED_REASONS"]) == protocol.ENDED_REASONS


def test_no_page_writes_a_close_code_as_a_bare_number() -> None:
    codes = "|".join(str(code) for code in server_close_codes().values())
    bare = {
        name: re.findall(rf"\b(?:{codes})\b", re.sub(r"//[^\n]*", "", source))
        for name, source in page_sources("").items()
        if name != "constants.js"
    }
    assert {name: found for name, found in bare.items() if found} == {}


def test_the_pages_send_and_handle_only_declared_frame_types() -> None:
    found = constants()
    sent = re.compile(r'\btype: "([a-z_]+)"')
    seeker = "\n".join(page_sources("seeker").values())
    staff = "\n".join(page_sources("workspace", "supervisor", "staff").values())
    assert set(sent.findall(seeker)) <= set(found["SEEKER_SENDS"])
    assert set(sent.findall(staff)) <= set(found["COUNSELLOR_SENDS"])
    assert "ping" in found["SEEKER_SENDS"] and "ping" in found["COUNSELLOR_SENDS"]  # socket.js keep-alive
    handled = set(re.findall(r"^  (?:async )?on_([a-z_]+)\(", seeker, re.MULTILINE))
    assert handled and handled <= set(found["SEEKER_RECEIVES"])
    # The staff pages' handler tables: `name(frame) {` or `name: function` members of `handlers` objects.
    staff_handled = set(re.findall(r"^  (?:async )?([a-z_]+)(?:\((?:frame)?\) \{|: [a-zA-Z]+,)$", staff, re.MULTILINE))
    assert staff_handled and staff_handled <= set(found["COUNSELLOR_RECEIVES"])


def test_one_pattern_says_which_paths_may_be_shared() -> None:
    source = (JS / "share-paths.js").read_text()
    declared = re.search(r'^export const SHAREABLE_PATH_PATTERN = ("[^"\n]*");$', source, re.MULTILINE)
    assert declared is not None
    assert json.loads(declared.group(1)) == workspace._RESOURCE_PATH.pattern
    others = {name: text for name, text in page_sources("").items() if name != "share-paths.js"}
    code = {name: re.sub(r"//[^\n]*", "", text) for name, text in others.items()}
    assert [name for name, text in code.items() if "help\\/" in text or "/help/" in text] == []
