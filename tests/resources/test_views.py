from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from helpline import metrics
from helpline.models import Counter
from resources import counting
from resources.crisis import crisis_contacts_for
from resources.landing import source_code_shape, valid_source
from resources.models import Article, Audience, CrisisContact, LandingPage, Module

pytestmark = pytest.mark.django_db

SEEKER_PAGES = [
    "/help/",
    "/help/understanding/",
    "/help/a/you-are-not-alone/",
    "/help/modules/first-steps/",
    "/help/modules/first-steps/1/",
    "/help/modules/first-steps/finished/",
    "/help/search/?q=help",
    "/help/self-assessment/",
    "/crisis/",
    "/crisis/?country=DE",
    "/l/platform-warning/",
    "/de/help/",
    "/de/help/modules/first-steps/3/",
    "/de/crisis/",
]

# Every dimension a resources counter may carry: the content's slug or a landing page's code.
ALLOWED_DIMENSION = re.compile(r"^(|article=[a-z0-9-]+|module=[a-z0-9-]+|source=[a-z0-9-]+)$")


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def counts(metric: str) -> dict[str, int]:
    result: dict[str, int] = {}
    for row in Counter.objects.filter(metric=metric):
        result[row.dimension] = result.get(row.dimension, 0) + row.value
    return result


@pytest.mark.parametrize("path", SEEKER_PAGES)
def test_it_serves_seeker_pages_without_cookies(starter: None, seeker: Client, path: str) -> None:
    seeker.cookies.load({"staff_session": "stale"})
    response = seeker.get(path)
    assert response.status_code == 200
    assert response.cookies == {}
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_it_counts_article_views_per_article(starter: None, seeker: Client) -> None:
    seeker.get("/help/a/you-are-not-alone/")
    seeker.get("/de/help/a/you-are-not-alone/")
    seeker.get("/help/a/thoughts-are-not-actions/")
    assert counts(metrics.ARTICLE_VIEW) == {
        "": 3, "article=you-are-not-alone": 2, "article=thoughts-are-not-actions": 1
    }


def test_it_counts_module_steps_with_a_plain_form_and_redirects(starter: None) -> None:
    strict = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    page = strict.get("/help/modules/first-steps/1/").content.decode()
    assert 'method="post" action="/help/modules/first-steps/1/done/"' in page
    assert "csrfmiddlewaretoken" not in page
    response = strict.post("/help/modules/first-steps/1/done/")
    assert response.status_code == 303
    assert response["Location"] == "/help/modules/first-steps/2/"
    assert response.cookies == {}
    assert counts(metrics.MODULE_STEP_COMPLETED) == {"": 1, "module=first-steps": 1}
    assert counts(metrics.MODULE_COMPLETED) == {}


def test_it_counts_a_completed_module_on_the_last_step(starter: None, seeker: Client) -> None:
    response = seeker.post("/de/help/modules/first-steps/6/done/")
    assert response["Location"] == "/de/help/modules/first-steps/finished/"
    assert counts(metrics.MODULE_COMPLETED) == {"": 1, "module=first-steps": 1}


def test_it_refuses_steps_that_do_not_exist(starter: None, seeker: Client) -> None:
    assert seeker.post("/help/modules/first-steps/7/done/").status_code == 404
    assert seeker.get("/help/modules/first-steps/0/").status_code == 404
    assert seeker.get("/help/modules/first-steps/1/done/").status_code == 405
    assert counts(metrics.MODULE_STEP_COMPLETED) == {}


def test_it_keeps_reflection_answers_out_of_the_form(starter: None, seeker: Client) -> None:
    page = seeker.get("/help/modules/first-steps/1/").content.decode()
    form = page[page.index("<form method=\"post\""):]
    form = form[: form.index("</form>")]
    assert "<textarea" not in form and "<input" not in form
    textarea = re.search(r"<textarea[^>]*>", page).group(0)
    assert "name=" not in textarea


def test_it_counts_self_assessment_views_without_a_dimension(starter: None, seeker: Client) -> None:
    seeker.get("/help/self-assessment/")
    assert counts(metrics.SELF_ASSESSMENT_VIEW) == {"": 1}


def test_the_self_assessment_says_answers_stay_in_the_browser_and_has_no_form(starter: None, seeker: Client) -> None:
    page = seeker.get("/help/self-assessment/").content.decode()
    assert "Your answers never leave this browser." in page
    assert "<form" not in page.split('<main id="main"')[1].split("</main>")[0].replace('role="search"', "")
    german = seeker.get("/de/help/self-assessment/").content.decode()
    assert "Ihre Antworten verlassen diesen Browser nie." in german


def test_it_counts_landing_visits_per_source_and_links_the_chat_with_it(starter: None, seeker: Client) -> None:
    page = seeker.get("/l/platform-warning/").content.decode()
    assert 'href="/chat/?src=platform-warning"' in page
    german = seeker.get("/de/l/platform-warning/").content.decode()
    assert 'href="/de/chat/?src=platform-warning"' in german
    assert "Hilfe schon" in german
    assert counts(metrics.LANDING_VISIT) == {"": 2, "source=platform-warning": 2}


def test_it_counts_nothing_for_unknown_or_inactive_landing_pages(starter: None, seeker: Client) -> None:
    LandingPage.objects.filter(code="partner-referral").update(active=False)
    for path in ["/l/partner-referral/", "/l/no-such-code/", "/l/UPPER/", "/l/a%20b/", "/l/" + "x" * 40 + "/"]:
        assert seeker.get(path).status_code == 404, path
    assert counts(metrics.LANDING_VISIT) == {}


def test_valid_source_accepts_only_codes_of_active_landing_pages(starter: None) -> None:
    assert valid_source("platform-warning") == "platform-warning"
    assert valid_source(" Platform-Warning ") == "platform-warning"
    assert valid_source("no-such-code") is None
    assert valid_source("") is None
    assert valid_source("x" * 33) is None
    assert valid_source("a/../b") is None
    assert valid_source(None) is None  # type: ignore[arg-type]
    LandingPage.objects.filter(code="platform-warning").update(active=False)
    assert valid_source("platform-warning") is None


def test_source_code_shape_is_pure() -> None:
    assert source_code_shape("abc-1") == "abc-1"
    assert source_code_shape("-abc") is None
    assert source_code_shape("abc-") is None
    assert source_code_shape("a b") is None


def test_counting_is_rate_limited_per_address_but_reading_is_not(
    starter: None, seeker: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(counting, "COUNT_RATE", "2/h")
    for _ in range(4):
        assert seeker.get("/help/a/you-are-not-alone/").status_code == 200
    other = Client(HTTP_HOST="localhost", REMOTE_ADDR="192.0.2.44")
    other.get("/help/a/you-are-not-alone/")
    assert counts(metrics.ARTICLE_VIEW)["article=you-are-not-alone"] == 3


def test_no_counter_row_or_cache_key_identifies_a_reader(starter: None) -> None:
    reader = Client(HTTP_HOST="localhost", REMOTE_ADDR="198.51.100.77", HTTP_USER_AGENT="CanaryAgent/1.0")
    for path in SEEKER_PAGES:
        reader.get(path)
    reader.post("/help/modules/first-steps/1/done/")
    rows = list(Counter.objects.all())
    assert rows
    for row in rows:
        assert ALLOWED_DIMENSION.match(row.dimension), row.dimension
        assert "198.51.100.77" not in str(row) and "Canary" not in str(row)
    for key in cache._cache.keys():  # type: ignore[attr-defined]
        assert "198.51.100.77" not in key and "Canary" not in key


def test_crisis_contacts_for_gives_the_fixed_shape(starter: None) -> None:
    contacts = crisis_contacts_for("IE", "en")
    assert contacts and all(set(c) == {"name", "phone", "hours", "url", "description"} for c in contacts)
    assert any(c["phone"] == "116 123" for c in contacts)


def test_it_defaults_to_the_country_of_the_page_language(starter: None, settings) -> None:
    settings.CRISIS_DEFAULT_COUNTRIES = {"en": "GB", "de": "DE", "nl": "NL"}
    assert crisis_contacts_for(None, "de") == crisis_contacts_for("DE", "de")
    assert crisis_contacts_for(None, "nl") == crisis_contacts_for("NL", "nl")
    assert crisis_contacts_for(None, "en")[0]["phone"] == "999"


def test_crisis_contacts_fall_back_to_the_default_country(starter: None, settings) -> None:
    settings.CRISIS_DEFAULT_COUNTRIES = {}
    settings.CRISIS_DEFAULT_COUNTRY = "NL"
    assert crisis_contacts_for(None, "en") == crisis_contacts_for("NL", "en")
    assert crisis_contacts_for("ZZ", "en") == crisis_contacts_for("NL", "en")
    assert crisis_contacts_for("de", "en")[0]["phone"] == "112"


def test_crisis_contacts_are_in_the_page_language_for_every_country(starter: None) -> None:
    assert crisis_contacts_for("DE", "de")[0]["name"] == "Notruf"
    assert crisis_contacts_for("GB", "de")[0] == {
        "name": "Notruf", "phone": "999", "hours": "rund um die Uhr", "url": "",
        "description": "Wenn Sie oder jemand anderes in unmittelbarer Gefahr sind.",
    }
    assert crisis_contacts_for("NL", "fr")[0]["name"] == "Numéro d'urgence"
    assert crisis_contacts_for("ES", "es")[1]["name"] == "024 Línea de atención a la conducta suicida"


def test_crisis_contacts_fall_back_to_english_for_a_language_without_contacts(starter: None) -> None:
    assert crisis_contacts_for("NL", "ar") == crisis_contacts_for("NL", "en")


def test_the_crisis_page_lets_the_seeker_choose_a_country(starter: None, seeker: Client) -> None:
    page = seeker.get("/crisis/?country=US").content.decode()
    assert '<option value="US" selected>' in page
    assert 'href="tel:988"' in page
    german = seeker.get("/de/crisis/?country=DE").content.decode()
    assert "Krisenkontakte" in german and "TelefonSeelsorge" in german and "Notruf" in german
    assert "geolocation" not in page


def test_the_crisis_page_preselects_the_country_of_its_language(starter: None, seeker: Client) -> None:
    pages = [("/crisis/", "GB"), ("/de/crisis/", "DE"), ("/nl/crisis/", "NL"), ("/fr/crisis/", "FR"),
             ("/es/crisis/", "ES")]
    for path, code in pages:
        page = seeker.get(path).content.decode()
        assert f'<option value="{code}" selected>' in page, path
        assert f'data-country="{code}">' in page, path


def test_the_starter_content_covers_the_brief(starter: None) -> None:
    articles = Article.objects.filter(language="en")
    assert articles.count() >= 12
    assert articles.values("category").distinct().count() >= 4
    assert set(articles.values_list("audience", flat=True)) == set(Audience.values)
    assert all(a.is_example and a.published_on for a in articles)
    for lang in ("en", "de"):
        module = Module.objects.get(slug="first-steps", language=lang)
        assert module.steps.count() >= 5 and module.is_example
    countries = set(CrisisContact.objects.values_list("country", flat=True))
    assert countries >= {"GB", "IE", "US", "DE", "NL", "BE", "FR", "ES"}
    assert Article.objects.filter(slug="finding-professional-help").exists()


def test_starter_pages_say_they_are_example_content(starter: None, seeker: Client) -> None:
    for path in ["/help/a/you-are-not-alone/", "/help/modules/first-steps/", "/crisis/", "/l/partner-referral/"]:
        assert "Example content" in seeker.get(path).content.decode(), path
    assert "Beispielinhalt" in seeker.get("/de/help/modules/first-steps/").content.decode()


def test_german_module_and_crisis_pages_are_in_german(starter: None, seeker: Client) -> None:
    module = seeker.get("/de/help/modules/first-steps/").content.decode()
    assert "Erste Schritte" in module and "Mit dem ersten Schritt beginnen" in module
    step = seeker.get("/de/help/modules/first-steps/2/").content.decode()
    assert "Schritt 2 von 6" in step and "Gedanken, Gefühle und Handlungen" in step
    library = seeker.get("/de/help/").content.decode()
    assert "Selbsthilfe" in library and "Die eigenen Gedanken verstehen" in library


def test_the_loadstartercontent_command_runs(db: None) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("loadstartercontent", stdout=out)
    assert "created" in out.getvalue()
    assert Article.objects.count() >= 12


def test_every_shipped_item_has_a_german_version(starter: None, seeker: Client) -> None:
    from resources.models import LandingPage

    for model in (Article, Module, LandingPage):
        key = "code" if model is LandingPage else "slug"
        english = set(model.objects.filter(language="en").values_list(key, flat=True))
        german = set(model.objects.filter(language="de").values_list(key, flat=True))
        assert english and english == german, model.__name__
    for slug in Article.objects.filter(language="en").values_list("slug", flat=True):
        page = seeker.get(f"/de/help/a/{slug}/").content.decode()
        assert "nicht auf Deutsch" not in page and "auf Englisch angezeigt" not in page, slug
        assert 'lang="en"' not in page, slug
