"""The authorisation matrix: every staff URL against every persona, each refusal asserted.

When you add a staff URL, add its row: `test_it_covers_every_staff_url` fails until you do.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from channels.auth import AuthMiddlewareStack
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import URLPattern, URLResolver

from helpline.staff import urls as staff_urls
from helpline.staff.access import check_role, socket_staff_user, staff_role
from helpline.staff.accounts import do_reset_totp, do_set_role
from helpline.staff.rules import FLOOR_ROLES
from tests.personas import make_staff, signed_in_client, socket_headers, ws_headers

pytestmark = pytest.mark.usefixtures("clear_cache")

PERSONAS = ("anonymous", "password_only", "counsellor", "other_counsellor", "supervisor", "manager", "admin")


@dataclass(frozen=True)
class Expect:
    status: int
    location: str = ""  # for redirects: where to
    body: bytes = b"This page is not available"  # for 403: the friendly page, or an API's error code


OK = Expect(200)
REFUSED = Expect(403)


def to(location: str) -> Expect:
    return Expect(302, location)


def login(path: str) -> Expect:
    return to("/staff/login/?next=" + path.replace("/", "%2F"))


def code(path: str) -> Expect:
    return to("/staff/login/code/?next=" + path.replace("/", "%2F"))


def admin_page(path: str, admin: Expect = OK) -> dict[str, Expect]:
    return {
        "anonymous": login(path),
        "password_only": code(path),
        "counsellor": REFUSED,
        "other_counsellor": REFUSED,
        "supervisor": REFUSED,
        "manager": REFUSED,
        "admin": admin,
    }


def readers_page(path: str, admin: Expect = OK, manager: Expect = OK) -> dict[str, Expect]:
    """Administrators change, managers read (a manager's POST is refused: pass manager=REFUSED)."""
    return {**admin_page(path, admin), "manager": manager}


def steering_page(path: str, ok: Expect = OK) -> dict[str, Expect]:
    """Blocks: administrators and supervisors."""
    return {**admin_page(path, ok), "supervisor": ok}


def inbox_page(path: str, counsellor: Expect = OK, summary: Expect = REFUSED) -> dict[str, Expect]:
    """Secure messages: counsellors read and answer; supervisors and admins see counts only."""
    return {
        "anonymous": login(path),
        "password_only": code(path),
        "counsellor": counsellor,
        "other_counsellor": counsellor,
        "supervisor": summary,
        "manager": REFUSED,
        "admin": summary,
    }


THREAD = "/staff/inbox/threads/<int:thread_id>/"
NOT_HELD = Expect(403, body=b'"error": "not_allowed"')
PERSON = "/staff/manage/people/<int:pk>/"
CANNED = "/staff/manage/content/canned/<int:pk>/"


def back_to(path: str) -> Expect:
    return to(path)


# (method, path) -> persona -> what happens.
MATRIX: dict[tuple[str, str], dict[str, Expect]] = {
    ("GET", "/staff/"): {
        "anonymous": login("/staff/"),
        "password_only": code("/staff/"),
        "counsellor": to("/staff/workspace/"),
        "other_counsellor": to("/staff/workspace/"),
        "supervisor": to("/staff/workspace/"),
        "manager": to("/manage/stats/"),
        "admin": to("/staff/manage/"),
    },
    ("GET", "/staff/workspace/"): {
        "anonymous": login("/staff/workspace/"),
        "password_only": code("/staff/workspace/"),
        "counsellor": OK,
        "other_counsellor": OK,
        "supervisor": OK,
        "manager": REFUSED,
        # Administrators may step in on the floor (as chat.access.COUNSELLING_ROLES allows).
        "admin": OK,
    },
    ("GET", "/staff/supervisor/"): {
        "anonymous": login("/staff/supervisor/"),
        "password_only": code("/staff/supervisor/"),
        "counsellor": REFUSED,
        "other_counsellor": REFUSED,
        "supervisor": OK,
        "manager": REFUSED,
        "admin": OK,
    },
    ("GET", "/staff/keys/mine/"): {
        "anonymous": login("/staff/keys/mine/"),
        "password_only": code("/staff/keys/mine/"),
        "counsellor": OK,
        "other_counsellor": OK,
        "supervisor": OK,
        "manager": REFUSED,
        "admin": OK,
    },
    # An empty POST: the floor roles (admins may step in) get as far as the key check (400).
    ("POST", "/staff/keys/request/"): {
        "anonymous": login("/staff/keys/request/"),
        "password_only": code("/staff/keys/request/"),
        "counsellor": Expect(400),
        "other_counsellor": Expect(400),
        "supervisor": Expect(400),
        "manager": REFUSED,
        "admin": Expect(400),
    },
    ("GET", "/staff/audit/"): {
        "anonymous": login("/staff/audit/"),
        "password_only": code("/staff/audit/"),
        "counsellor": REFUSED,
        "other_counsellor": REFUSED,
        "supervisor": REFUSED,
        "manager": REFUSED,
        "admin": OK,
    },
    ("GET", "/staff/login/"): {
        "anonymous": OK,
        "password_only": OK,
        **{name: to("/staff/") for name in PERSONAS[2:]},
    },
    ("GET", "/staff/login/code/"): {
        "anonymous": to("/staff/login/"),
        "password_only": OK,
        **{name: to("/staff/") for name in PERSONAS[2:]},
    },
    ("GET", "/staff/enrol/"): {
        "anonymous": to("/staff/login/"),
        # Has a confirmed authenticator: never a second one by password alone.
        "password_only": to("/staff/login/code/"),
        **{name: to("/staff/") for name in PERSONAS[2:]},
    },
    ("POST", "/staff/logout/"): {name: to("/staff/login/") for name in PERSONAS},
    # The language switch in the staff footer: anyone, signed in or not; back to the start page here.
    ("POST", "/staff/language/"): {name: to("/") for name in PERSONAS},
    ("GET", "/staff/audit/export.csv"): admin_page("/staff/audit/export.csv"),
    # An invitation link that does not exist: the same calm page for everyone, signed in or not.
    ("GET", "/staff/enrol/<str:token>/"): {name: Expect(404) for name in PERSONAS},
    # The staff administration.
    ("GET", "/staff/manage/"): readers_page("/staff/manage/"),
    ("GET", "/staff/manage/people/"): readers_page("/staff/manage/people/"),
    ("GET", "/staff/manage/people/invite/"): admin_page("/staff/manage/people/invite/"),
    ("POST", "/staff/manage/people/invite/"): admin_page("/staff/manage/people/invite/"),
    ("GET", PERSON): readers_page(PERSON),
    ("POST", PERSON): readers_page(PERSON, manager=REFUSED),
    ("POST", PERSON + "reset-second-factor/"): admin_page(PERSON + "reset-second-factor/", back_to(PERSON)),
    ("POST", PERSON + "new-link/"): admin_page(PERSON + "new-link/", back_to(PERSON)),
    ("POST", PERSON + "deactivate/"): admin_page(PERSON + "deactivate/", back_to(PERSON)),
    ("POST", PERSON + "reactivate/"): admin_page(PERSON + "reactivate/", back_to(PERSON)),
    ("GET", "/staff/manage/schedule/"): readers_page("/staff/manage/schedule/"),
    ("POST", "/staff/manage/schedule/"): readers_page(
        "/staff/manage/schedule/", admin=to("/staff/manage/schedule/"), manager=REFUSED
    ),
    ("POST", "/staff/manage/schedule/closures/"): admin_page("/staff/manage/schedule/closures/", Expect(400)),
    ("POST", "/staff/manage/schedule/closures/<int:pk>/remove/"): admin_page(
        "/staff/manage/schedule/closures/<int:pk>/remove/", to("/staff/manage/schedule/")
    ),
    ("GET", "/staff/manage/schedule/preview/"): readers_page("/staff/manage/schedule/preview/"),
    ("GET", "/staff/manage/blocks/"): steering_page("/staff/manage/blocks/"),
    ("POST", "/staff/manage/blocks/lift/"): steering_page("/staff/manage/blocks/lift/", to("/staff/manage/blocks/")),
    ("GET", "/staff/manage/content/"): readers_page("/staff/manage/content/"),
    ("GET", "/staff/manage/content/canned/new/"): readers_page("/staff/manage/content/canned/new/"),
    ("POST", "/staff/manage/content/canned/new/"): readers_page(
        "/staff/manage/content/canned/new/", admin=Expect(400), manager=REFUSED
    ),
    ("GET", CANNED): readers_page(CANNED),
    ("POST", CANNED + "delete/"): admin_page(CANNED + "delete/", to("/staff/manage/content/")),
    ("POST", "/staff/manage/content/crisis/<int:pk>/checked/"): admin_page(
        "/staff/manage/content/crisis/<int:pk>/checked/", to("/staff/manage/content/#crisis-contacts")
    ),
    ("GET", "/staff/manage/keys/"): admin_page("/staff/manage/keys/"),
    ("GET", "/staff/manage/keys/export/"): admin_page("/staff/manage/keys/export/"),
    ("POST", "/staff/manage/keys/import/"): admin_page("/staff/manage/keys/import/", Expect(400)),
    ("POST", "/staff/manage/keys/<int:pk>/revoke/"): admin_page(
        "/staff/manage/keys/<int:pk>/revoke/", to("/staff/manage/keys/")
    ),
    # The counsellor inbox of secure messages (chat/mailbox/staff_urls.py); no such thread here
    # (releasing a thread one does not hold is refused).
    ("GET", "/staff/inbox/"): inbox_page("/staff/inbox/", summary=OK),
    ("GET", "/staff/inbox/threads/"): inbox_page("/staff/inbox/threads/"),
    ("GET", "/staff/inbox/summary/"): inbox_page("/staff/inbox/summary/", counsellor=REFUSED, summary=OK),
    ("POST", "/staff/inbox/key/"): inbox_page("/staff/inbox/key/", counsellor=Expect(400)),
    ("GET", THREAD): inbox_page(THREAD, counsellor=Expect(404)),
    ("POST", THREAD + "claim/"): inbox_page(THREAD + "claim/", counsellor=Expect(404)),
    ("POST", THREAD + "release/"): inbox_page(THREAD + "release/", counsellor=NOT_HELD),
    ("POST", THREAD + "reply/"): inbox_page(THREAD + "reply/", counsellor=Expect(400)),
    ("POST", THREAD + "close/"): inbox_page(THREAD + "close/", counsellor=Expect(400)),
    ("GET", "/admin/"): admin_page("/admin/"),
    ("GET", "/admin/helpline/auditevent/"): admin_page("/admin/helpline/auditevent/"),
    ("GET", "/admin/auth/user/"): admin_page("/admin/auth/user/"),
    ("GET", "/admin/otp_totp/totpdevice/"): admin_page("/admin/otp_totp/totpdevice/"),
}


def client_for(persona: str, request: pytest.FixtureRequest) -> Client:
    if persona == "anonymous":
        return Client()
    if persona == "password_only":
        return signed_in_client(request.getfixturevalue("counsellor"), verified=False)
    return signed_in_client(request.getfixturevalue(persona))


def concrete(path: str, request: pytest.FixtureRequest) -> str:
    """A MATRIX path with its <int:pk> or <str:token> filled with an object of the right kind."""
    if "<" not in path:
        return path
    if path.startswith("/staff/enrol/"):
        return path.replace("<str:token>", "no-such-invitation")
    if path.startswith("/staff/inbox/threads/"):
        return path.replace("<int:thread_id>", "999999")
    if path.startswith("/staff/manage/people/"):
        pk = request.getfixturevalue("other_counsellor").pk
    elif "/closures/" in path:
        from helpline.models import Closure

        pk = Closure.objects.create(date=datetime.date(2030, 12, 25), seeker_note="Closed today.").pk
    elif "/canned/" in path:
        from helpline.models import CannedResponse

        pk = CannedResponse.objects.create(title="Welcome", body="Hello, I am {counsellor}.", language="en").pk
    elif "/crisis/" in path:
        from resources.models import CrisisContact

        pk = CrisisContact.objects.create(country="GB", name="Example line", phone="0800 000 000").pk
    elif "/keys/" in path:
        from chat.models import IdentityKey

        pk = IdentityKey.objects.create(
            user=request.getfixturevalue("other_counsellor"), public_key="x", fingerprint="ab" * 32, pseudonym="Robin"
        ).pk
    else:
        raise AssertionError(f"no object for {path}")
    return path.replace("<int:pk>", str(pk))


def fetch(client: Client, method: str, path: str) -> object:
    response = client.post(path) if method == "POST" else client.get(path)
    # The admin's own login page is only a hop to the staff sign-in: follow it.
    location = response.get("Location", "") if response.status_code == 302 else ""
    if location.startswith("/admin/login/"):
        response = client.get(location)
    return response


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("method", "path"), list(MATRIX))
def test_it_allows_and_refuses_each_staff_url(
    request: pytest.FixtureRequest, method: str, path: str, persona: str
) -> None:
    expected = MATRIX[(method, path)][persona]
    client = client_for(persona, request)
    url = concrete(path, request)
    response = fetch(client, method, url)
    assert response.status_code == expected.status, (method, path, persona)
    if expected.status == 302:
        location = expected.location.replace(path.replace("/", "%2F"), url.replace("/", "%2F"))
        if "<int:pk>" in location:
            location = location.replace("<int:pk>", _pk_in(url))
        assert response["Location"] == location, (method, path, persona)
    if expected.status == 403:
        assert expected.body in response.content
        assert b"Traceback" not in response.content


def _pk_in(url: str) -> str:
    return next(part for part in url.split("/") if part.isdigit())


def _paths(patterns: list[object], prefix: str) -> set[str]:
    found: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            found.add(prefix + str(pattern.pattern))
        elif isinstance(pattern, URLResolver):
            found |= _paths(pattern.url_patterns, prefix + str(pattern.pattern))
    return found


def test_it_covers_every_staff_url() -> None:
    staff_paths = _paths(staff_urls.urlpatterns, "/staff/")
    covered = {path for _, path in MATRIX}
    assert staff_paths <= covered, f"add rows to MATRIX for: {sorted(staff_paths - covered)}"
    assert all(set(row) == set(PERSONAS) for row in MATRIX.values())


@pytest.mark.django_db
def test_it_names_each_persona_s_role(
    counsellor: User, other_counsellor: User, supervisor: User, manager: User, admin: User
) -> None:
    roles = [staff_role(u) for u in (counsellor, other_counsellor, supervisor, manager, admin)]
    assert roles == ["counsellor", "counsellor", "supervisor", "manager", "admin"]
    assert staff_role(User.objects.create_user("no-role")) is None
    assert check_role(supervisor, *FLOOR_ROLES) == "supervisor"
    with pytest.raises(PermissionDenied):
        check_role(manager, *FLOOR_ROLES)


@pytest.mark.django_db
def test_it_grants_each_role_only_its_permissions(
    counsellor: User, supervisor: User, manager: User, admin: User
) -> None:
    assert counsellor.get_all_permissions() == {"helpline.counsel"}
    assert supervisor.get_all_permissions() == {"helpline.counsel", "helpline.supervise_floor"}
    assert manager.get_all_permissions() == {"helpline.view_statistics"}
    granted = admin.get_all_permissions()
    assert {"helpline.view_statistics", "helpline.supervise_floor", "auth.change_user"} <= granted
    assert "helpline.view_auditevent" in granted
    assert not {"helpline.add_auditevent", "helpline.change_auditevent", "helpline.delete_auditevent"} & granted
    assert (counsellor.is_staff, manager.is_staff, admin.is_staff) == (False, False, True)


@pytest.mark.django_db
def test_it_changes_a_role_completely_and_audits_it(counsellor: User, admin: User) -> None:
    from helpline.models import AuditEvent

    do_set_role(actor=admin, user=counsellor, role="manager", via="tests")
    counsellor = User.objects.get(pk=counsellor.pk)
    assert staff_role(counsellor) == "manager"
    assert list(counsellor.groups.values_list("name", flat=True)) == ["manager"]
    event = AuditEvent.objects.get(action="staff.role_changed")
    assert (event.actor, event.target, event.detail["from"], event.detail["to"]) == (
        admin, "counsellor", "counsellor", "manager"
    )


# --- The socket check --------------------------------------------------------------------------


class WhoAmI(AsyncJsonWebsocketConsumer):
    """Stands in for the counsellor socket: accepts floor staff only, and says who they are."""

    async def connect(self) -> None:
        user = await socket_staff_user(self.scope, roles=FLOOR_ROLES)
        if user is None:
            await self.close(code=4401)
            return
        await self.accept()
        await self.send_json({"username": user.get_username()})


async def connect_as(headers: list[tuple[bytes, bytes]]) -> tuple[bool, object, WebsocketCommunicator]:
    communicator = WebsocketCommunicator(AuthMiddlewareStack(WhoAmI.as_asgi()), "/ws/test/", headers=headers)
    connected, detail = await communicator.connect()
    return connected, detail, communicator


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("close_thread_connections")
async def test_it_lets_a_verified_counsellor_open_the_socket(counsellor: User) -> None:
    connected, _, communicator = await connect_as(await socket_headers(counsellor))
    try:
        assert connected
        assert await communicator.receive_json_from() == {"username": "counsellor"}
    finally:
        await communicator.disconnect()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("close_thread_connections")
async def test_it_closes_the_socket_for_a_password_only_session(counsellor: User) -> None:
    connected, code, communicator = await connect_as(await socket_headers(counsellor, verified=False))
    await communicator.disconnect()
    assert (connected, code) == (False, 4401)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("close_thread_connections")
async def test_it_closes_the_socket_without_a_session(db: None) -> None:
    connected, code, communicator = await connect_as([(b"origin", b"http://testserver")])
    await communicator.disconnect()
    assert (connected, code) == (False, 4401)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("close_thread_connections")
async def test_it_closes_the_socket_for_a_role_off_the_floor(manager: User) -> None:
    connected, code, communicator = await connect_as(await socket_headers(manager))
    await communicator.disconnect()
    assert (connected, code) == (False, 4401)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("close_thread_connections")
async def test_it_closes_the_socket_when_the_authenticator_was_reset(counsellor: User) -> None:
    from asgiref.sync import sync_to_async

    headers = await socket_headers(counsellor)
    await sync_to_async(do_reset_totp)(actor=None, user=counsellor)
    connected, code, communicator = await connect_as(headers)
    await communicator.disconnect()
    assert (connected, code) == (False, 4401)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("close_thread_connections")
async def test_it_closes_the_socket_when_the_session_names_another_user_s_device(
    counsellor: User, other_counsellor: User
) -> None:
    from asgiref.sync import sync_to_async
    from django_otp import DEVICE_ID_SESSION_KEY

    from tests.personas import device_of

    def forge() -> list[tuple[bytes, bytes]]:
        client = signed_in_client(counsellor, verified=False)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device_of(other_counsellor).persistent_id
        session.save()
        return ws_headers(client)

    connected, code, communicator = await connect_as(await sync_to_async(forge)())
    await communicator.disconnect()
    assert (connected, code) == (False, 4401)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("close_thread_connections")
async def test_it_closes_the_socket_for_a_deactivated_account(db: None) -> None:
    from asgiref.sync import sync_to_async

    def deactivated() -> list[tuple[bytes, bytes]]:
        user = make_staff("counsellor", username="leaver")
        headers = ws_headers(signed_in_client(user))
        User.objects.filter(pk=user.pk).update(is_active=False)
        return headers

    connected, code, communicator = await connect_as(await sync_to_async(deactivated)())
    await communicator.disconnect()
    assert (connected, code) == (False, 4401)
