"""`manage.py flush_impressions`: move the impressions counted in the live store to the counters now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from resources.platforms.tally import flush_now


class Command(BaseCommand):
    help = "Flush the warning component's impressions from the live store to the hourly counters."

    def handle(self, *args: Any, **options: Any) -> None:
        moved = flush_now()
        self.stdout.write(f"{moved} impressions flushed")
