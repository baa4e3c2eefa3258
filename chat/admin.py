"""Admin pages of the chat app: counsellor identity keys.

Keys are requested by counsellors' browsers and certified with the root key through
`manage.py orgkey certify`. Where the root private key is configured on the server (demo mode keeps
one in VAR_DIR), an administrator can also certify pending keys here. Revoking works everywhere.
Both go through chat.certificates, which audits them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from chat.certificates import CertificateError, do_certify, do_revoke, server_root_private_key
from chat.models import IdentityKey


@admin.register(IdentityKey)
class IdentityKeyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "pseudonym", "short_fingerprint", "status", "created_at", "expires_at")
    list_filter = ("status",)
    search_fields = ("user__username", "fingerprint", "pseudonym")
    actions = ("certify_with_server_root_key", "revoke_keys")
    readonly_fields = (
        "user", "public_key", "fingerprint", "pseudonym", "status", "serial", "created_at", "issued_at",
        "expires_at", "revoked_at",
    )
    exclude = ("certificate", "signature")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # keys come from counsellors' browsers only

    @admin.display(description="fingerprint")
    def short_fingerprint(self, key: IdentityKey) -> str:
        return " ".join(key.fingerprint[i : i + 4] for i in range(0, 16, 4)) + " …"

    @admin.action(description="Certify the selected pending keys with the root key held on this server")
    def certify_with_server_root_key(self, request: HttpRequest, queryset: QuerySet[IdentityKey]) -> None:
        try:
            root = server_root_private_key()
        except CertificateError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        if root is None:
            self.message_user(
                request,
                "This server does not hold the root private key. Certify with `manage.py orgkey certify` "
                "where the key is kept.",
                messages.ERROR,
            )
            return
        done = 0
        for key in queryset.filter(status=IdentityKey.Status.PENDING):
            try:
                do_certify(key=key, root_private=root, actor=request.user)  # type: ignore[arg-type]
            except CertificateError as exc:
                self.message_user(request, f"{key}: {exc}", messages.ERROR)
                continue
            done += 1
        self.message_user(request, f"{done} key(s) certified.", messages.SUCCESS if done else messages.WARNING)

    @admin.action(description="Revoke the selected keys")
    def revoke_keys(self, request: HttpRequest, queryset: QuerySet[IdentityKey]) -> None:
        count = 0
        for key in queryset.exclude(status=IdentityKey.Status.REVOKED):
            do_revoke(key=key, actor=request.user)  # type: ignore[arg-type]
            count += 1
        self.message_user(request, f"{count} key(s) revoked.", messages.SUCCESS)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoked rows must stay for the revocation list

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # revoked rows must stay for the revocation list
        return actions
