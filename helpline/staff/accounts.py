"""Staff accounts: creating them, giving them a role, and (re)issuing their second factor.

Keeps (in the database, until the account is removed): the Django user with a hashed password,
one role group, a StaffProfile (pseudonym, languages, pathways, chat limit) and TOTP devices.
Each change is audited; the audit never holds a password or a TOTP secret.
"""

from __future__ import annotations

from base64 import b32encode
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from helpline.audit import do_audit
from helpline.models import StaffProfile
from helpline.staff.rules import (
    ADMIN,
    ADMIN_APPS,
    ADMIN_EXCLUDED_PERMISSIONS,
    ROLE_PERMISSIONS,
    ROLES,
    parse_language_codes,
    parse_pathway_codes,
)

Actor = AbstractBaseUser | AnonymousUser | None


@dataclass(frozen=True)
class TotpSecret:
    """A TOTP secret to hand to its owner once: base32 for typing, URI for a QR code."""

    secret: str
    uri: str


def totp_secret(device: TOTPDevice) -> TotpSecret:
    return TotpSecret(secret=b32encode(device.bin_key).decode("ascii"), uri=device.config_url)


def check_role_name(role: str) -> str:
    if role not in ROLES:
        raise ValidationError(f"Unknown role {role!r}: choose one of {', '.join(ROLES)}.")
    return role


def check_new_password(password: str, *, username: str) -> None:
    """Raises ValidationError (with every reason) unless the password passes AUTH_PASSWORD_VALIDATORS."""
    if not password:
        raise ValidationError("The password is empty.")
    validate_password(password, user=User(username=username))


def check_new_username(username: str) -> str:
    username = username.strip()
    if not username:
        raise ValidationError("The username is empty.")
    User.username_validator(username)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(f"An account named {username!r} already exists.")
    return username


def check_pseudonym_free(pseudonym: str, *, user: User | None = None) -> None:
    """Refuses a pseudonym another active account already uses (help-seekers tell counsellors apart by it)."""
    if not pseudonym:
        return
    taken = StaffProfile.objects.filter(pseudonym__iexact=pseudonym, user__is_active=True)
    if user is not None and user.pk is not None:
        taken = taken.exclude(user=user)
    if taken.exists():
        raise ValidationError(f"Another active account already uses the pseudonym {pseudonym!r}.")


def check_profile(
    *, pseudonym: str, languages: str, pathways: str, chat_limit: int | None, user: User | None = None
) -> tuple[str, list[str], list[str], int]:
    pseudonym = pseudonym.strip()
    if len(pseudonym) > 40:
        raise ValidationError("The pseudonym is longer than 40 characters.")
    check_pseudonym_free(pseudonym, user=user)
    try:
        language_codes = parse_language_codes(languages)
        pathway_codes = parse_pathway_codes(pathways)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    limit = settings.DEFAULT_CHAT_LIMIT if chat_limit is None else chat_limit
    if not 1 <= limit <= 10:
        raise ValidationError("The chat limit must be between 1 and 10.")
    return pseudonym, language_codes, pathway_codes, limit


def do_sync_role_permissions() -> None:
    """Give every existing role group its permissions.

    Runs after every `migrate`, so permissions of models added later reach the admin role. It only
    adds: a permission an operator removed from a group by hand comes back on the next migrate,
    but nothing an operator added is taken away. The groups themselves are made by the migration
    (helpline 0004) or when a role is first given; not here, so that a test database flushed and
    restored from its serialized copy never meets a second set of groups.
    """
    for group in Group.objects.filter(name__in=ROLES):
        _grant_role_permissions(group)


def _grant_role_permissions(group: Group) -> None:
    permissions = _permissions(set(ROLE_PERMISSIONS[group.name]))
    if group.name == ADMIN:
        permissions += [
            p
            for p in Permission.objects.filter(content_type__app_label__in=ADMIN_APPS).select_related("content_type")
            if f"{p.content_type.app_label}.{p.codename}" not in ADMIN_EXCLUDED_PERMISSIONS
        ]
    group.permissions.add(*permissions)


def _permissions(names: set[str]) -> list[Permission]:
    found = []
    for name in names:
        app_label, codename = name.split(".", 1)
        found += list(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
    return found


def _set_groups(user: User, role: str) -> None:
    others = Group.objects.filter(name__in=ROLES).exclude(name=role)
    user.groups.remove(*others)
    group, created = Group.objects.get_or_create(name=role)
    if created:
        _grant_role_permissions(group)
    user.groups.add(group)
    # Only administrators reach the Django admin, which checks is_staff.
    user.is_staff = role == ADMIN
    user.save(update_fields=["is_staff"])
    if hasattr(user, "_helpline_role"):
        del user._helpline_role


def _new_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def do_create_staff(
    *,
    actor: Actor,
    username: str,
    password: str,
    role: str,
    pseudonym: str = "",
    languages: str = "en",
    pathways: str = "",
    chat_limit: int | None = None,
    with_totp: bool = True,
    via: str = "createstaff",
) -> tuple[User, TotpSecret | None]:
    """Create a staff account with its profile and role.

    With `with_totp`, a confirmed TOTP device is created and its secret returned, to be handed to
    the person once. Without it, the person enrols an authenticator (QR code) at first sign-in.
    """
    username = check_new_username(username)
    check_role_name(role)
    check_new_password(password, username=username)
    pseudonym, language_codes, pathway_codes, limit = check_profile(
        pseudonym=pseudonym, languages=languages, pathways=pathways, chat_limit=chat_limit
    )
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password)
        StaffProfile.objects.create(
            user=user,
            pseudonym=pseudonym,
            languages=",".join(language_codes),
            pathways=",".join(pathway_codes),
            chat_limit=limit,
        )
        _set_groups(user, role)
        secret = totp_secret(_new_device(user)) if with_totp else None
        do_audit(
            actor=actor,
            action="staff.account_created",
            target=username,
            detail={"role": role, "via": via, "second_factor": "issued" if with_totp else "enrol at sign-in"},
        )
    return user, secret


def do_set_role(*, actor: Actor, user: User, role: str, via: str = "") -> None:
    check_role_name(role)
    if role != ADMIN:
        check_not_self(actor=actor, user=user, what="change the role of")
    with transaction.atomic():
        before = sorted(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        _set_groups(user, role)
        StaffProfile.objects.get_or_create(user=user)
        do_audit(
            actor=actor,
            action="staff.role_changed",
            target=user.get_username(),
            detail={"from": ",".join(before), "to": role, "via": via},
        )


def do_set_password(*, actor: Actor, user: User, password: str, via: str = "") -> None:
    check_new_password(password, username=user.get_username())
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        do_audit(actor=actor, action="staff.password_changed", target=user.get_username(), detail={"via": via})


def do_update_profile(
    *,
    actor: Actor,
    user: User,
    pseudonym: str | None = None,
    languages: str | None = None,
    pathways: str | None = None,
    chat_limit: int | None = None,
    via: str = "",
) -> StaffProfile:
    profile, _ = StaffProfile.objects.get_or_create(user=user)
    new_pseudonym, language_codes, pathway_codes, limit = check_profile(
        pseudonym=profile.pseudonym if pseudonym is None else pseudonym,
        languages=profile.languages if languages is None else languages,
        pathways=profile.pathways if pathways is None else pathways,
        chat_limit=profile.chat_limit if chat_limit is None else chat_limit,
        user=user,
    )
    changed: list[str] = []
    for field, value in (
        ("pseudonym", new_pseudonym),
        ("languages", ",".join(language_codes)),
        ("pathways", ",".join(pathway_codes)),
        ("chat_limit", limit),
    ):
        if getattr(profile, field) != value:
            setattr(profile, field, value)
            changed.append(field)
    if changed:
        with transaction.atomic():
            profile.save(update_fields=changed)
            do_audit(
                actor=actor,
                action="staff.profile_changed",
                target=user.get_username(),
                detail={"fields": ",".join(changed), "via": via},
            )
    return profile


def do_reset_totp(*, actor: Actor, user: User, with_totp: bool = True, via: str = "") -> TotpSecret | None:
    """Remove every TOTP device of `user`; issue a new confirmed one, or leave them to enrol at sign-in.

    Sessions already verified with the old device lose their verification at their next request
    (django_otp's middleware drops a device id that no longer exists).
    """
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        secret = totp_secret(_new_device(user)) if with_totp else None
        do_audit(
            actor=actor,
            action="staff.totp_reset",
            target=user.get_username(),
            detail={"second_factor": "issued" if with_totp else "enrol at sign-in", "via": via},
        )
    return secret


def check_not_self(*, actor: Actor, user: User, what: str) -> None:
    """An administrator cannot lock themselves out: no deactivating or demoting their own account."""
    if isinstance(actor, User) and actor.pk == user.pk:
        raise ValidationError(f"You cannot {what} your own account; ask another administrator.")


def do_deactivate_staff(*, actor: Actor, user: User, via: str = "") -> None:
    """Switch an account off: it can no longer sign in, and its open sessions fail their next check."""
    check_not_self(actor=actor, user=user, what="deactivate")
    if not user.is_active:
        return
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        do_audit(actor=actor, action="staff.deactivated", target=user.get_username(), detail={"via": via})


def do_reactivate_staff(*, actor: Actor, user: User, via: str = "") -> None:
    if user.is_active:
        return
    check_pseudonym_free(staff_profile(user).pseudonym, user=user)
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        do_audit(actor=actor, action="staff.reactivated", target=user.get_username(), detail={"via": via})


def staff_profile(user: User) -> StaffProfile:
    """The user's profile; for an account made in the Django admin without one, the defaults (unsaved)."""
    try:
        return StaffProfile.objects.get(user=user)
    except StaffProfile.DoesNotExist:
        return StaffProfile(user=user)
