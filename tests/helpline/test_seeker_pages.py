"""The help-seeker pages as the server renders them: content, languages, privacy and the frame."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import Client
from django.utils import timezone

from chat import e2ee
from chat.certificates import load_public_key
from helpline.hours import clear_schedule_cache
from helpline.models import Closure, OpeningHours
from helpline.staticfiles import module_graph

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_content_caches")]

SEEKER_PAGES = ["/", "/de/", "/chat/", "/de/chat/", "/how-we-protect-you/", "/de/how-we-protect-you/", "/nowhere/"]


@pytest.fixture
def closed_today() -> None:
    OpeningHours.objects.all().delete()
    OpeningHours.objects.create(weekday=(timezone.now().weekday() + 2) % 7, opens=dt.time(9), closes=dt.time(17))
    clear_schedule_cache()


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text inside script and style elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in = tag if tag in ("script", "style") else None

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in and data.strip():
            self.inline.append(data)


def parse(html: str) -> Tags:
    parser = Tags()
    parser.feed(html)
    return parser


def test_it_renders_every_seeker_page_without_cookies_or_inline_code(client: Client) -> None:
    for path in SEEKER_PAGES:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        assert "Set-Cookie" not in response.headers, path
        tags = parse(response.content.decode())
        assert tags.inline == [], path
        assert not [t for t, a in tags.tags if t == "style"], path
        assert not [a for _, a in tags.tags if "style" in a or any(k.startswith("on") for k in a)], path
        scripts = [a for t, a in tags.tags if t == "script"]
        assert scripts, path
        links = [a for t, a in tags.tags if t == "link" and a.get("rel") in ("stylesheet", "modulepreload")]
        for attrs in scripts + links:
            assert (attrs.get("integrity") or "").startswith("sha384-"), (path, attrs)
            url = attrs.get("src") or attrs.get("href") or ""
            assert url.startswith("/static/") and re.search(r"\.[0-9a-f]{12}\.(js|css)$", url), url
        # Nothing on a seeker page points at another origin.
        for _, attrs in tags.tags:
            for name in ("src", "href", "action"):
                value = attrs.get(name) or ""
                assert not value.startswith(("http:", "https:", "//")), (path, value)
        assert b"data-quick-exit" in response.content, path


def test_it_shows_the_three_ways_in_on_the_home_page(client: Client) -> None:
    html = client.get("/").content.decode()
    assert 'href="/chat/"' in html and 'href="/help/"' in html and 'href="/help/self-assessment/"' in html
    german = client.get("/de/").content.decode()
    assert 'href="/de/chat/"' in german and 'href="/de/help/"' in german and 'href="/de/crisis/"' in german
    assert "Vertrauliche Hilfe" in german


def test_it_renders_the_chat_app_with_what_the_script_needs(client: Client) -> None:
    html = client.get("/chat/?src=poster_2024").content.decode()
    tags = parse(html)
    app = next(a for t, a in tags.tags if a.get("id") == "chat-app")
    assert app["data-socket-path"] == "/ws/seeker/"
    assert app["data-revoked-url"] == "/chat/revoked.json"
    assert app["data-lang"] == "en"
    assert app["data-source"] == "poster_2024"
    assert app["data-root-key-url"] == staticfiles_storage.url("chat/keys/org-root.json")
    assert app["data-root-fingerprint"] == e2ee.fingerprint(load_public_key(settings.ORG_ROOT_PUBLIC_KEY))
    preloaded = {a["href"] for t, a in tags.tags if t == "link" and a.get("rel") == "modulepreload"}
    assert staticfiles_storage.url("chat/js/e2ee.js") in preloaded
    assert preloaded == {staticfiles_storage.url(name) for name in module_graph("chat/js/seeker.js")}
    # The confidentiality statement, with its limit, comes first.
    assert html.index("The limits of confidentiality") < html.index('id="triage-form"')
    assert "identifies a child who is at risk" in html


def test_it_ignores_a_source_code_that_is_not_one(client: Client) -> None:
    html = client.get('/chat/?src=<script>"x').content.decode()
    app = next(a for t, a in parse(html).tags if a.get("id") == "chat-app")
    assert app["data-source"] == ""


def test_it_renders_the_triage_questions_as_optional_radio_groups(client: Client) -> None:
    from helpline.triage import load_catalogue

    questions = load_catalogue().localised("en")
    assert questions, "the shipped example questions are missing"
    tags = parse(client.get("/chat/").content.decode()).tags
    radios = [a for t, a in tags if t == "input" and a.get("type") == "radio" and str(a.get("id", "")).startswith("q-")]
    labels = {a.get("for") for t, a in tags if t == "label"}
    for question in questions:
        group = [r for r in radios if r["name"] == question["code"]]
        assert {r["value"] for r in group} == {o["code"] for o in question["options"]} | {""}
        # "I would rather not say" is chosen until the seeker picks an answer.
        assert [r["value"] for r in group if "checked" in r] == [""]
        assert all(r["id"] in labels for r in group)
    assert sum(1 for t, _ in tags if t == "fieldset") >= len(questions)
    assert not [a for t, a in tags if t == "input" and "required" in a]


def test_it_translates_the_chat_page_into_german(client: Client) -> None:
    from helpline.triage import load_catalogue

    html = client.get("/de/chat/").content.decode()
    assert 'lang="de"' in html
    assert "Diese Seite verlassen" in html
    assert "Grenzen der Vertraulichkeit" in html
    for question in load_catalogue().localised("de"):
        assert question["text"] in html
    strings = html[html.index('id="chat-strings"'):]
    assert "Zugestellt" in strings and "Sie sind Nummer {position} in der Warteschlange." in strings


def test_it_shows_when_the_chat_opens_while_it_is_closed(client: Client, closed_today: None) -> None:
    response = client.get("/chat/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="chat-app"' not in html and "chat/js/seeker." not in html
    assert "The chat is closed at the moment" in html
    assert "(UK time)" in html and settings.SERVICE_TIME_ZONE not in html
    assert 'href="/help/"' in html and 'href="/crisis/"' in html
    german = client.get("/de/chat/").content.decode()
    assert "Der Chat ist gerade geschlossen" in german and 'href="/de/crisis/"' in german
    assert "Uhr (britische Zeit)" in german


def test_it_says_so_when_it_does_not_know_when_the_chat_opens(client: Client) -> None:
    OpeningHours.objects.all().delete()
    Closure.objects.create(date=timezone.now().date())
    clear_schedule_cache()
    html = client.get("/chat/").content.decode()
    assert "We do not know yet when the chat opens again" in html


def test_it_publishes_the_root_key_and_the_hash_manifest(client: Client) -> None:
    html = client.get("/how-we-protect-you/").content.decode()
    fingerprint = e2ee.fingerprint(load_public_key(settings.ORG_ROOT_PUBLIC_KEY))
    assert e2ee.format_fingerprint(fingerprint) in html
    for name in ("chat/js/e2ee.js", "chat/js/seeker.js", "helpline/js/quick-exit.js", "chat/keys/org-root.json"):
        assert staticfiles_storage.url(name) in html, name
    from helpline.staticfiles import integrity

    assert integrity("chat/js/seeker.js") in html
    assert "The limits of confidentiality" in html


def test_it_collects_the_root_key_as_a_hashed_static_file() -> None:
    name = staticfiles_storage.stored_name("chat/keys/org-root.json")
    assert re.search(r"org-root\.[0-9a-f]{12}\.json$", name)
    asset = json.loads(Path(staticfiles_storage.path(name)).read_text())
    key = load_public_key(settings.ORG_ROOT_PUBLIC_KEY)
    assert asset == {"public_key": e2ee.b64e(e2ee.public_point(key)), "fingerprint": e2ee.fingerprint(key)}


# post_process=False: a dry run of the manifest storage would empty the hashed names this process
# uses for every other test.
def test_collectstatic_refuses_to_run_without_a_root_key(settings: Any, tmp_path: Path) -> None:
    from django.core.management import CommandError, call_command

    settings.ORG_ROOT_PUBLIC_KEY = tmp_path / "missing.pem"
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="orgkey init"):
        call_command("collectstatic", interactive=False, verbosity=0, dry_run=True, post_process=False)


def test_collectstatic_can_be_told_to_go_without_the_root_key(settings: Any, tmp_path: Path) -> None:
    from django.core.management import call_command

    settings.ORG_ROOT_PUBLIC_KEY = tmp_path / "missing.pem"
    settings.DEMO_MODE = False
    call_command(
        "collectstatic", interactive=False, verbosity=0, dry_run=True, post_process=False, without_root_key=True
    )


def test_collectstatic_makes_the_demo_root_key_in_demo_mode(settings: Any, tmp_path: Path) -> None:
    from chat.management.commands.collectstatic import write_root_key_asset

    settings.DEMO_MODE = True
    settings.VAR_DIR = tmp_path
    settings.ORG_ROOT_PUBLIC_KEY = tmp_path / "public.pem"
    settings.ORG_ROOT_PRIVATE_KEY = str(tmp_path / "private.pem")
    path = write_root_key_asset()
    assert path == tmp_path / "public" / "chat" / "keys" / "org-root.json"
    assert json.loads(path.read_text())["fingerprint"] == e2ee.fingerprint(load_public_key(tmp_path / "public.pem"))


def test_it_serves_the_revocation_list_uncached(client: Client) -> None:
    from chat.certificates import do_revoke
    from chat.loadtest.provision import provision_counsellor

    person = provision_counsellor("revoked-counsellor")
    from chat.models import IdentityKey

    key = IdentityKey.objects.get(user_id=person.user_id)
    do_revoke(key=key)
    response = client.get("/chat/revoked.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    assert response.json() == {"revoked": sorted([key.serial, key.fingerprint])}


def test_it_answers_quick_exit_without_javascript(client: Client) -> None:
    response = client.get("/de/chat/")
    exit_link = next(a for t, a in parse(response.content.decode()).tags if "data-quick-exit" in a)
    assert exit_link["href"] == "/exit"
    response = client.get("/exit", headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 303 and response.headers["Location"] == settings.QUICK_EXIT_URL
    assert response.headers["Clear-Site-Data"] == '"cache", "storage", "executionContexts"'


def test_it_keeps_the_calm_frame_on_a_server_error(rf: Any) -> None:
    from helpline.seeker_views import server_error

    response = server_error(rf.get("/chat/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html and "data-quick-exit" in html
    assert staticfiles_storage.url("helpline/css/site.css") in html


def test_it_falls_back_to_a_plain_error_page_when_the_frame_fails(rf: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from helpline import seeker_views

    def broken(*args: Any, **kwargs: Any) -> None:
        raise ValueError("the static manifest is missing")

    monkeypatch.setattr(seeker_views, "render", broken)
    response = seeker_views.server_error(rf.get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html and 'href="/exit"' in html
    assert "<script" not in html and "style" not in html


def test_the_german_catalogue_is_complete_and_compiled() -> None:
    po = Path(settings.BASE_DIR, "helpline", "locale", "de", "LC_MESSAGES", "django.po")
    mo = po.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime - 1
    text = po.read_text(encoding="utf-8")
    entries = re.findall(r'\nmsgid ((?:".*"\n)+)msgstr ((?:".*"\n)+)', text + "\n")
    assert entries
    untranslated = [m for m, s in entries if m.strip() != '""' and s.strip() == '""']
    assert untranslated == []
    assert "#, fuzzy" not in text


@pytest.mark.parametrize(
    ("lang", "question", "answer"),
    [
        ("nl", "Hebt u gedachten om uzelf iets aan te doen", "Ik weet het niet zeker"),
        ("fr", "Avez-vous des pensées de vous faire du mal", "Je ne suis pas sûr"),
        ("es", "¿Tiene pensamientos de hacerse daño", "No estoy seguro"),
    ],
)
def test_it_asks_the_triage_questions_in_every_shipped_language(
    client: Client, lang: str, question: str, answer: str
) -> None:
    html = client.get(f"/{lang}/chat/").content.decode()
    assert question in html and answer in html
    for code, name in (("nl", "Nederlands"), ("fr", "Français"), ("es", "Español")):
        assert f'value="{code}"' in html and name in html


def test_the_new_languages_have_canned_responses() -> None:
    from helpline.models import CannedResponse

    for lang in ("nl", "fr", "es"):
        assert CannedResponse.objects.filter(language=lang).count() == 4
