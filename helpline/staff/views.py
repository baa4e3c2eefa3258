"""Staff sign-in, enrolment, sign-out, the role-based home and the audit log (the workspace and
supervisor pages are in helpline.staff.workspace_views).

Thin views: each checks access, calls one function from helpline.staff.signin or .accounts, and
renders. Sign-in, code and enrolment POSTs are rate-limited per keyed address hash
(helpline.addresses) and per account; a limited attempt gets the calm 429 page.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited
from django_ratelimit.exceptions import Ratelimited

from helpline import views as helpline_views
from helpline.addresses import ratelimit_key
from helpline.staff.access import is_verified, staff_required, staff_role
from helpline.staff.accounts import check_new_password, totp_secret
from helpline.staff.forms import CodeForm, SignInForm
from helpline.staff.qr import qr_svg
from helpline.staff.rules import ADMIN, FLOOR_ROLES, MANAGER, STATISTICS_URL, grouped_secret
from helpline.staff.signin import (
    check_code,
    confirmed_device,
    do_confirm_enrolment,
    do_password_step,
    do_record_failed_attempt,
    do_second_factor_step,
    do_sign_out,
    enrolment_device,
)


def _address_rate(group: str, request: HttpRequest) -> str:
    return str(settings.STAFF_SIGNIN_RATE)


def _account_rate(group: str, request: HttpRequest) -> str:
    return str(settings.STAFF_SIGNIN_ACCOUNT_RATE)


def _limited(request: HttpRequest, *, group: str, account: str) -> bool:
    """Count this attempt against the address (keyed hash) and the account; True if either is over."""
    by_address = is_ratelimited(
        request, group=group, key=ratelimit_key, rate=_address_rate, method="POST", increment=True
    )
    by_account = is_ratelimited(
        request,
        group=f"{group}-account",
        key=lambda _group, _request: account.strip().lower(),
        rate=_account_rate,
        method="POST",
        increment=True,
    )
    return bool(by_address or by_account)


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _redirect(url_name: str, next_url: str) -> HttpResponseRedirect:
    url = reverse(url_name)
    return HttpResponseRedirect(f"{url}?{urlencode({'next': next_url})}" if next_url else url)


def _done(next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(next_url or reverse("staff-home"))


@never_cache
@csrf_protect
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    if is_verified(request.user):
        return _done(next_url)
    form = SignInForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST":
        username = request.POST.get("username", "")[:150]
        if _limited(request, group="staff-sign-in", account=username):
            return helpline_views.ratelimited(request, Ratelimited())
        if form.is_valid():
            user = form.get_user()
            do_password_step(request, user=user)
            return _redirect("staff-otp" if confirmed_device(user) else "staff-enrol", next_url)
        do_record_failed_attempt(username=username, stage="password")
    return render(request, "helpline/staff/sign_in.html", {"form": form, "next": next_url})


@never_cache
@csrf_protect
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    user = request.user
    if not user.is_authenticated:
        return _redirect("staff-login", next_url)
    if is_verified(user):
        return _done(next_url)
    device = confirmed_device(user)  # type: ignore[arg-type]
    if device is None:
        return _redirect("staff-enrol", next_url)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if _limited(request, group="staff-code", account=f"user:{user.pk}"):
            return helpline_views.ratelimited(request, Ratelimited())
        if form.is_valid():
            if check_code(user, device, form.cleaned_data["code"]):  # type: ignore[arg-type]
                do_second_factor_step(request, device=device)
                return _done(next_url)
            form.add_error(
                "code",
                _("That code did not work. Codes change every 30 seconds: please wait for a new one and try again."),
            )
        do_record_failed_attempt(username=user.get_username(), stage="code")
    return render(request, "helpline/staff/second_factor.html", {"form": form, "next": next_url})


@never_cache
@csrf_protect
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in of an account without an authenticator: show the QR code, confirm with a code."""
    next_url = _next_url(request)
    user = request.user
    if not user.is_authenticated:
        return _redirect("staff-login", next_url)
    if is_verified(user):
        return _done(next_url)
    # Replacing a confirmed authenticator needs an administrator (createstaff --reset-totp), so
    # that a stolen password alone can never register a new second factor.
    if confirmed_device(user) is not None:  # type: ignore[arg-type]
        return _redirect("staff-otp", next_url)
    device = enrolment_device(user)  # type: ignore[arg-type]
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if _limited(request, group="staff-enrol", account=f"user:{user.pk}"):
            return helpline_views.ratelimited(request, Ratelimited())
        if form.is_valid():
            if check_code(user, device, form.cleaned_data["code"]):  # type: ignore[arg-type]
                do_confirm_enrolment(request, device=device)
                return _done(next_url)
            form.add_error(
                "code",
                _(
                    "That code did not work. Please check that the app shows this account, wait for a new code "
                    "and try again."
                ),
            )
        do_record_failed_attempt(username=user.get_username(), stage="enrolment")
    secret = totp_secret(device)
    context = {
        "form": form,
        "next": next_url,
        "qr": qr_svg(secret.uri, label=_("QR code to add this account to your authenticator app")),
        "secret": grouped_secret(secret.secret),
    }
    return render(request, "helpline/staff/enrol.html", context)


@never_cache
@csrf_protect
@sensitive_post_parameters("password", "password_again", "code")
@require_http_methods(["GET", "POST"])
def enrol_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time link from an invitation: choose a password, scan the QR code, confirm with a code."""
    from helpline.staff.invitations import check_invitation, do_accept_invitation, invitation_device
    from helpline.staff.manage.forms import EnrolByLinkForm

    invitation = check_invitation(token)
    if invitation is None:
        return render(request, "helpline/staff/link_expired.html", status=404)
    user = invitation.user
    device = invitation_device(invitation)
    form = EnrolByLinkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if _limited(request, group="staff-enrol-link", account=f"user:{user.pk}"):
            return helpline_views.ratelimited(request, Ratelimited())
        if form.is_valid():
            try:
                check_new_password(form.cleaned_data["password"], username=user.get_username())
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error("password", message)
            else:
                if check_code(user, device, form.cleaned_data["code"]):
                    do_accept_invitation(invitation=invitation, password=form.cleaned_data["password"], device=device)
                    if request.user.is_authenticated:
                        do_sign_out(request)
                    do_password_step(request, user=user)
                    do_second_factor_step(request, device=device)
                    return _done("")
                form.add_error(
                    "code",
                    _(
                        "That code did not work. Please check that the app shows this account, wait for a new code "
                        "and try again."
                    ),
                )
        do_record_failed_attempt(username=user.get_username(), stage="enrolment link")
    secret = totp_secret(device)
    context = {
        "form": form,
        "member": user,
        "token": token,
        "qr": qr_svg(secret.uri, label=_("QR code to add this account to your authenticator app")),
        "secret": grouped_secret(secret.secret),
    }
    return render(request, "helpline/staff/enrol_link.html", context)


@never_cache
@csrf_protect
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    do_sign_out(request)
    messages.info(request, _("You have signed out."))
    return HttpResponseRedirect(reverse("staff-login"))


@never_cache
@require_GET
@staff_required()
def home(request: HttpRequest) -> HttpResponse:
    role = staff_role(request.user)
    if role == ADMIN:
        return HttpResponseRedirect(reverse("manage-home"))
    if role == MANAGER:
        return HttpResponseRedirect(STATISTICS_URL)
    assert role in FLOOR_ROLES
    return HttpResponseRedirect(reverse("staff-workspace"))
