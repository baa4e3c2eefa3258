"""The counsellor inbox: listing, the atomic claim, reply, release, close, continuity, roles."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from chat import e2ee
from chat.mailbox import services
from chat.mailbox.models import Mailbox, Thread
from chat.mailbox.schemas import MailboxError
from helpline.models import Counter
from tests.mailbox.helpers import Counsellor, Seeker, counsellor_reads, post_json, reply_body, staff_client
from tests.personas import signed_in_client

pytestmark = pytest.mark.django_db

WRAPUP = {
    "concern": "own_thoughts",
    "protective_action": "yes",
    "referrals": ["therapy"],
    "risk": ["none"],
    "outcome": "support_given",
}


def seek(client: Client, seeker: Seeker, counsellors: list[Counsellor], text: str) -> None:
    if seeker.seq == 0:
        response = post_json(
            client, "/mailbox/api/create", seeker.create_body(text, [c.inbox_point for c in counsellors])
        )
    else:
        body = {"lookup": seeker.lookup, "message": seeker.seal(text, [c.inbox_point for c in counsellors])}
        response = post_json(client, "/mailbox/api/send", body)
    assert response.status_code == 200, response.content


def mark_active(counsellor: Counsellor) -> None:
    User.objects.filter(pk=counsellor.user_id).update(last_login=timezone.now())


def listed(client: Client) -> list[dict[str, Any]]:
    data = client.get("/staff/inbox/threads/").json()
    return [dict(zip(data["columns"], row, strict=True)) for row in data["threads"]]


def thread_ids(client: Client) -> list[int]:
    return [t["id"] for t in listed(client)]


def test_it_lists_threads_by_priority_then_age(
    inbox_counsellor: Callable[..., Counsellor], client: Client, clear_cache: None
) -> None:
    casey = inbox_counsellor("casey")
    first, urgent, later = Seeker(), Seeker(), Seeker()
    seek(client, first, [casey], "a")
    seek(client, later, [casey], "b")
    post_json(client, "/mailbox/api/create", urgent.create_body("c", [casey.inbox_point], priority="raised"))
    Thread.objects.filter(mailbox__lookup_hash=__import__("hashlib").sha256(later.keys.lookup).hexdigest()).update(
        waiting_since=services.today()
    )
    Thread.objects.exclude(priority=1).filter(pk=Thread.objects.order_by("id").first().pk).update(  # type: ignore[union-attr]
        waiting_since=services.today() - dt.timedelta(days=3)
    )
    rows = listed(staff_client(casey))
    assert [t["priority"] for t in rows] == ["raised", "normal", "normal"]
    assert [t["waiting_days"] for t in rows][1:] == [3, 0]


def test_it_lets_a_counsellor_claim_read_and_reply(
    inbox_counsellor: Callable[..., Counsellor], client: Client, clear_cache: None
) -> None:
    casey = inbox_counsellor("casey")
    seeker = Seeker()
    seek(client, seeker, [casey], "I need to talk")
    staff = staff_client(casey)
    (tid,) = thread_ids(staff)
    view = staff.post(f"/staff/inbox/threads/{tid}/claim/").json()
    point = e2ee.b64d(view["mailbox_key"])
    assert counsellor_reads(casey, point, view["messages"][0]) == "I need to talk"
    reply = reply_body(casey, point, "We are here for you", seq=1, recipients=[casey.inbox_point])
    response = post_json(staff, f"/staff/inbox/threads/{tid}/reply/", reply)
    assert response.status_code == 200, response.content
    messages = post_json(client, "/mailbox/api/open", {"lookup": seeker.lookup}).json()["mailbox"]["messages"]
    assert [seeker.read(m) for m in messages] == ["I need to talk", "We are here for you"]
    assert Counter.objects.filter(metric="mailbox.thread_answered", dimension="first_reply=0-4h").exists()
    # A replayed reply is refused.
    again = post_json(staff, f"/staff/inbox/threads/{tid}/reply/", reply)
    assert (again.status_code, again.json()["error"]) == (409, "replayed")


def test_it_refuses_a_reply_with_someone_elses_certificate(
    inbox_counsellor: Callable[..., Counsellor], client: Client, clear_cache: None
) -> None:
    casey, robin = inbox_counsellor("casey"), inbox_counsellor("robin")
    seeker = Seeker()
    seek(client, seeker, [casey, robin], "hi")
    staff = staff_client(casey)
    (tid,) = thread_ids(staff)
    view = staff.post(f"/staff/inbox/threads/{tid}/claim/").json()
    point = e2ee.b64d(view["mailbox_key"])
    body = reply_body(casey, point, "x", seq=1, recipients=[casey.inbox_point])
    body["message"]["cert"] = e2ee.b64e(robin.provisioned.cert)  # type: ignore[index]
    response = post_json(staff, f"/staff/inbox/threads/{tid}/reply/", body)
    assert (response.status_code, response.json()["error"]) == (422, "wrong_keys")


def test_it_gives_a_thread_to_one_counsellor_only(
    inbox_counsellor: Callable[..., Counsellor], client: Client, clear_cache: None
) -> None:
    casey, robin = inbox_counsellor("casey"), inbox_counsellor("robin")
    seek(client, Seeker(), [casey, robin], "hi")
    (tid,) = thread_ids(staff_client(casey))
    assert staff_client(casey).post(f"/staff/inbox/threads/{tid}/claim/").status_code == 200
    refused = staff_client(robin).post(f"/staff/inbox/threads/{tid}/claim/")
    assert (refused.status_code, refused.json()["error"]) == (409, "claimed")
    assert thread_ids(staff_client(robin)) == []
    assert staff_client(robin).get(f"/staff/inbox/threads/{tid}/").json()["error"] == "not_found"
    assert staff_client(casey).post(f"/staff/inbox/threads/{tid}/release/").status_code == 200
    assert thread_ids(staff_client(robin)) == [tid]
    from helpline.models import AuditEvent

    audited = list(AuditEvent.objects.order_by("id").values_list("actor_name", "action", "target"))
    assert ("casey", "mailbox.claim", "normal") in audited and ("casey", "mailbox.release", "") in audited


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_settles_a_claim_race_with_exactly_one_winner(
    inbox_counsellor: Callable[..., Counsellor], client: Client, clear_cache: None, postgres_required: None
) -> None:
    # The row lock race needs PostgreSQL (SQLite serialises every write anyway): marked `postgres`.
    people = [inbox_counsellor(f"racer-{n}") for n in range(6)]
    seek(client, Seeker(), people, "hi")
    tid = Thread.objects.get().pk
    users = [User.objects.get(pk=p.user_id) for p in people]
    barrier = threading.Barrier(len(users))
    results: list[str] = []

    def claim(user: User) -> None:
        from django.db import connections

        barrier.wait()
        try:
            services.do_claim_thread(counsellor=user, thread_id=tid)
            results.append("won")
        except MailboxError as error:
            results.append(error.code)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=claim, args=(user,)) for user in users]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(results) == ["claimed"] * 5 + ["won"]
    assert Thread.objects.get().claimed_by_id in {u.pk for u in users}


def test_it_sends_a_returning_seeker_back_to_the_counsellor_who_answered(
    inbox_counsellor: Callable[..., Counsellor], client: Client, clear_cache: None
) -> None:
    casey, robin = inbox_counsellor("casey"), inbox_counsellor("robin")
    seeker = Seeker()
    seek(client, seeker, [casey, robin], "first")
    staff = staff_client(casey)
    (tid,) = thread_ids(staff)
    view = staff.post(f"/staff/inbox/threads/{tid}/claim/").json()
    point = e2ee.b64d(view["mailbox_key"])
    post_json(
        staff,
        f"/staff/inbox/threads/{tid}/reply/",
        reply_body(casey, point, "r", seq=1, recipients=[casey.inbox_point]),
    )
    assert post_json(staff, f"/staff/inbox/threads/{tid}/close/", WRAPUP).json() == {"closed": True}
    mark_active(casey)
    seek(client, seeker, [casey, robin], "I am back")
    new = Thread.objects.get(status="open")
    assert new.preferred_id == casey.user_id
    assert thread_ids(staff_client(robin)) == []
    assert [t["for_you"] for t in listed(staff_client(casey))] == [True]
    # Once casey has not signed in for longer than MAILBOX_CONTINUITY_DAYS, the thread is shared.
    User.objects.filter(pk=casey.user_id).update(last_login=timezone.now() - dt.timedelta(days=30))
    assert thread_ids(staff_client(robin)) == [new.pk]


def test_it_closes_with_the_chat_wrapup_and_counts_it(
    inbox_counsellor: Callable[..., Counsellor], client: Client, clear_cache: None
) -> None:
    casey = inbox_counsellor("casey")
    seek(client, Seeker(), [casey], "hi")
    staff = staff_client(casey)
    (tid,) = thread_ids(staff)
    staff.post(f"/staff/inbox/threads/{tid}/claim/")
    bad = post_json(staff, f"/staff/inbox/threads/{tid}/close/", {**WRAPUP, "risk": []})
    assert (bad.status_code, bad.json()["error"]) == (400, "bad_wrapup")
    assert post_json(staff, f"/staff/inbox/threads/{tid}/close/", WRAPUP).status_code == 200
    assert Thread.objects.get().status == "closed"
    dims = set(Counter.objects.filter(metric="wrapup.filed").values_list("dimension", flat=True))
    assert {"channel=mailbox", "concern=own_thoughts", "risk=none"} <= dims


def test_it_shows_supervisors_counts_and_ages_never_content(
    inbox_counsellor: Callable[..., Counsellor], supervisor: User, client: Client, clear_cache: None
) -> None:
    casey = inbox_counsellor("casey")
    seek(client, Seeker(), [casey], "hi")
    boss = signed_in_client(supervisor)
    summary = boss.get("/staff/inbox/summary/").json()
    assert summary["total"] == 1 and summary["waiting"] == 1 and summary["oldest_waiting_days"] == 0
    tid = Thread.objects.get().pk
    for url in ("/staff/inbox/threads/", f"/staff/inbox/threads/{tid}/"):
        assert boss.get(url).status_code == 403
    assert boss.post(f"/staff/inbox/threads/{tid}/claim/").status_code == 403
    assert boss.get("/staff/inbox/").status_code == 200
    assert staff_client(casey).get("/staff/inbox/summary/").status_code == 403


def test_it_refuses_the_inbox_to_managers_and_anonymous_visitors(manager: User, client: Client) -> None:
    assert signed_in_client(manager).get("/staff/inbox/").status_code == 403
    assert client.get("/staff/inbox/").status_code == 302
    assert client.get("/staff/inbox/threads/").status_code == 302


def test_it_refuses_an_inbox_key_not_signed_by_the_certified_identity(
    inbox_counsellor: Callable[..., Counsellor],
) -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    from chat.mailbox import crypto

    casey = inbox_counsellor("casey")
    other = ec.generate_private_key(ec.SECP256R1())
    point = e2ee.public_point(ec.generate_private_key(ec.SECP256R1()).public_key())
    identity_point = e2ee.public_point(casey.provisioned.identity_private.public_key())
    forged = e2ee.sign(other, crypto.inbox_key_statement(point, identity_point))
    with pytest.raises(MailboxError) as caught:
        services.do_register_inbox_key(
            user=User.objects.get(pk=casey.user_id), public_key=e2ee.b64e(point), signature=e2ee.b64e(forged)
        )
    assert caught.value.code == "wrong_keys"
    assert Mailbox.objects.count() == 0
