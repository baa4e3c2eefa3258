from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from helpline.models import CannedResponse
from helpline.wrapup import (
    CODE_PATTERN,
    CONCERNS,
    FEEDBACK_OPTION_TEXTS,
    FEEDBACK_QUESTION_TEXTS,
    FEEDBACK_QUESTIONS,
    OUTCOMES,
    PROTECTIVE_ACTION,
    REFERRALS,
    RISK_FLAGS,
    Wrapup,
    WrapupError,
    check_feedback,
    check_wrapup,
    feedback_form,
)

VALID: dict[str, Any] = {
    "concern": "own_thoughts",
    "protective_action": "yes",
    "referrals": ["therapy", "stop_it_now_programme"],
    "risk": ["none"],
    "outcome": "support_given",
}

ALL_LISTS = {
    "CONCERNS": CONCERNS,
    "OUTCOMES": OUTCOMES,
    "REFERRALS": REFERRALS,
    "RISK_FLAGS": RISK_FLAGS,
    "PROTECTIVE_ACTION": PROTECTIVE_ACTION,
    "FEEDBACK_QUESTION_TEXTS": FEEDBACK_QUESTION_TEXTS,
    "FEEDBACK_OPTION_TEXTS": FEEDBACK_OPTION_TEXTS,
}


# --- Wrap-up -----------------------------------------------------------------------------------


def test_it_accepts_a_complete_wrapup() -> None:
    assert check_wrapup(VALID) == Wrapup(
        concern="own_thoughts",
        protective_action=True,
        referrals=("therapy", "stop_it_now_programme"),
        risk=("none",),
        outcome="support_given",
    )


def test_it_accepts_booleans_for_protective_action() -> None:
    assert check_wrapup({**VALID, "protective_action": False}).protective_action is False
    assert check_wrapup({**VALID, "protective_action": "no"}).protective_action is False


def test_it_puts_several_choices_in_list_order_without_duplicates() -> None:
    wrapup = check_wrapup(
        {**VALID, "referrals": ["crisis_line", "gp", "crisis_line"], "risk": ["child_at_risk", "self_harm"]}
    )
    assert wrapup.referrals == ("gp", "crisis_line")
    assert wrapup.risk == ("self_harm", "child_at_risk")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"concern": "murky"}, "concern", "not one of the options"),
        ({"concern": None}, "concern", "choose one option"),
        ({"outcome": ""}, "outcome", "choose one option"),
        ({"protective_action": "maybe"}, "protective_action", "yes or no"),
        ({"protective_action": None}, "protective_action", "yes or no"),
        ({"referrals": []}, "referrals", "at least one"),
        ({"referrals": "therapy"}, "referrals", "at least one"),
        ({"referrals": ["therapy", 3]}, "referrals", "not one of the options"),
        ({"referrals": ["none", "gp"]}, "referrals", "'No referral' cannot be combined"),
        ({"risk": ["none", "self_harm"]}, "risk", "'No risk noted' cannot be combined"),
        ({"risk": ["self_harm"] * 20}, "risk", "too many"),
        ({"notes": "free text"}, "notes", "not a wrap-up field"),
    ],
)
def test_it_names_the_field_at_fault(change: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(WrapupError, match=message) as caught:
        check_wrapup({**VALID, **change})
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")
    assert isinstance(caught.value, ValueError)


def test_it_refuses_a_missing_field() -> None:
    for name in VALID:
        data = {key: value for key, value in VALID.items() if key != name}
        with pytest.raises(ValueError, match=f"^{name}: "):
            check_wrapup(data)


def test_it_refuses_a_wrapup_that_is_not_an_object() -> None:
    with pytest.raises(ValueError, match="a wrap-up is an object"):
        check_wrapup(["own_thoughts"])  # type: ignore[arg-type]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=20,
)
choice_or_junk = st.one_of(st.sampled_from([*CONCERNS, *OUTCOMES, *REFERRALS, *RISK_FLAGS, "yes", "no"]), json_values)


@given(
    st.dictionaries(
        st.sampled_from([*VALID, "extra"]),
        st.one_of(choice_or_junk, st.lists(choice_or_junk, max_size=8)),
        max_size=6,
    )
)
def test_it_raises_only_value_errors_on_any_input(data: dict[str, Any]) -> None:
    try:
        wrapup = check_wrapup(data)
    except WrapupError as exc:
        assert exc.field in (*VALID, "extra", "")
        return
    assert wrapup.concern in CONCERNS and wrapup.outcome in OUTCOMES
    assert set(wrapup.referrals) <= set(REFERRALS) and wrapup.referrals
    assert set(wrapup.risk) <= set(RISK_FLAGS) and wrapup.risk


def test_it_uses_codes_that_are_short_identifiers() -> None:
    for name, choices in ALL_LISTS.items():
        for code in choices:
            assert CODE_PATTERN.match(code), (name, code)
    for question, options in FEEDBACK_QUESTIONS.items():
        assert CODE_PATTERN.match(question)
        assert all(option in FEEDBACK_OPTION_TEXTS for option in options)


def test_it_has_every_label_in_german() -> None:
    for name, choices in ALL_LISTS.items():
        with translation.override("en"):
            english = {code: str(label) for code, label in choices.items()}
        with translation.override("de"):
            german = {code: str(label) for code, label in choices.items()}
        for code in choices:
            assert german[code] and german[code] != english[code], (name, code)
    with translation.override("de"):
        assert str(FEEDBACK_QUESTION_TEXTS["helpful"]) == "War dieses Gespräch hilfreich für Sie?"


# --- Feedback ----------------------------------------------------------------------------------


def test_it_keeps_only_known_feedback_pairs() -> None:
    answers = {"helpful": "somewhat", "would_return": "somewhat", "felt_respected": "yes", "comment": "thanks"}
    assert check_feedback(answers) == {"helpful": "somewhat", "felt_respected": "yes"}
    assert check_feedback(None) == {}
    assert check_feedback(["helpful", "yes"]) == {}


@given(st.dictionaries(st.text(max_size=20), json_values, max_size=8) | json_values)
def test_it_reduces_any_feedback_to_known_pairs(answers: Any) -> None:
    kept = check_feedback(answers)
    for question, option in kept.items():
        assert option in FEEDBACK_QUESTIONS[question]
        assert answers[question] == option


def test_it_builds_the_feedback_form_in_the_active_language() -> None:
    with translation.override("de"):
        form = feedback_form()
    assert [question["code"] for question in form] == list(FEEDBACK_QUESTIONS)
    assert form[1]["options"] == [
        {"code": "yes", "text": "Ja"},
        {"code": "unsure", "text": "Ich bin mir nicht sicher"},
        {"code": "no", "text": "Nein"},
    ]


# --- Canned responses --------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_ships_example_canned_responses_in_english_and_german() -> None:
    for language in ("en", "de"):
        responses = list(CannedResponse.objects.filter(language=language, active=True))
        assert len(responses) == 4
        assert all(response.body.strip() and len(response.body) < 600 for response in responses)
    titles = list(CannedResponse.objects.filter(language="de").values_list("title", flat=True))
    assert titles == ["Begrüßung", "Vertraulichkeit und ihre Grenzen", "Hinweis auf Selbsthilfe", "Abschluss"]


@pytest.mark.django_db
def test_it_validates_a_canned_response_language() -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        CannedResponse(title="Hello", body="Hello", language="English").full_clean()
    CannedResponse(title="Hello", body="Hello", language="pt-br").full_clean()
