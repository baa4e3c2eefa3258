"""Placeholders in canned responses: the pure table, check and fill (helpline.placeholders)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from helpline.models import CannedResponse
from helpline.placeholders import PLACEHOLDERS, check_template, fill, placeholders_in

pytestmark = pytest.mark.usefixtures("in_english")


def test_it_lists_the_placeholders_a_text_uses_in_order() -> None:
    assert placeholders_in("Hi, I am {counsellor} at {service}; {counsellor} again.") == ["counsellor", "service"]


def test_it_accepts_every_known_placeholder_and_literal_braces() -> None:
    text = " ".join("{" + name + "}" for name in PLACEHOLDERS) + " {{not a placeholder}}"
    assert check_template(text) == list(PLACEHOLDERS)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("We are open {oppening_hours}.", "Unknown placeholder: {oppening_hours}"),
        ("{service.name}", "is not a placeholder"),
        ("{service!r}", "is not a placeholder"),
        ("{service:>10}", "is not a placeholder"),
        ("{0}", "is not a placeholder"),
        ("{}", "is not a placeholder"),
        ("{service", "A brace is not closed"),
        ("service}", "A brace is not closed"),
    ],
)
def test_it_refuses_what_is_not_a_known_placeholder(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says.replace("{", r"\{").replace(".", r"\.")):
        check_template(text)


def test_it_fills_known_placeholders_and_keeps_literal_braces() -> None:
    assert fill("I am {counsellor} ({{you}} can call me that).", {"counsellor": "Sam"}) == (
        "I am Sam ({you} can call me that)."
    )


def test_it_leaves_a_known_placeholder_without_a_value_as_typed() -> None:
    assert fill("Open {opening_hours}.", {}) == "Open {opening_hours}."


@pytest.mark.django_db
def test_the_model_refuses_an_unknown_placeholder_in_the_django_admin_too() -> None:
    response = CannedResponse(title="Hours", body="Open {oppening_hours}", language="en")
    with pytest.raises(ValidationError) as caught:
        response.full_clean()
    assert "body" in caught.value.message_dict


@pytest.mark.django_db
@pytest.mark.usefixtures("clear_cache")
def test_the_workspace_gets_canned_responses_with_their_placeholders_filled(counsellor: object) -> None:
    import json
    import re

    from tests.personas import signed_in_client

    CannedResponse.objects.create(language="en", title="Intro", body="I am {counsellor} from {service}. {{ok}}")
    html = signed_in_client(counsellor).get("/staff/workspace/").content.decode()  # type: ignore[arg-type]
    found = re.search(r'<script id="canned-responses" type="application/json">(.*?)</script>', html, re.S)
    assert found
    bodies = [item["body"] for item in json.loads(found.group(1)) if item["title"] == "Intro"]
    assert bodies == ["I am Sam from Helpline. {ok}"]
