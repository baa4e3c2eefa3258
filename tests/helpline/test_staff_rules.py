from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
import qrcode
import qrcode.constants

from helpline.staff.qr import qr_svg
from helpline.staff.rules import (
    ADMIN_EXCLUDED_PERMISSIONS,
    ROLE_PERMISSIONS,
    ROLES,
    grouped_secret,
    parse_language_codes,
    parse_pathway_codes,
    role_of,
)


def test_it_picks_the_most_privileged_role_of_a_misconfigured_account() -> None:
    assert role_of(["counsellor"]) == "counsellor"
    assert role_of(["counsellor", "supervisor"]) == "supervisor"
    assert role_of(["manager", "admin"]) == "admin"
    assert role_of(["volunteers"]) is None
    assert role_of([]) is None
    assert role_of([], is_superuser=True) == "admin"


def test_it_gives_every_role_its_permissions_and_nobody_a_hand_on_the_audit_trail() -> None:
    assert set(ROLE_PERMISSIONS) == set(ROLES)
    assert ROLE_PERMISSIONS["manager"] == ("helpline.view_statistics",)
    assert not {p for perms in ROLE_PERMISSIONS.values() for p in perms} & ADMIN_EXCLUDED_PERMISSIONS
    assert "helpline.delete_auditevent" in ADMIN_EXCLUDED_PERMISSIONS


def test_it_parses_language_codes() -> None:
    assert parse_language_codes("en, DE,en ,pt-br") == ["en", "de", "pt-br"]
    with pytest.raises(ValueError, match="at least one"):
        parse_language_codes(" , ")
    with pytest.raises(ValueError, match="'english' is not a language code"):
        parse_language_codes("en,english")


def test_it_parses_pathway_codes_with_empty_meaning_all() -> None:
    assert parse_pathway_codes("") == []
    assert parse_pathway_codes("self, someone_else") == ["self", "someone_else"]
    with pytest.raises(ValueError, match="not a pathway code"):
        parse_pathway_codes("self,<b>")


def test_it_groups_a_secret_in_fours() -> None:
    assert grouped_secret("ABCDEFGHIJ") == "ABCD EFGH IJ"


def test_it_draws_an_accessible_qr_code_without_inline_styles() -> None:
    svg = qr_svg("otpauth://totp/Helpline%3Asam?secret=ABCDEFGH&issuer=Helpline", label='Scan "me" <now>')
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == 'Scan "me" <now>'
    assert root.get("class") == "qr-code"
    assert "width" not in root.attrib and "height" not in root.attrib
    low, high, width, height = (int(v) for v in root.get("viewBox", "").split())
    assert (low, high) == (0, 0) and width == height >= 29
    paths = root.findall("{http://www.w3.org/2000/svg}path")
    assert len(paths) == 1 and paths[0].get("d", "").startswith("M4,4")
    assert "style" not in svg and "script" not in svg and "svg:" not in svg


def test_it_draws_exactly_the_modules_of_the_qr_code() -> None:
    data = "otpauth://totp/Helpline%3Asam?secret=JBSWY3DPEHPK3PXP&issuer=Helpline"
    path = ET.fromstring(qr_svg(data, label="x")).find("{http://www.w3.org/2000/svg}path")
    assert path is not None
    drawn = {tuple(int(n) for n in m.split(",")) for m in re.findall(r"M(\d+,\d+)", path.get("d", ""))}
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(data)
    matrix = code.get_matrix()
    expected = {(x, y) for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark}
    assert drawn == expected
