"""Keys: pending certification requests (export for the offline ceremony, import of certificates),
certified and revoked keys with their expiry, and revocation. Administrators only."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chat.certificates import CertificateError, do_revoke
from chat.e2ee import format_fingerprint
from chat.key_ceremony import (
    EXPIRY_WARNING_DAYS,
    MAX_FILE_BYTES,
    certified_and_revoked,
    do_import_certificates,
    export_requests,
    pending_requests,
)
from chat.models import IdentityKey
from helpline.audit import do_audit
from helpline.staff.access import staff_required
from helpline.staff.manage.common import EDITORS
from helpline.staff.manage.forms import ImportCertificatesForm


def _page(
    request: HttpRequest, form: ImportCertificatesForm, *, status: int = 200, result: object = None
) -> HttpResponse:
    pending = [(key, format_fingerprint(key.fingerprint)) for key in pending_requests()]
    issued = [(key, format_fingerprint(key.fingerprint), soon) for key, soon in certified_and_revoked()]
    context = {
        "pending": pending, "issued": issued, "form": form, "result": result,
        "warning_days": EXPIRY_WARNING_DAYS, "now": timezone.now(), "section": "keys",
    }
    return render(request, "helpline/manage/keys.html", context, status=status)


@never_cache
@require_GET
@staff_required(*EDITORS)
def keys(request: HttpRequest) -> HttpResponse:
    return _page(request, ImportCertificatesForm())


@never_cache
@require_GET
@staff_required(*EDITORS)
def export(request: HttpRequest) -> HttpResponse:
    text = export_requests()
    count = len(pending_requests())
    do_audit(actor=request.user, action="identity_keys_exported", target="", detail={"pending": count})
    response = HttpResponse(text, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="certification-requests-{timezone.now():%Y%m%d-%H%M}.json"'
    return response


@never_cache
@csrf_protect
@require_http_methods(["POST"])
@staff_required(*EDITORS)
def import_certificates(request: HttpRequest) -> HttpResponse:
    form = ImportCertificatesForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form, status=400)
    upload = form.cleaned_data["certificates"]
    if upload.size > MAX_FILE_BYTES:
        form.add_error("certificates", _("This file is too large to be a certificates file."))
        return _page(request, form, status=400)
    try:
        result = do_import_certificates(actor=request.user, data=upload.read())  # type: ignore[arg-type]
    except CertificateError as exc:
        form.add_error("certificates", _("This file cannot be imported: %(reason)s.") % {"reason": exc})
        return _page(request, form, status=400)
    return _page(request, ImportCertificatesForm(), result=result)


@never_cache
@csrf_protect
@require_POST
@staff_required(*EDITORS)
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    key = IdentityKey.objects.filter(pk=pk).select_related("user").first()
    if key is None:
        raise Http404("No such key.")
    do_revoke(key=key, actor=request.user)  # type: ignore[arg-type]
    messages.success(
        request,
        _("Revoked the key of %(name)s. Help-seekers' browsers refuse it from now on.")
        % {"name": key.user.get_username()},
    )
    return HttpResponseRedirect(reverse("manage-keys"))
