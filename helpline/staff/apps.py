from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender: AppConfig, *, using: str = "default", verbosity: int = 1, **kwargs: Any) -> None:
    from django.contrib.auth.management import create_permissions

    from helpline.staff.accounts import do_sync_role_permissions

    # This receiver may run before django.contrib.auth's own for the same app (the admin app is
    # listed before auth), so make sure the app's permissions exist first. It is idempotent.
    create_permissions(sender, verbosity=0, interactive=False, using=using)
    do_sync_role_permissions()


class HelplineAdminConfig(AdminConfig):
    """django.contrib.admin with the staff admin site (second factor, admin role, audited changes).

    It also keeps the role groups' permissions in step after every `migrate` (see
    helpline.staff.accounts.do_sync_role_permissions).
    """

    default_site = "helpline.staff.admin_site.HelplineAdminSite"

    def ready(self) -> None:
        super().ready()
        post_migrate.connect(_sync_roles, dispatch_uid="helpline.staff.sync_roles")
