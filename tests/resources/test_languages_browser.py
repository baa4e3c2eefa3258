"""Help in the seeker's own language and country, in a real Chromium against a real Daphne.

Crisis contacts by language and country (the picker, sessionStorage only, the chat's crisis panel),
the home page's open/closed line, the privacy advice linked from the chat, quick exit and Back,
the exit control's own space at 320, 390 and 1280 px, and axe on every page in every language.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.chat.browser_helpers import trusted_root_env, until, view
from tests.conftest import REPO, LiveServer, _base_server_env

pytestmark = [pytest.mark.browser, pytest.mark.integration]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LANGUAGES = ("en", "de", "nl", "fr", "es", "ar")

# For each page language: its default country, and words that only that country's contacts, written
# in that language, contain.
CRISIS_FLOWS = {
    "de": ("DE", "Deutschland", ["Notruf", "TelefonSeelsorge", "rund um die Uhr, kostenfrei"]),
    "nl": ("NL", "Nederland", ["Alarmnummer", "113 Zelfmoordpreventie", "dag en nacht, gratis"]),
    "fr": ("FR", "France",
           ["Numéro d'urgence", "3114 Numéro national de prévention du suicide", "24 h/24, 7 j/7, gratuit"]),
    "es": ("ES", "España",
           ["Emergencias", "024 Línea de atención a la conducta suicida", "las 24 horas, todos los días, gratuito"]),
}


def prefix(lang: str) -> str:
    return "" if lang == "en" else f"/{lang}"


@pytest.fixture
def languages_server(
    tmp_path: Path, live_database: Callable[[], str], daphne_server: Callable[..., LiveServer]
) -> Callable[..., LiveServer]:
    """A live server with the starter content, trusting the test run's root key (so the chat starts)."""

    def start(*, closed: bool = False, **env: str) -> LiveServer:
        database_url = live_database()
        server_env = {**_base_server_env(tmp_path), "DATABASE_URL": database_url}
        subprocess.run([sys.executable, "manage.py", "loadstartercontent"], cwd=REPO, env=server_env,
                       check=True, capture_output=True)
        if closed:
            subprocess.run(
                [sys.executable, "manage.py", "shell", "-c",
                 "import datetime; from helpline.models import OpeningHours; OpeningHours.objects.all().delete();"
                 "OpeningHours.objects.create(weekday=(datetime.date.today().weekday() + 2) % 7,"
                 " opens=datetime.time(9), closes=datetime.time(17))"],
                cwd=REPO, env=server_env, check=True, capture_output=True,
            )
        return daphne_server(database_url=database_url, **trusted_root_env(), **env)

    return start


def visible_text(page: Any, selector: str) -> str:
    return " ".join(page.locator(f"{selector} >> visible=true").all_inner_texts())


def test_each_language_shows_its_own_country_contacts_in_its_own_words(languages_server, new_context) -> None:
    live = languages_server()
    page = new_context().new_page()
    for lang, (code, country_name, words) in CRISIS_FLOWS.items():
        page.goto(f"{live.url}/{lang}/crisis/")
        picker = page.locator("#crisis-page-country")
        assert picker.input_value() == code, lang
        assert picker.locator("option:checked").inner_text() == country_name
        shown = visible_text(page, ".crisis-country")
        for word in words:
            assert word in shown, (lang, word)
        # Nothing of another country, and nothing in English.
        assert "Samaritans" not in shown and "Emergency services" not in shown and "24 hours" not in shown


def test_the_picker_changes_country_in_the_page_and_remembers_it_in_this_tab_only(
    languages_server, new_context
) -> None:
    live = languages_server()
    context = new_context()
    page = context.new_page()
    page.goto(f"{live.url}/de/crisis/")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.locator("#crisis-page-country").select_option("FR")
    shown = visible_text(page, ".crisis-country")
    assert "3114 Nationale Suizidpräventions-Hotline" in shown and "Notruf" in shown
    assert "TelefonSeelsorge" not in shown
    assert requests == [], "choosing a country must not tell the server"
    assert page.evaluate("sessionStorage.getItem('crisis-country')") == "FR"
    assert context.cookies() == [] and page.evaluate("localStorage.length") == 0
    # The button is for pages without JavaScript.
    assert page.locator("[data-crisis-submit]").is_hidden()

    # Another page of the site in the same tab follows the choice: the self-help crisis box.
    page.goto(f"{live.url}/de/help/")
    box = visible_text(page, ".crisis-country")
    assert "3114 Nationale Suizidpräventions-Hotline" in box
    assert page.locator("#crisis-box-country").input_value() == "FR"

    # A new tab starts again from the language's default country.
    other = context.new_page()
    other.goto(f"{live.url}/de/help/")
    assert other.locator("#crisis-box-country").input_value() == "DE"


def test_the_picker_works_without_javascript(languages_server, new_context) -> None:
    live = languages_server()
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"{live.url}/nl/help/")
    page.locator("#crisis-box-country").select_option("BE")
    page.get_by_role("button", name="Contacten tonen").click()
    page.wait_for_url("**/nl/crisis/?country=BE")
    shown = visible_text(page, ".crisis-country")
    assert "Zelfmoordlijn 1813" in shown and "Alarmnummer" in shown


@pytest.mark.parametrize("lang", sorted(CRISIS_FLOWS))
def test_a_self_harm_answer_shows_the_country_contacts_in_the_chat_language(
    languages_server, new_context, lang: str
) -> None:
    live = languages_server()
    page = new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(f"{live.url}/{lang}/chat/")
    view(page, "intro")
    page.locator('[data-action="accept"]').click()
    view(page, "triage")
    page.locator("#q-self_harm-yes").check()
    page.locator('#triage-form button[type="submit"]').click()
    view(page, "waiting")
    page.wait_for_selector("#crisis-panel:not([hidden])")
    code, _name, words = CRISIS_FLOWS[lang]
    assert page.locator("#chat-crisis-country").input_value() == code
    shown = visible_text(page, "#crisis-panel .crisis-country")
    for word in words:
        assert word in shown, (lang, word)
    assert "Samaritans" not in shown and "999" not in shown
    # The waiting screen's picker changes country in place, and the queue place is kept.
    page.locator("#chat-crisis-country").select_option("GB")
    assert "Samaritans" in visible_text(page, "#crisis-panel .crisis-country")
    assert page.locator('[data-view="waiting"]').is_visible()


def test_the_home_page_says_whether_the_chat_is_open(languages_server, new_context) -> None:
    open_server = languages_server()
    page = new_context().new_page()
    page.goto(open_server.url + "/")
    status = page.locator(".chat-status")
    assert "The chat is open now." in status.inner_text()
    page.get_by_role("link", name="Start a chat").click()
    view(page, "intro")

    closed_server = languages_server(closed=True)
    for lang, words in (("en", "The chat is closed. It opens on"), ("de", "Der Chat ist geschlossen. Er öffnet am")):
        page.goto(f"{closed_server.url}{prefix(lang)}/")
        text = page.locator(".chat-status").inner_text()
        assert words in text and ("(UK time)" in text or "(britische Zeit)" in text), text
    page.goto(f"{closed_server.url}/help/a/you-are-not-alone/")
    page.locator(".chat-status a").click()
    assert page.locator("h1").inner_text() == "The chat is closed at the moment"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_chat_introduction_links_the_privacy_advice(languages_server, new_context, lang: str) -> None:
    live = languages_server()
    context = new_context()
    page = context.new_page()
    page.goto(f"{live.url}{prefix(lang)}/chat/")
    view(page, "intro")
    link = page.locator(f'[data-view="intro"] a[href="{prefix(lang)}/staying-private/"]')
    assert link.is_visible()
    with context.expect_page() as opened:
        link.click()
    advice = opened.value
    advice.wait_for_load_state()
    assert advice.url.endswith(f"{prefix(lang)}/staying-private/")
    assert advice.locator("h2").count() >= 5
    assert advice.locator("html").get_attribute("lang") == lang


def test_back_after_quick_exit_does_not_return_to_the_site(languages_server, new_context) -> None:
    live = languages_server(QUICK_EXIT_URL="about:blank")
    page = new_context().new_page()
    page.goto(live.url + "/help/")
    entries = page.evaluate("history.length")
    page.locator('a[href="/help/understanding/"]').first.click()
    page.wait_for_url("**/help/understanding/")
    page.locator(".card-list a").first.click()
    page.wait_for_url("**/help/a/**")
    # The three pages took one place in the tab's history.
    assert page.evaluate("history.length") == entries
    page.get_by_role("button", name="Exit this page").click()
    page.wait_for_url("about:blank")
    # Back goes to what the tab showed before the site (here the tab's first, empty page), never to
    # the article read before quick exit.
    page.evaluate("setTimeout(() => history.back(), 0)")
    page.wait_for_timeout(500)
    assert not page.url.startswith(live.url), page.url


# Everything that carries words or is a control: nothing of it may lie under the exit control.
TEXT_SELECTOR = "p, li, h1, h2, h3, label, legend, a, button, select, summary, dt, dd"

OVERLAPS = """() => {
  const exit = document.querySelector('#quick-exit');
  const button = exit.querySelector('.exit-button').getBoundingClientRect();
  const strip = exit.getBoundingClientRect();
  const found = [];
  for (const element of document.querySelectorAll('%s')) {
    if (exit.contains(element) || element.closest('[hidden]')) continue;
    const box = element.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    const style = getComputedStyle(element);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    // Where the element shows (below the strip, inside the window), it must not meet the button.
    const top = Math.max(box.top, strip.bottom), bottom = Math.min(box.bottom, innerHeight);
    if (bottom <= top) continue;
    const meets = box.left < button.right && box.right > button.left && top < button.bottom && bottom > button.top;
    if (meets) found.push(element.tagName + ' ' + element.textContent.trim().slice(0, 40));
  }
  return {found, strip: [strip.top, strip.bottom, strip.left, strip.right],
          button: [button.top, button.bottom, button.left, button.right],
          background: getComputedStyle(exit).backgroundColor};
}""".replace("%s", TEXT_SELECTOR)


@pytest.mark.parametrize("width", [320, 390, 1280])
def test_the_exit_control_never_covers_text_or_menus(languages_server, new_context, width: int) -> None:
    live = languages_server()
    page = new_context(viewport={"width": width, "height": 700}).new_page()
    paths = ("/", "/help/a/you-are-not-alone/", "/de/help/modules/first-steps/2/", "/crisis/", "/nl/staying-private/",
             "/fr/chat/", "/ar/")
    for path in paths:
        page.goto(live.url + path)
        height = page.evaluate("document.documentElement.scrollHeight")
        for y in sorted({0, 150, 400, height // 2, height}):
            page.evaluate(f"window.scrollTo(0, {y})")
            page.wait_for_timeout(30)
            result = page.evaluate(OVERLAPS)
            assert result["found"] == [], (path, width, y, result)
            strip_top, strip_bottom, strip_left, strip_right = result["strip"]
            button_top, button_bottom = result["button"][:2]
            # The button lies within its own strip, which spans the window, is opaque and stays on screen.
            assert strip_top == 0 and strip_left <= 0 and strip_right >= width - 1, (path, y, result)
            assert strip_top <= button_top and button_bottom <= strip_bottom, (path, y, result)
            assert result["background"] not in ("rgba(0, 0, 0, 0)", "transparent")
        # At the top of the page nothing lies under the strip at all: it has its own space.
        page.evaluate("window.scrollTo(0, 0)")
        first = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().top")
        assert first >= page.evaluate("document.querySelector('#quick-exit').getBoundingClientRect().bottom") - 0.5


AXE_PATHS = (
    "/", "/chat/", "/staying-private/", "/how-we-protect-you/", "/crisis/", "/help/", "/help/understanding/",
    "/help/a/you-are-not-alone/", "/help/modules/first-steps/", "/help/modules/first-steps/2/",
    "/help/modules/first-steps/finished/", "/help/self-assessment/", "/help/search/?q=help", "/l/platform-warning/",
)


def test_every_page_in_every_language_has_no_wcag_violations(languages_server, new_context) -> None:
    from axe_playwright_python.sync_playwright import Axe

    live = languages_server()
    page = new_context().new_page()
    axe = Axe()
    failures = {}
    for lang in LANGUAGES:
        for path in AXE_PATHS:
            url = f"{live.url}{prefix(lang)}{path}"
            page.goto(url)
            if path == "/chat/":
                view(page, "intro")
            results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
            assert results.response["passes"], f"axe did not run on {url}"
            if results.violations_count:
                failures[url] = results.generate_report()
    assert failures == {}, "\n\n".join(f"{url}\n{report}" for url, report in failures.items())


def test_the_waiting_screen_crisis_panel_is_accessible(languages_server, new_context) -> None:
    from axe_playwright_python.sync_playwright import Axe

    live = languages_server()
    page = new_context().new_page()
    page.goto(f"{live.url}/de/chat/")
    view(page, "intro")
    page.locator('[data-action="accept"]').click()
    page.locator("#q-self_harm-yes").check()
    page.locator('#triage-form button[type="submit"]').click()
    page.wait_for_selector("#crisis-panel:not([hidden])")
    until(page, "document.querySelector('#crisis-panel .crisis-country:not([hidden])')")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, results.generate_report()


SIGNED_IN_MANAGER = """
from django.test import Client
from tests.personas import make_staff, signed_in_client
client = signed_in_client(make_staff("manager", username="manager"), client=Client(HTTP_HOST="127.0.0.1"))
print(client.cookies["staff_session"].value)
"""

CUT_LABELS = """() => {
  const cut = [];
  for (const svg of document.querySelectorAll('svg.chart')) {
    const [x0, y0, width, height] = svg.getAttribute('viewBox').split(' ').map(Number);
    for (const text of svg.querySelectorAll('text')) {
      const box = text.getBBox();
      const inside = box.x >= x0 - 0.5 && box.y >= y0 - 0.5
        && box.x + box.width <= x0 + width + 0.5 && box.y + box.height <= y0 + height + 0.5;
      if (!inside) cut.push(text.textContent);
    }
  }
  return cut;
}"""


def test_the_statistics_page_wears_staff_chrome_and_cuts_no_label(languages_server, new_context) -> None:
    from axe_playwright_python.sync_playwright import Axe

    live = languages_server()
    subprocess.run([sys.executable, "manage.py", "seed_stats", "--days", "30", "--seed", "3"], cwd=REPO, env=live.env,
                   check=True, capture_output=True)
    cookie = subprocess.run([sys.executable, "manage.py", "shell", "-c", SIGNED_IN_MANAGER], cwd=REPO, env=live.env,
                            check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    for width in (1280, 390):
        context = new_context(viewport={"width": width, "height": 800})
        context.add_cookies([{"name": "staff_session", "value": cookie, "url": live.url}])
        page = context.new_page()
        page.goto(live.url + "/manage/stats/?by=day")
        assert page.locator("h1").inner_text() == "Service statistics"
        assert page.locator("[data-quick-exit]").count() == 0
        assert page.get_by_role("button", name="Sign out").is_visible()
        assert page.locator('nav[aria-label="Staff"]').is_visible()
        assert page.evaluate(CUT_LABELS) == []
        # Tables are closed disclosures, so the page is a fraction of its old 15,800 px.
        assert page.locator("details.chart-data:not([open])").count() >= 8
        assert page.evaluate("document.documentElement.scrollHeight") < 12000
        page.locator("details.chart-data summary").first.click()
        assert page.locator("details.chart-data table").first.is_visible()
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        assert results.violations_count == 0, results.generate_report()


def test_the_arabic_interface_renders_right_to_left(languages_server, new_context) -> None:
    live = languages_server()
    for width in (1280, 390):
        page = new_context(viewport={"width": width, "height": 800}).new_page()
        page.goto(f"{live.url}/ar/")
        html = page.locator("html")
        assert html.get_attribute("lang") == "ar" and html.get_attribute("dir") == "rtl"
        assert page.locator("h1").inner_text() == "مساعدة سرية، دون أحكام"
        assert page.evaluate("getComputedStyle(document.querySelector('main p')).direction") == "rtl"
        # Mirrored: the exit button sits at the left, the brand at the right, text starts on the right.
        exit_box = page.locator(".exit-button").bounding_box()
        brand = page.locator(".brand").bounding_box()
        lead = page.locator(".lead").bounding_box()
        assert exit_box["x"] < width / 2 < brand["x"] + brand["width"]
        heading = page.evaluate("(() => { const r = document.createRange();"
                                " r.selectNodeContents(document.querySelector('h1'));"
                                " const b = r.getBoundingClientRect(); return [b.left, b.right]; })()")
        assert abs(heading[1] - (lead["x"] + lead["width"])) < 2, (heading, lead)
        # The crisis box on the self-help page: names in English where no Arabic exists, marked as such.
        page.goto(f"{live.url}/ar/help/")
        assert page.locator("#crisis-box-country").input_value() == "GB"
        assert page.locator('.crisis-country:not([hidden]) li[lang="en"]').count() >= 1
        assert page.locator("#crisis-box-title").inner_text() == "إذا كنت في أزمة الآن"
