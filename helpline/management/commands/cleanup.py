"""manage.py cleanup: delete what the service keeps longer than it promised to.

Retention rules:
- Staff audit events (helpline.models.AuditEvent) are kept for settings.AUDIT_RETENTION_DAYS days
  (default 365) and then deleted: every event whose time is older than now minus that many days.
- Enrolment links (helpline.models.StaffInvitation) are deleted once they expire (48 hours).
- Expired staff sessions are deleted (Django's clearsessions): a session is expired once it has seen
  no request for STAFF_IDLE_MINUTES.
- Secure-message mailboxes (chat.mailbox) without activity for settings.MAILBOX_RETENTION_DAYS days
  (default 30) are deleted with every thread and message in them (chat.mailbox.services).

Run it daily (a systemd timer or cron). It is idempotent.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from helpline.models import AuditEvent


def do_delete_old_audit_events(*, now: datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    with transaction.atomic():
        deleted, _ = AuditEvent.objects.filter(at__lt=cutoff).delete()
    return deleted


class Command(BaseCommand):
    help = "Delete audit events older than AUDIT_RETENTION_DAYS, expired staff sessions and idle mailboxes."

    def handle(self, *args: Any, **options: Any) -> None:
        from chat.mailbox.services import do_expire_mailboxes
        from helpline.staff.invitations import delete_expired_invitations

        deleted = do_delete_old_audit_events()
        links = delete_expired_invitations()
        call_command("clearsessions")
        mailboxes = do_expire_mailboxes()
        self.stdout.write(
            f"Deleted {deleted} audit event(s) older than {settings.AUDIT_RETENTION_DAYS} days, "
            f"{links} expired enrolment link(s), and expired sessions."
        )
        self.stdout.write(
            f"Deleted {mailboxes} mailbox(es) without activity for {settings.MAILBOX_RETENTION_DAYS} days."
        )
