"""manage.py loadtest: measure a running deployment with real, encrypted chats.

    manage.py loadtest --url ws://127.0.0.1:8000 --pairs 100 --rate 1 --duration 30 --provision \
        [--counsellors 10] [--server-pid PID ...] [--json out.json]

Runs where the service's settings and database are reachable: `--provision` creates the
counsellors it needs (usernames starting `loadtest-`, signed in, with certified keys) and removes
them at the end; or `--counsellors-json FILE` takes the output of `python -m chat.loadtest.provision N`.
The chats it makes are real chats: they are counted in the service's aggregate counters like any
other (docs/PERFORMANCE.md). Method and fields: chat/loadtest/loadgen.py and docs/PERFORMANCE.md.
"""

from __future__ import annotations

import asyncio
import json
import resource
import secrets
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chat import e2ee
from chat.loadtest.loadgen import LoadConfig, format_report, run_load
from chat.loadtest.provision import (
    PREFIX,
    ProvisionedCounsellor,
    provision_counsellor,
    remove_provisioned,
    root_private_key,
)


def raise_open_files_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class Command(BaseCommand):
    help = "Load-test a running helpline with real encrypted chats (docs/PERFORMANCE.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", required=True, help="websocket base URL, e.g. ws://127.0.0.1:8000 (or "
                            "several, comma-separated, one per worker: sockets go to each in turn)")
        parser.add_argument("--pairs", type=int, required=True, help="number of chats (seeker + counsellor)")
        parser.add_argument("--counsellors", type=int, help="counsellor sockets (default: one per pair); the "
                            "server's DEFAULT_CHAT_LIMIT must allow pairs/counsellors chats each")
        parser.add_argument("--rate", type=float, default=1.0, help="messages per second per pair (default 1)")
        parser.add_argument("--duration", type=float, default=30.0, help="seconds of sending (default 30)")
        parser.add_argument("--provision", action="store_true", help="create (and afterwards remove) counsellors")
        parser.add_argument("--counsellors-json", help="counsellors from `python -m chat.loadtest.provision N`")
        parser.add_argument("--server-pid", type=int, action="append", default=[],
                            help="a server process id (repeatable): report its CPU and memory per connection")
        parser.add_argument("--json", dest="json_out", help="write the figures to this file")
        parser.add_argument("--drain", type=float, default=5.0, help="seconds to wait for late messages")
        parser.add_argument("--concurrency", type=int, default=50, help="connections opened at once")
        parser.add_argument("--no-spread", action="store_true",
                            help="do not spread seeker sockets over 127.0.x.y source addresses")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["pairs"] < 1 or options["rate"] < 0 or options["duration"] < 0:
            raise CommandError("--pairs must be at least 1; --rate and --duration must not be negative")
        raise_open_files_limit()
        wanted = options["counsellors"] or options["pairs"]
        provisioned = False
        prefix = PREFIX
        if options["counsellors_json"]:
            data = json.loads(Path(options["counsellors_json"]).read_text())
            counsellors = [ProvisionedCounsellor.from_json(c) for c in data["counsellors"]][:wanted]
            root_public: Any = e2ee.b64d(data["root_public"])
        elif options["provision"]:
            prefix = f"{PREFIX}{secrets.token_hex(3)}-"
            counsellors, root_public = self.provision(wanted, prefix=prefix)
            provisioned = True
        else:
            raise CommandError("give --provision or --counsellors-json")
        try:
            config = LoadConfig(
                url=options["url"], pairs=options["pairs"], rate=options["rate"],
                duration=options["duration"], connect_concurrency=options["concurrency"],
                drain_seconds=options["drain"], spread_addresses=not options["no_spread"],
                server_pids=tuple(options["server_pid"]), progress=not options["quiet"],
            )
            result = asyncio.run(run_load(config, counsellors=counsellors, root_public=root_public))
        finally:
            if provisioned:
                remove_provisioned(prefix)
        self.stdout.write(format_report(result))
        if options["json_out"]:
            Path(options["json_out"]).write_text(json.dumps(result, indent=2) + "\n")

    def provision(self, count: int, *, prefix: str) -> tuple[list[ProvisionedCounsellor], Any]:
        root = root_private_key()
        people = [
            provision_counsellor(f"{prefix}{i}", languages="en,de", chat_limit=10, root_private=root)
            for i in range(count)
        ]
        return people, root.public_key()
