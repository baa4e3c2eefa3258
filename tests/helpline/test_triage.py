from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.db import IntegrityError
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from helpline import triage
from helpline.models import TriageOption, TriageQuestion
from helpline.triage import (
    PRIORITIES,
    Catalogue,
    Option,
    Question,
    TriageResult,
    load_catalogue,
    score_triage,
)
from tests.personas import signed_in_client

DEFAULT_CODES = ["concern", "self_harm", "child_risk", "language"]
RANK = {priority: rank for rank, priority in enumerate(PRIORITIES)}

# --- Hypothesis strategies ---------------------------------------------------------------------

codes = st.from_regex(r"[a-z0-9_]{1,8}", fullmatch=True)
options = st.builds(
    Option,
    code=codes,
    text=st.just("An answer"),
    priority=st.sampled_from(["", "raised", "crisis"]),
    pathway=st.sampled_from(["", "self", "other", "young", "professional"]),
    language=st.sampled_from(["", "en", "de"]),
    crisis_reason=st.sampled_from(["", "self_harm", "child_at_risk"]),
)


@st.composite
def catalogues(draw: st.DrawFn) -> Catalogue:
    question_codes = draw(st.lists(codes, min_size=1, max_size=6, unique=True))
    questions = []
    for code in question_codes:
        answers = draw(st.lists(options, min_size=1, max_size=5, unique_by=lambda option: option.code))
        questions.append(Question(code=code, text="A question", options=tuple(answers)))
    return Catalogue(questions=tuple(questions))


@st.composite
def catalogue_and_answers(draw: st.DrawFn) -> tuple[Catalogue, dict[str, str]]:
    catalogue = draw(catalogues())
    answers = {}
    for question in catalogue.questions:
        if draw(st.booleans()):
            answers[question.code] = draw(st.sampled_from([option.code for option in question.options]))
    return catalogue, answers


junk_values = st.one_of(st.text(max_size=40), st.integers(), st.none(), st.lists(st.text(max_size=5)), st.booleans())


def crisis_reasons_in(catalogue: Catalogue) -> set[str]:
    return {
        option.crisis_reason
        for question in catalogue.questions
        for option in question.options
        if option.priority == "crisis" and option.crisis_reason
    }


# --- Pure scoring ------------------------------------------------------------------------------


@given(catalogue_and_answers(), st.sampled_from(["en", "de"]))
def test_it_always_returns_a_valid_result(case: tuple[Catalogue, dict[str, str]], default_language: str) -> None:
    catalogue, answers = case
    result = score_triage(answers, catalogue, default_language=default_language)
    assert result.priority in PRIORITIES
    assert result.pathway in {"self", "other", "young", "professional"}
    assert result.language in {"en", "de"}
    assert set(result.crisis_reasons) <= crisis_reasons_in(catalogue)
    assert len(set(result.crisis_reasons)) == len(result.crisis_reasons)
    if result.crisis_reasons:
        assert result.priority == "crisis"
    assert result.shows_crisis_contacts == (result.priority == "crisis")


@given(catalogue_and_answers(), st.data())
def test_it_never_lowers_priority_when_an_answer_is_added(
    case: tuple[Catalogue, dict[str, str]], data: st.DataObject
) -> None:
    catalogue, answers = case
    before = score_triage(answers, catalogue, default_language="en")
    question = data.draw(st.sampled_from(catalogue.questions))
    unanswered = {code: value for code, value in answers.items() if code != question.code}
    baseline = score_triage(unanswered, catalogue, default_language="en")
    option = data.draw(st.sampled_from(question.options))
    after = score_triage({**unanswered, question.code: option.code}, catalogue, default_language="en")
    assert RANK[after.priority] <= RANK[baseline.priority]
    if option.priority == "crisis":
        assert after.priority == "crisis"
        assert before.priority in PRIORITIES


@given(catalogue_and_answers(), st.data())
def test_it_makes_any_chat_with_a_crisis_answer_a_crisis(
    case: tuple[Catalogue, dict[str, str]], data: st.DataObject
) -> None:
    catalogue, answers = case
    crisis_option = Option(code="crisis_now", text="Yes", priority="crisis", crisis_reason="self_harm")
    extra = Question(code="zz_crisis_question", text="A question", options=(crisis_option,))
    extended = Catalogue(questions=(*catalogue.questions, extra))
    result = score_triage({**answers, "zz_crisis_question": "crisis_now"}, extended, default_language="en")
    assert result.priority == "crisis"
    assert "self_harm" in result.crisis_reasons


@given(catalogue_and_answers(), st.dictionaries(st.text(max_size=20), junk_values, max_size=6), st.data())
def test_it_ignores_unknown_question_and_option_codes(
    case: tuple[Catalogue, dict[str, str]], junk: dict[str, object], data: st.DataObject
) -> None:
    catalogue, answers = case
    expected = score_triage(answers, catalogue, default_language="de")
    known = {question.code for question in catalogue.questions}
    noisy: dict[str, object] = {key: value for key, value in junk.items() if key not in known}
    # Unanswered known questions may also carry codes that are not among their options, or non-strings.
    for question in catalogue.questions:
        if question.code not in answers:
            value = data.draw(junk_values)
            if not (isinstance(value, str) and question.option(value) is not None):
                noisy[question.code] = value
    result = score_triage({**noisy, **answers}, catalogue, default_language="de")  # type: ignore[dict-item]
    assert result == expected


def test_it_scores_no_answers_as_normal_self_and_default_language() -> None:
    catalogue = Catalogue(questions=())
    assert score_triage({}, catalogue, default_language="de") == TriageResult(
        priority="normal", pathway="self", language="de", crisis_reasons=()
    )


def test_it_takes_the_highest_priority_and_every_crisis_reason_once() -> None:
    catalogue = Catalogue(
        questions=(
            Question(code="a", text="A", options=(Option(code="x", text="X", priority="raised"),)),
            Question(
                code="b", text="B", options=(Option(code="y", text="Y", priority="crisis", crisis_reason="self_harm"),)
            ),
            Question(
                code="c",
                text="C",
                options=(Option(code="z", text="Z", priority="crisis", crisis_reason="child_at_risk"),),
            ),
            Question(
                code="d", text="D", options=(Option(code="w", text="W", priority="crisis", crisis_reason="self_harm"),)
            ),
        )
    )
    result = score_triage({"a": "x", "b": "y", "c": "z", "d": "w"}, catalogue, default_language="en")
    assert result.priority == "crisis"
    assert result.crisis_reasons == ("self_harm", "child_at_risk")


def test_it_localises_with_a_fallback_to_the_base_text() -> None:
    catalogue = Catalogue(
        questions=(
            Question(
                code="q",
                text="Question?",
                help_text="Hint",
                translations={"de": {"text": "Frage?"}},
                options=(
                    Option(code="a", text="Yes", translations={"de": "Ja"}),
                    Option(code="b", text="No"),
                ),
            ),
        )
    )
    assert catalogue.localised("de-at") == [
        {
            "code": "q",
            "text": "Frage?",
            "help_text": "",
            "options": [{"code": "a", "text": "Ja"}, {"code": "b", "text": "No"}],
        }
    ]
    assert catalogue.localised("fr")[0]["text"] == "Question?"
    assert catalogue.localised("fr")[0]["help_text"] == "Hint"


# --- The shipped defaults ----------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_catalogue_cache() -> Iterator[None]:
    triage.clear_catalogue_cache()
    yield
    triage.clear_catalogue_cache()


@pytest.mark.django_db
def test_it_ships_the_default_questions_in_order() -> None:
    catalogue = load_catalogue()
    assert [question.code for question in catalogue.questions] == DEFAULT_CODES
    concern = catalogue.question("concern")
    assert concern is not None
    assert {option.code: option.pathway for option in concern.options} == {
        "own_thoughts": "self",
        "someone_else": "other",
        "young_person": "young",
        "professional": "professional",
    }
    assert all(not question.required for question in TriageQuestion.objects.all())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answers", "priority", "pathway", "language", "reasons"),
    [
        ({}, "normal", "self", "en", ()),
        ({"self_harm": "no", "child_risk": "no"}, "normal", "self", "en", ()),
        ({"self_harm": "unsure"}, "raised", "self", "en", ()),
        ({"child_risk": "unsure"}, "raised", "self", "en", ()),
        ({"self_harm": "yes"}, "crisis", "self", "en", ("self_harm",)),
        ({"child_risk": "yes", "concern": "someone_else"}, "crisis", "other", "en", ("child_at_risk",)),
        ({"self_harm": "yes", "child_risk": "yes"}, "crisis", "self", "en", ("self_harm", "child_at_risk")),
        ({"concern": "young_person", "language": "de"}, "normal", "young", "de", ()),
        ({"concern": "professional", "self_harm": "unsure"}, "raised", "professional", "en", ()),
    ],
)
def test_it_scores_the_default_answers(
    answers: dict[str, str], priority: str, pathway: str, language: str, reasons: tuple[str, ...]
) -> None:
    result = score_triage(answers, load_catalogue(), default_language="en")
    assert result == TriageResult(priority=priority, pathway=pathway, language=language, crisis_reasons=reasons)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_it_ships_every_default_text_in_german() -> None:
    catalogue = load_catalogue()
    english = catalogue.localised("en")
    german = catalogue.localised("de")
    assert [q["code"] for q in german] == DEFAULT_CODES
    for en_question, de_question in zip(english, german, strict=True):
        assert de_question["text"] and de_question["text"] != en_question["text"]
        assert bool(de_question["help_text"]) == bool(en_question["help_text"])
        for en_option, de_option in zip(en_question["options"], de_question["options"], strict=True):
            assert de_option["code"] == en_option["code"]
            if en_question["code"] != "language":
                assert de_option["text"] != en_option["text"], en_option
    assert german[1]["text"] == "Haben Sie Gedanken, sich selbst zu verletzen oder Ihr Leben zu beenden?"


@pytest.mark.django_db
def test_it_caches_the_catalogue(django_assert_num_queries) -> None:
    first = load_catalogue()
    with django_assert_num_queries(0):
        assert load_catalogue() is first


@pytest.mark.django_db
def test_it_clears_the_cache_when_a_question_is_saved() -> None:
    assert load_catalogue().question("self_harm") is not None
    question = TriageQuestion.objects.get(code="self_harm")
    question.text = "Are you thinking of hurting yourself?"
    question.save()
    changed = load_catalogue().question("self_harm")
    assert changed is not None and changed.text == "Are you thinking of hurting yourself?"
    question.active = False
    question.save()
    assert load_catalogue().question("self_harm") is None


@pytest.mark.django_db
def test_it_clears_the_cache_when_an_option_is_deleted() -> None:
    assert score_triage({"child_risk": "unsure"}, load_catalogue(), default_language="en").priority == "raised"
    TriageOption.objects.get(question__code="child_risk", code="unsure").delete()
    assert score_triage({"child_risk": "unsure"}, load_catalogue(), default_language="en").priority == "normal"


@pytest.mark.django_db
def test_it_refreshes_the_cache_after_a_minute_without_signals(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = SimpleNamespace(now=1000.0)
    monkeypatch.setattr(triage, "time", SimpleNamespace(monotonic=lambda: clock.now))
    load_catalogue()
    # A queryset update sends no signal: only the cache lifetime brings the change in.
    TriageQuestion.objects.filter(code="language").update(active=False)
    clock.now += 59
    assert load_catalogue().question("language") is not None
    clock.now += 2
    assert load_catalogue().question("language") is None


@pytest.mark.django_db
def test_it_hides_questions_without_active_answers() -> None:
    TriageOption.objects.filter(question__code="concern").update(active=False)
    triage.clear_catalogue_cache()
    assert load_catalogue().question("concern") is None


@pytest.mark.django_db
def test_it_never_makes_a_triage_question_required() -> None:
    question = TriageQuestion.objects.get(code="concern")
    with pytest.raises(IntegrityError):
        TriageQuestion.objects.filter(pk=question.pk).update(required=True)


@pytest.mark.django_db
def test_it_allows_a_crisis_reason_only_on_a_crisis_answer() -> None:
    from django.core.exceptions import ValidationError

    option = TriageOption.objects.get(question__code="self_harm", code="unsure")
    option.crisis_reason = "self_harm"
    with pytest.raises(ValidationError, match="crisis reason"):
        option.full_clean()


# --- Admin -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/admin/helpline/triagequestion/",
        "/admin/helpline/triagequestion/add/",
        "/admin/helpline/openinghours/",
        "/admin/helpline/openinghours/add/",
        "/admin/helpline/closure/",
        "/admin/helpline/closure/add/",
        "/admin/helpline/cannedresponse/",
        "/admin/helpline/cannedresponse/add/",
    ],
)
def test_it_shows_the_content_admin_pages_to_a_superuser(admin_client: Client, path: str) -> None:
    response = admin_client.get(path)
    assert response.status_code == 200


@pytest.mark.django_db
def test_it_shows_a_question_with_its_answers_and_german_fields(admin_client: Client) -> None:
    question = TriageQuestion.objects.get(code="self_harm")
    response = admin_client.get(f"/admin/helpline/triagequestion/{question.pk}/change/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "example content" in page
    assert "Haben Sie Gedanken, sich selbst zu verletzen" in page
    assert "Ich bin mir nicht sicher" in page
    assert 'name="options-0-text_de"' in page


@pytest.mark.django_db
def test_it_refuses_the_content_admin_to_anonymous_and_unprivileged_users(client: Client) -> None:
    from django.contrib.auth.models import User

    response = client.get("/admin/helpline/triagequestion/")
    assert response.status_code == 302
    assert "/admin/login/" in response.headers["Location"]
    counsellor = User.objects.create_user("counsellor", password="a long test password", is_staff=True)
    signed_in_client(counsellor, client=client)  # with the second factor: staff, but no permission
    assert client.get("/admin/helpline/triagequestion/").status_code == 403


@pytest.mark.django_db
def test_it_saves_translations_from_the_admin_form(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/helpline/triagequestion/add/",
        {
            "code": "contact_before",
            "position": "50",
            "active": "on",
            "text": "Have you talked to us before?",
            "help_text": "",
            "text_de": "Haben Sie schon einmal mit uns gesprochen?",
            "help_text_de": "",
            "options-TOTAL_FORMS": "2",
            "options-INITIAL_FORMS": "0",
            "options-MIN_NUM_FORMS": "0",
            "options-MAX_NUM_FORMS": "1000",
            "options-0-position": "0",
            "options-0-code": "yes",
            "options-0-text": "Yes",
            "options-0-text_de": "Ja",
            "options-0-priority": "",
            "options-0-active": "on",
            "options-1-position": "10",
            "options-1-code": "no",
            "options-1-text": "No",
            "options-1-text_de": "Nein",
            "options-1-priority": "",
            "options-1-active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    question = TriageQuestion.objects.get(code="contact_before")
    assert question.translations == {"de": {"text": "Haben Sie schon einmal mit uns gesprochen?"}}
    assert question.options.get(code="no").translations == {"de": {"text": "Nein"}}
    localised = load_catalogue().localised("de")
    assert localised[-1] == {
        "code": "contact_before",
        "text": "Haben Sie schon einmal mit uns gesprochen?",
        "help_text": "",
        "options": [{"code": "yes", "text": "Ja"}, {"code": "no", "text": "Nein"}],
    }


@pytest.mark.django_db
def test_it_rejects_a_question_code_that_is_not_a_code(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/helpline/triagequestion/add/",
        {
            "code": "Not A Code",
            "position": "0",
            "text": "A question",
            "options-TOTAL_FORMS": "0",
            "options-INITIAL_FORMS": "0",
            "options-MIN_NUM_FORMS": "0",
            "options-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert "lower-case letters" in response.content.decode()
    assert not TriageQuestion.objects.filter(text="A question").exists()


@settings(max_examples=50)
@given(st.dictionaries(st.text(max_size=10), junk_values, max_size=8))
def test_it_never_fails_on_arbitrary_answers(answers: dict[str, object]) -> None:
    catalogue = Catalogue(
        questions=(Question(code="q", text="Q", options=(Option(code="a", text="A", priority="crisis"),)),)
    )
    result = score_triage(answers, catalogue, default_language="en")  # type: ignore[arg-type]
    assert result.priority in PRIORITIES


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_it_loads_the_catalogue_and_hours_from_async_code() -> None:
    from asgiref.sync import sync_to_async
    from django.db import connections

    from helpline.hours import service_status

    # The live path's calls, as a consumer makes them.
    catalogue = await sync_to_async(load_catalogue)()
    result = score_triage({"child_risk": "yes"}, catalogue, default_language="en")
    assert result.priority == "crisis" and result.shows_crisis_contacts
    assert await sync_to_async(service_status)() == (True, None)
    assert await sync_to_async(load_catalogue)() is catalogue
    # The worker thread's connection would otherwise outlive the test database.
    await sync_to_async(connections.close_all)()
