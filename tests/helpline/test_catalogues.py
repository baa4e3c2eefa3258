"""Every shipped catalogue is complete: no untranslated or fuzzy entry, the same placeholders as the
English text, and a compiled .mo beside it. `make messages` runs this after compiling."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

REPO = Path(__file__).resolve().parents[2]
APPS = ("helpline", "resources")
SHIPPED = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|\{[a-z_]+\}")


def entries(path: Path) -> list[dict]:
    """The entries of a .po file: flags, msgid, msgid_plural and msgstr (or msgstr[n]) texts."""
    found: list[dict] = []
    current: dict = {}
    field = ""

    def unquote(text: str) -> str:
        return bytes(text.strip()[1:-1], "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")

    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if "msgid" in current:
                found.append(current)
            current, field = {}, ""
        elif line.startswith("#,"):
            current["flags"] = line
        elif line.startswith("#"):
            continue
        elif line.startswith(("msgid ", "msgid_plural ", "msgstr")):
            field, _, text = line.partition(" ")
            current[field] = unquote(text)
        elif line.startswith('"'):
            current[field] += unquote(line)
    return found


def catalogues() -> list[tuple[str, str, Path]]:
    return [(app, code, REPO / app / "locale" / code / "LC_MESSAGES" / "django.po") for app in APPS for code in SHIPPED]


@pytest.mark.parametrize(("app", "code", "path"), catalogues(), ids=lambda value: str(value).split("/")[-1])
def test_every_entry_of_every_shipped_catalogue_is_translated(app: str, code: str, path: Path) -> None:
    assert path.exists(), f"{app} has no {code} catalogue: run make messages"
    problems = []
    for entry in entries(path):
        if not entry["msgid"]:
            continue
        texts = [value for key, value in entry.items() if key.startswith("msgstr")]
        if "fuzzy" in entry.get("flags", ""):
            problems.append(f"fuzzy: {entry['msgid'][:60]}")
        elif not all(texts):
            problems.append(f"untranslated: {entry['msgid'][:60]}")
        else:
            wanted = set(PLACEHOLDER.findall(entry["msgid"] + entry.get("msgid_plural", "")))
            for text in texts:
                if set(PLACEHOLDER.findall(text)) != wanted and len(texts) == 1:
                    problems.append(f"placeholders differ: {entry['msgid'][:60]}")
    assert problems == [], f"{app}/{code}: {len(problems)} problems\n" + "\n".join(problems)
    compiled = path.with_suffix(".mo")
    assert compiled.exists() and compiled.stat().st_mtime >= path.stat().st_mtime - 1, f"{compiled} is out of date"
