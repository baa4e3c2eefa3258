"""Pure rules about staff roles and profiles: no database, no request.

A role is a Django group. Each account holds exactly one role group; `role_of` picks the most
privileged one if a misconfigured account holds several, so a mistake never widens access beyond
what the strongest group grants anyway.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

COUNSELLOR = "counsellor"
SUPERVISOR = "supervisor"
MANAGER = "manager"
ADMIN = "admin"

# Most privileged first: `role_of` returns the first one an account holds.
ROLES: tuple[str, ...] = (ADMIN, SUPERVISOR, MANAGER, COUNSELLOR)

# Roles that work on the live floor (the counsellor workspace and the counsellor socket); the same
# as chat.access.COUNSELLING_ROLES. Administrators may step in as supervisors.
FLOOR_ROLES: tuple[str, ...] = (COUNSELLOR, SUPERVISOR, ADMIN)

# The statistics pages (helpline's statistics views) live here; managers land on them.
STATISTICS_URL = "/manage/stats/"

# Apps whose model permissions the admin role receives. Permissions of apps added later are
# granted on the next `migrate` (helpline.staff.accounts.do_sync_role_permissions).
ADMIN_APPS: tuple[str, ...] = ("helpline", "resources", "chat", "auth", "otp_totp", "admin")

# Custom permissions (declared on helpline.models.StaffProfile) per role, as "app_label.codename".
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    COUNSELLOR: ("helpline.counsel",),
    # Supervisors also take chats: on a small service they are counsellors with extra duties.
    SUPERVISOR: ("helpline.counsel", "helpline.supervise_floor"),
    MANAGER: ("helpline.view_statistics",),
    ADMIN: ("helpline.counsel", "helpline.supervise_floor", "helpline.view_statistics"),
}

# The admin role gets every model permission of ADMIN_APPS except these, which would let the audit
# trail be written or rewritten by hand.
ADMIN_EXCLUDED_PERMISSIONS: frozenset[str] = frozenset(
    {
        "helpline.add_auditevent",
        "helpline.change_auditevent",
        "helpline.delete_auditevent",
        "admin.add_logentry",
        "admin.change_logentry",
        "admin.delete_logentry",
    }
)

_CODE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})?$")
_PATHWAY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


def role_of(group_names: Iterable[str], *, is_superuser: bool = False) -> str | None:
    """The role an account has, given the names of its groups."""
    if is_superuser:
        return ADMIN
    names = set(group_names)
    for role in ROLES:
        if role in names:
            return role
    return None


def parse_language_codes(text: str) -> list[str]:
    """'en, de' -> ['en', 'de']; raises ValueError naming the first code that is not one."""
    codes = _split(text)
    if not codes:
        raise ValueError("at least one language code is needed, for example 'en'")
    for code in codes:
        if not _CODE.match(code):
            raise ValueError(f"{code!r} is not a language code (use codes such as 'en' or 'pt-br')")
    return codes


def parse_pathway_codes(text: str) -> list[str]:
    """'' -> [] (every pathway); 'self, other' -> ['self', 'other']."""
    codes = _split(text)
    for code in codes:
        if not _PATHWAY.match(code):
            raise ValueError(f"{code!r} is not a pathway code (lower-case letters, digits, '-' and '_')")
    return codes


def _split(text: str) -> list[str]:
    seen: list[str] = []
    for part in text.split(","):
        code = part.strip().lower()
        if code and code not in seen:
            seen.append(code)
    return seen


def grouped_secret(secret: str) -> str:
    """A base32 secret in groups of four, easier to type into an authenticator app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
