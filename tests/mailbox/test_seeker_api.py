"""The help-seeker's endpoints: create, open, send, delete, and every documented refusal."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from chat import e2ee
from chat.mailbox.models import Mailbox, Message, Thread
from tests.mailbox.helpers import Counsellor, Seeker, post_json

pytestmark = pytest.mark.django_db

CREATE, OPEN, SEND, DELETE = "/mailbox/api/create", "/mailbox/api/open", "/mailbox/api/send", "/mailbox/api/delete"


@pytest.fixture
def counsellor_key(inbox_counsellor: Callable[..., Counsellor]) -> Counsellor:
    return inbox_counsellor("casey")


def created(client: Client, seeker: Seeker, counsellor: Counsellor, text: str = "first") -> Any:
    response = post_json(client, CREATE, seeker.create_body(text, [counsellor.inbox_point]))
    assert response.status_code == 200, response.content
    return response.json()


def test_it_creates_a_mailbox_and_opens_it_with_the_lookup(
    client: Client, counsellor_key: Counsellor, clear_cache: None
) -> None:
    seeker = Seeker()
    created(client, seeker, counsellor_key, "hello there")
    view = post_json(client, OPEN, {"lookup": seeker.lookup}).json()
    messages = view["mailbox"]["messages"]
    assert [seeker.read(m) for m in messages] == ["hello there"]
    assert view["retention_days"] == 30
    # Only the seeker's own copy of the message key goes back to the seeker.
    assert [w["to"] for w in messages[0]["wraps"]] == [e2ee.fingerprint(seeker.point)]


def test_it_stores_only_the_hash_of_the_lookup_and_day_level_times(
    client: Client, counsellor_key: Counsellor, clear_cache: None
) -> None:
    seeker = Seeker()
    created(client, seeker, counsellor_key)
    row = Mailbox.objects.get()
    assert seeker.lookup not in row.lookup_hash
    assert row.lookup_hash == __import__("hashlib").sha256(seeker.keys.lookup).hexdigest()
    assert {type(row.created_day).__name__, type(row.active_day).__name__} == {"date"}


def test_it_answers_an_unknown_codename_like_an_empty_mailbox(client: Client, clear_cache: None) -> None:
    response = post_json(client, OPEN, {"lookup": Seeker().lookup})
    assert response.status_code == 200
    assert response.json() == {"retention_days": 30, "mailbox": None}


def test_it_sets_no_cookie(client: Client, counsellor_key: Counsellor, clear_cache: None) -> None:
    seeker = Seeker()
    response = post_json(client, CREATE, seeker.create_body("hi", [counsellor_key.inbox_point]))
    assert not response.cookies
    assert not post_json(client, OPEN, {"lookup": seeker.lookup}).cookies
    assert not client.get("/mailbox/").cookies


def test_it_takes_a_second_message_in_order(client: Client, counsellor_key: Counsellor, clear_cache: None) -> None:
    seeker = Seeker()
    created(client, seeker, counsellor_key, "one")
    body = {"lookup": seeker.lookup, "message": seeker.seal("two", [counsellor_key.inbox_point])}
    view = post_json(client, SEND, body).json()
    assert [seeker.read(m) for m in view["mailbox"]["messages"]] == ["one", "two"]
    assert view["mailbox"]["seeker_seq"] == 2


@pytest.mark.parametrize(("seq", "code"), [(1, "replayed"), (3, "out_of_order")])
def test_it_refuses_replayed_and_reordered_messages(
    client: Client, counsellor_key: Counsellor, clear_cache: None, seq: int, code: str
) -> None:
    seeker = Seeker()
    created(client, seeker, counsellor_key)
    body = {"lookup": seeker.lookup, "message": seeker.seal("again", [counsellor_key.inbox_point], seq=seq)}
    response = post_json(client, SEND, body)
    assert (response.status_code, response.json()["error"]) == (409, code)
    assert Message.objects.count() == 1


def test_it_refuses_a_message_not_wrapped_for_current_counsellor_keys(
    client: Client, counsellor_key: Counsellor, clear_cache: None
) -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    stranger = e2ee.public_point(ec.generate_private_key(ec.SECP256R1()).public_key())
    seeker = Seeker()
    response = post_json(client, CREATE, seeker.create_body("hi", [counsellor_key.inbox_point, stranger]))
    assert (response.status_code, response.json()["error"]) == (422, "wrong_keys")
    response = post_json(client, CREATE, Seeker().create_body("hi", []))
    assert (response.status_code, response.json()["error"]) == (422, "wrong_keys")
    assert not Mailbox.objects.exists()


def test_it_refuses_malformed_requests_with_documented_errors(
    client: Client, counsellor_key: Counsellor, clear_cache: None
) -> None:
    seeker = Seeker()
    good = seeker.create_body("hi", [counsellor_key.inbox_point])
    cases: list[tuple[Any, str]] = [
        ("not json", "bad_request"),
        ([1, 2], "bad_request"),
        ({**good, "extra": 1}, "bad_request"),
        ({**good, "lookup": "AAAA"}, "bad_request"),
        ({**good, "message": {**good["message"], "seq": True}}, "bad_request"),  # type: ignore[dict-item]
        ({**good, "message": {**good["message"], "ct": "A" * 30000}}, "too_large"),  # type: ignore[dict-item]
        ({**good, "message": {**good["message"], "ct": e2ee.b64e(b"x" * 300)}}, "bad_request"),  # type: ignore[dict-item]
    ]
    for body, code in cases:
        raw = body if isinstance(body, str) else json.dumps(body)
        response = client.post(CREATE, data=raw, content_type="application/json")
        assert response.json()["error"] == code, body
        assert response.status_code in (400, 413)
    assert client.post(CREATE, data=json.dumps(good), content_type="text/plain").json()["error"] == "bad_request"
    huge = client.post(CREATE, data="x" * 70000, content_type="application/json")
    assert (huge.status_code, huge.json()["error"]) == (413, "too_large")
    assert not Mailbox.objects.exists()


def test_it_deletes_everything_at_once_and_answers_the_same_for_unknown(
    client: Client, counsellor_key: Counsellor, clear_cache: None
) -> None:
    seeker = Seeker()
    created(client, seeker, counsellor_key)
    assert post_json(client, DELETE, {"lookup": seeker.lookup}).json() == {"deleted": True}
    assert not Mailbox.objects.exists() and not Thread.objects.exists() and not Message.objects.exists()
    assert post_json(client, DELETE, {"lookup": seeker.lookup}).json() == {"deleted": True}
    assert post_json(client, OPEN, {"lookup": seeker.lookup}).json()["mailbox"] is None
    response = post_json(
        client, SEND, {"lookup": seeker.lookup, "message": seeker.seal("x", [counsellor_key.inbox_point])}
    )
    assert (response.status_code, response.json()["error"]) == (410, "expired")


def test_it_limits_codename_attempts_per_address(client: Client, settings: Any, clear_cache: None) -> None:
    settings.MAILBOX_CODENAME_RATE = "3/h"
    answers = [post_json(client, OPEN, {"lookup": Seeker().lookup}).status_code for _ in range(3)]
    assert answers == [200, 200, 200]
    response = post_json(client, OPEN, {"lookup": Seeker().lookup})
    assert (response.status_code, response.json()["error"]) == (429, "rate_limited")
    # Another address is counted on its own.
    other = post_json(Client(REMOTE_ADDR="192.0.2.77"), OPEN, {"lookup": Seeker().lookup})
    assert other.status_code == 200


def test_it_lists_only_certified_inbox_keys_as_recipients(
    client: Client, counsellor_key: Counsellor, clear_cache: None
) -> None:
    from chat.mailbox import crypto

    data = client.get("/mailbox/api/recipients.json").json()
    assert len(data["recipients"]) == 1
    recipient = crypto.verify_recipient(
        **data["recipients"][0], root_public=__import__("chat.certificates", fromlist=["x"]).root_public_key()
    )
    assert recipient.point == counsellor_key.inbox_point


def test_it_refuses_messages_beyond_the_mailbox_limit(
    client: Client, counsellor_key: Counsellor, settings: Any, clear_cache: None
) -> None:
    settings.MAILBOX_MAX_MESSAGES = 2
    seeker = Seeker()
    created(client, seeker, counsellor_key)
    for expected in (200, 409):
        body = {"lookup": seeker.lookup, "message": seeker.seal("more", [counsellor_key.inbox_point])}
        response = post_json(client, SEND, body)
        assert response.status_code == expected
    assert response.json()["error"] == "full"
    assert Message.objects.count() == 2
