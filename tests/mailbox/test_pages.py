"""The seeker pages of secure messages, their links from the rest of the site, and their German."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/mailbox/", "Write to us"),
        ("/de/mailbox/", "Schreiben Sie uns"),
        ("/mailbox/return/", "Your secure messages"),
        ("/de/mailbox/return/", "Ihre sicheren Nachrichten"),
    ],
)
def test_it_serves_the_pages_in_every_language_without_a_cookie(client: Client, path: str, words: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not response.cookies
    assert "Set-Cookie" not in response.headers


def test_it_tells_the_seeker_about_retention_before_writing(client: Client, settings: object) -> None:
    text = client.get("/mailbox/").content.decode()
    assert "Your mailbox is deleted 30 days after the last message" in text
    assert text.index("deleted 30 days") < text.index('id="write-form"')


def test_it_is_linked_from_the_home_page_and_the_staff_workspace(client: Client) -> None:
    assert 'href="/mailbox/"' in client.get("/").content.decode()
    assert 'href="/de/mailbox/"' in client.get("/de/").content.decode()
    workspace = Path(settings.BASE_DIR, "helpline", "templates", "helpline", "staff", "workspace.html").read_text()
    assert "{% url 'inbox' %}" in workspace


def test_it_is_linked_from_the_closed_full_and_waiting_views() -> None:
    templates = Path(settings.BASE_DIR, "helpline", "templates", "helpline")
    chat = (templates / "chat.html").read_text()
    full = chat.split('data-view="full"', 1)[1].split("</section>", 1)[0]
    waiting = chat.split('data-view="waiting"', 1)[1].split("</section>", 1)[0]
    assert "{% url 'mailbox-write' %}" in full and "{% url 'mailbox-write' %}" in waiting
    assert "{% url 'mailbox-write' %}" in (templates / "chat_closed.html").read_text()


def test_the_german_catalogue_of_secure_messages_is_complete_and_compiled() -> None:
    po = Path(settings.BASE_DIR, "chat", "mailbox", "locale", "de", "LC_MESSAGES", "django.po")
    mo = po.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime - 1
    text = po.read_text(encoding="utf-8")
    entries = re.findall(
        r'\nmsgid ((?:".*"\n)+)(?:msgid_plural (?:".*"\n)+)?((?:msgstr(?:\[\d\])? (?:".*"\n)+)+)', text + "\n"
    )
    assert len(entries) > 100
    untranslated = [m for m, s in entries if m.strip() != '""' and re.search(r'msgstr(\[\d\])? ""\n(?!")', s)]
    assert untranslated == []
    assert "#, fuzzy" not in text


def test_it_preloads_every_module_the_pages_import_with_its_integrity(client: Client, counsellor: object) -> None:
    from django.contrib.staticfiles.storage import staticfiles_storage

    from tests.helpline.test_static_modules import expected_preloads, preloads_and_scripts
    from tests.personas import signed_in_client

    pages = [
        (client, "/mailbox/", "mailbox/js/seeker-mailbox.js"),
        (client, "/de/mailbox/return/", "mailbox/js/seeker-mailbox.js"),
        (signed_in_client(counsellor), "/staff/inbox/", "mailbox/js/inbox.js"),
    ]  # type: ignore[arg-type]
    for who, path, entry in pages:
        page = preloads_and_scripts(who.get(path).content.decode())
        assert page.scripts[-1] == staticfiles_storage.url(entry)
        wanted = expected_preloads(entry)
        assert {url: page.preloads.get(url) for url in wanted} == wanted
        assert staticfiles_storage.url("chat/js/e2ee.js") in wanted
        assert staticfiles_storage.url("mailbox/js/mailbox-crypto.js") in wanted
