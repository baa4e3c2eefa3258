"""Run Daphne the only way this service is run: without an access log.

Daphne writes an access log with every client's address to stdout unless its verbosity is 0, so
every way of starting the service (make run, systemd, Docker, the tests) goes through here:

    python -m helpline.serve --bind 127.0.0.1 --port 8000 [other daphne options]

It refuses --access-log and -v/--verbosity, and always serves helpline.asgi:application.
"""

from __future__ import annotations

import sys

from daphne.cli import CommandLineInterface

REFUSED = ("--access-log", "-v", "--verbosity")
APPLICATION = "helpline.asgi:application"


def daphne_arguments(argv: list[str]) -> list[str]:
    for arg in argv:
        if arg.split("=", 1)[0] in REFUSED:
            raise SystemExit(f"helpline.serve: {arg} is refused: the service never writes an access log")
    args = [arg for arg in argv if arg != APPLICATION]
    return ["--verbosity", "0", *args, APPLICATION]


def main(argv: list[str] | None = None) -> None:
    CommandLineInterface().run(daphne_arguments(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    main()
