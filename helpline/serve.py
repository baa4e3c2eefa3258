"""Run Daphne the only way this service is run: without an access log.

Daphne writes an access log with every client's address to stdout unless its verbosity is 0, so
every way of starting the service (make run, systemd, Docker, the tests) goes through here:

    python -m helpline.serve --bind 127.0.0.1 --port 8000 [other daphne options]

It refuses --access-log and -v/--verbosity, and always serves helpline.asgi:application.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from daphne.cli import CommandLineInterface

from chat import bus

REFUSED = ("--access-log", "-v", "--verbosity")
APPLICATION = "helpline.asgi:application"


def daphne_arguments(argv: list[str]) -> list[str]:
    for arg in argv:
        if arg.split("=", 1)[0] in REFUSED:
            raise SystemExit(f"helpline.serve: {arg} is refused: the service never writes an access log")
    args = [arg for arg in argv if arg != APPLICATION]
    return ["--verbosity", "0", *args, APPLICATION]


# How long a stopping worker waits for the bookkeeping it started after replies (chat.bus.after_reply:
# the counters and audit of a claim), so that a restart does not lose it.
SETTLE_SECONDS = 5.0


def settle_on_shutdown() -> Any:
    """Twisted "before shutdown" trigger: a Deferred that fires once chat.bus has written what was
    started after replies (or after SETTLE_SECONDS), so SIGTERM loses no counter or audit row."""
    from twisted.internet import defer

    future = asyncio.ensure_future(asyncio.wait_for(bus.settle(), SETTLE_SECONDS))
    return defer.Deferred.fromFuture(future).addErrback(lambda failure: None)


def main(argv: list[str] | None = None) -> None:
    from twisted.internet import reactor  # Daphne has installed its asyncio reactor by now

    reactor.addSystemEventTrigger("before", "shutdown", settle_on_shutdown)  # type: ignore[attr-defined,arg-type]
    CommandLineInterface().run(daphne_arguments(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    main()
