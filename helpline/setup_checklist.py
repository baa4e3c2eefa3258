"""What a new service still needs before it goes live, in plain words.

`setup_facts()` reads the settings and the database (no writes); `checklist(facts)` is pure and
turns the facts into items with advice. `manage.py bootstrap` prints the same list as the admin
home page shows until every item is done.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

CRISIS_CHECK_DAYS = 180


@dataclass(frozen=True)
class SetupFacts:
    admin_enrolled: bool
    root_public_key: bool
    root_private_key_on_server: bool
    demo_mode: bool
    tls: bool
    hours_set: bool
    crisis_contacts: int
    crisis_unchecked: int
    certified_counsellors: int


@dataclass(frozen=True)
class Item:
    code: str
    done: bool
    title: str
    advice: str


def checklist(facts: SetupFacts) -> list[Item]:
    return [
        Item(
            "admin", facts.admin_enrolled, _("An administrator has signed in with a second factor"),
            _("Run `manage.py bootstrap` and open the enrolment link it prints."),
        ),
        Item(
            "root_key", facts.root_public_key, _("The organisation root key exists"),
            _("Run `manage.py orgkey init --out ROOT.pem` on an offline machine and copy the public key "
              "to ORG_ROOT_PUBLIC_KEY. Without it, no chat can start."),
        ),
        Item(
            "root_offline", facts.demo_mode or not facts.root_private_key_on_server,
            _("The root private key is kept off this server"),
            _("Remove ORG_ROOT_PRIVATE_KEY from the server's settings and keep the file offline; "
              "certify counsellors with the export and import on the Keys page."),
        ),
        Item(
            "tls", facts.tls, _("Connections are encrypted (TLS settings)"),
            _("Serve the site over HTTPS only: set SECURE_COOKIES=1, SECURE_HSTS_SECONDS, and either "
              "SECURE_SSL_REDIRECT=1 or BEHIND_TLS_PROXY=1 behind nginx (docs/OPERATIONS.md)."),
        ),
        Item(
            "hours", facts.hours_set, _("Opening hours are set"),
            _("The platform ships open around the clock. Enter your real hours on the Schedule page."),
        ),
        Item(
            "crisis", facts.crisis_contacts > 0 and facts.crisis_unchecked == 0,
            _("Crisis contacts are in place and checked"),
            _("Add crisis contacts for the countries you serve, on the Content page.")
            if facts.crisis_contacts == 0
            else _("Add crisis contacts for the countries you serve and mark each one checked after comparing it "
                   "with the service's own listing (%(n)d not checked in the last %(days)d days).")
            % {"n": facts.crisis_unchecked, "days": CRISIS_CHECK_DAYS},
        ),
        Item(
            "counsellor", facts.certified_counsellors > 0, _("At least one counsellor's key is certified"),
            _("Invite a counsellor on the People page; once they have signed in, certify their key on the Keys page."),
        ),
    ]


def _hours_set() -> bool:
    from helpline.models import OpeningHours

    rows = list(OpeningHours.objects.values_list("weekday", "opens", "closes"))
    around_the_clock = {(day, dt.time(0), dt.time(0)) for day in range(7)}
    return bool(rows) and set(rows) != around_the_clock


def setup_facts(*, now: dt.datetime | None = None) -> SetupFacts:
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.db.models import Q
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from chat.models import IdentityKey
    from resources.models import CrisisContact

    moment = now or timezone.now()
    admins = User.objects.filter(Q(groups__name="admin") | Q(is_superuser=True), is_active=True)
    enrolled = TOTPDevice.objects.filter(user__in=admins, confirmed=True).exists()
    private = str(settings.ORG_ROOT_PRIVATE_KEY or "")
    cutoff = (moment - dt.timedelta(days=CRISIS_CHECK_DAYS)).date()
    contacts = CrisisContact.objects.all()
    return SetupFacts(
        admin_enrolled=enrolled,
        root_public_key=Path(settings.ORG_ROOT_PUBLIC_KEY).exists(),
        root_private_key_on_server=bool(private) and Path(private).exists(),
        demo_mode=bool(settings.DEMO_MODE),
        tls=bool(
            settings.SESSION_COOKIE_SECURE
            and settings.SECURE_HSTS_SECONDS > 0
            and (settings.SECURE_SSL_REDIRECT or settings.SECURE_PROXY_SSL_HEADER)
        ),
        hours_set=_hours_set(),
        crisis_contacts=contacts.count(),
        crisis_unchecked=contacts.filter(Q(last_checked__isnull=True) | Q(last_checked__lt=cutoff)).count(),
        certified_counsellors=IdentityKey.objects.filter(
            status=IdentityKey.Status.CERTIFIED, expires_at__gt=moment, user__is_active=True
        ).values("user").distinct().count(),
    )
