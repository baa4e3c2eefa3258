from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from resources.starter import do_load_starter_content


class Command(BaseCommand):
    help = (
        "Load the example self-help content (articles, a module, crisis contacts, landing pages) "
        "for the service's clinicians to review. Existing items are kept unless --update is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--update", action="store_true", help="Overwrite existing example items too.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = do_load_starter_content(update=options["update"])
        self.stdout.write(f"Starter content: {report}.")
