"""People: the staff list, invitations, changes of role and profile, second-factor resets, deactivation.

Thin views: each POST calls one service from helpline.staff.accounts or .invitations (which check,
act and audit) and redirects back with a message.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from chat.models import IdentityKey
from helpline.models import StaffInvitation, StaffProfile
from helpline.staff.access import staff_required
from helpline.staff.accounts import (
    check_not_self,
    do_deactivate_staff,
    do_reactivate_staff,
    do_reset_totp,
    do_set_role,
    do_update_profile,
    staff_profile,
)
from helpline.staff.invitations import INVITATION_HOURS, do_invite_staff, do_renew_invitation, enrolment_path
from helpline.staff.manage.common import EDITORS, READERS, can_edit, get_staff_member, messages_of, staff_role_of_any
from helpline.staff.manage.forms import ChangeStaffForm, InviteForm
from helpline.staff.rules import ROLES


def _second_factor(user: User, devices: set[int], invitations: dict[int, Any]) -> dict[str, Any]:
    if user.pk in devices:
        return {"state": "enrolled", "label": _("Set up")}
    invitation = invitations.get(user.pk)
    if invitation is not None and invitation.expires_at > timezone.now():
        return {"state": "invited", "label": _("Invited, link valid until %(when)s UTC") % {
            "when": f"{invitation.expires_at:%Y-%m-%d %H:%M}"}}
    if invitation is not None:
        return {"state": "expired", "label": _("Invitation expired")}
    return {"state": "none", "label": _("Not set up: asked at next sign-in")}


def _identity_key(keys: list[IdentityKey]) -> dict[str, Any]:
    now = timezone.now()
    for key in keys:
        if key.status == IdentityKey.Status.CERTIFIED and key.expires_at and key.expires_at > now:
            return {"state": "certified", "label": _("Certified until %(day)s") % {"day": f"{key.expires_at:%Y-%m-%d}"}}
    if any(k.status == IdentityKey.Status.PENDING for k in keys):
        return {"state": "pending", "label": _("Waiting for certification")}
    if keys:
        return {"state": "lapsed", "label": _("Revoked or expired")}
    return {"state": "none", "label": _("No key yet")}


def staff_rows() -> list[dict[str, Any]]:
    users = (
        User.objects.filter(groups__name__in=ROLES).distinct().order_by("-is_active", "username")
        .prefetch_related("groups", Prefetch("identity_keys", queryset=IdentityKey.objects.order_by("-created_at")))
    )
    profiles = {p.user_id: p for p in StaffProfile.objects.all()}
    devices = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    invitations = {i.user_id: i for i in StaffInvitation.objects.all()}
    rows = []
    for user in users:
        profile = profiles.get(user.pk) or StaffProfile(user=user)
        rows.append({
            "user": user,
            "role": staff_role_of_any(user),
            "profile": profile,
            "second_factor": _second_factor(user, devices, invitations),
            "identity_key": _identity_key(list(user.identity_keys.all())),
        })
    return rows


@never_cache
@require_http_methods(["GET"])
@staff_required(*READERS)
def people(request: HttpRequest) -> HttpResponse:
    context = {"rows": staff_rows(), "can_edit": can_edit(request), "section": "people"}
    return render(request, "helpline/manage/people.html", context)


def _link(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(enrolment_path(token))


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
@staff_required(*EDITORS)
def invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST or None)
    link = ""
    invited = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invited, token = do_invite_staff(
                actor=request.user,
                username=data["username"],
                role=data["role"],
                pseudonym=data["pseudonym"],
                languages=data["languages"],
                pathways=data["pathways"],
                chat_limit=data["chat_limit"],
            )
        except ValidationError as exc:
            for message in messages_of(exc):
                form.add_error(None, message)
        else:
            link = _link(request, token)
            form = InviteForm()
    context = {"form": form, "link": link, "invited": invited, "hours": INVITATION_HOURS, "section": "people"}
    return render(request, "helpline/manage/invite.html", context)


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
@staff_required(*READERS)
def person(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_staff_member(pk)
    profile = staff_profile(member)
    initial = {
        "role": staff_role_of_any(member),
        "pseudonym": profile.pseudonym,
        "languages": ", ".join(profile.language_codes),
        "pathways": ", ".join(profile.pathway_codes),
        "chat_limit": profile.chat_limit or settings.DEFAULT_CHAT_LIMIT,
    }
    editable = can_edit(request)
    if request.method == "POST" and not editable:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Managers read this page only.")
    form = ChangeStaffForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["role"] != initial["role"]:
                # Checked before the profile changes, so that a refused role change saves nothing.
                check_not_self(actor=request.user, user=member, what="change the role of")
            do_update_profile(
                actor=request.user, user=member, pseudonym=data["pseudonym"], languages=data["languages"],
                pathways=data["pathways"], chat_limit=data["chat_limit"], via="staff admin",
            )
            if data["role"] != initial["role"]:
                do_set_role(actor=request.user, user=member, role=data["role"], via="staff admin")
        except ValidationError as exc:
            for message in messages_of(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("Saved the changes to %(name)s.") % {"name": member.get_username()})
            return HttpResponseRedirect(reverse("manage-person", args=[member.pk]))
    rows = [row for row in staff_rows() if row["user"].pk == member.pk]
    context = {
        "member": member, "row": rows[0] if rows else None, "form": form, "can_edit": editable,
        "is_self": member.pk == request.user.pk, "hours": INVITATION_HOURS, "section": "people",
        "link": request.session.pop("manage-new-link", "") if editable else "",
    }
    return render(request, "helpline/manage/person.html", context)


def _back(member: User) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("manage-person", args=[member.pk]))


@never_cache
@csrf_protect
@require_POST
@staff_required(*EDITORS)
def reset_second_factor(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_staff_member(pk)
    do_reset_totp(actor=request.user, user=member, with_totp=False, via="staff admin")
    messages.success(
        request,
        _("%(name)s's authenticator was removed. They scan a new QR code at their next sign-in, after their password.")
        % {"name": member.get_username()},
    )
    return _back(member)


@never_cache
@csrf_protect
@require_POST
@staff_required(*EDITORS)
def renew_link(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_staff_member(pk)
    try:
        token = do_renew_invitation(actor=request.user, user=member)
    except ValidationError as exc:
        messages.error(request, " ".join(messages_of(exc)))
        return _back(member)
    # Shown once on the next page, then gone from the session.
    request.session["manage-new-link"] = _link(request, token)
    return _back(member)


@never_cache
@csrf_protect
@require_POST
@staff_required(*EDITORS)
def deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_staff_member(pk)
    try:
        do_deactivate_staff(actor=request.user, user=member, via="staff admin")
    except ValidationError as exc:
        messages.error(request, " ".join(messages_of(exc)))
    else:
        messages.success(request, _("%(name)s can no longer sign in.") % {"name": member.get_username()})
    return _back(member)


@never_cache
@csrf_protect
@require_POST
@staff_required(*EDITORS)
def reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_staff_member(pk)
    try:
        do_reactivate_staff(actor=request.user, user=member, via="staff admin")
    except ValidationError as exc:
        messages.error(request, " ".join(messages_of(exc)))
    else:
        messages.success(request, _("%(name)s can sign in again.") % {"name": member.get_username()})
    return _back(member)
