"""Benchmark: how long the manager dashboard takes over a year of hourly counters.

    python -m helpline.stats.bench                      # a throw-away SQLite database
    python -m helpline.stats.bench --postgres postgres://postgres@127.0.0.1:5432/postgres

Builds a fresh database (a temporary SQLite file, or a new PostgreSQL database that is dropped
afterwards), fills it with `seed_stats --days N`, then renders the dashboard and the exports as a
verified manager and prints the timings. It never touches the database in DATABASE_URL.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path


def _timings(fn: object, repeat: int) -> list[float]:
    results = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()  # type: ignore[operator]
        results.append((time.perf_counter() - began) * 1000)
    return results


def _line(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return f"{name:<38} median {statistics.median(values):7.1f} ms   p90 {p90:7.1f} ms   min {ordered[0]:7.1f} ms"


def run(days: int, repeat: int) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    from datetime import timedelta

    from django.contrib.auth.models import Group, User
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from helpline.models import Counter

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    began = time.perf_counter()
    call_command("seed_stats", days=days, stdout=open(os.devnull, "w"))
    seeded = time.perf_counter() - began
    print(f"database: {connection.vendor}; seeded {Counter.objects.count():,} counter rows for {days} days "
          f"in {seeded:.1f} s")

    user = User.objects.create_user("bench-manager", password=uuid.uuid4().hex)
    user.groups.add(Group.objects.get_or_create(name="manager")[0])
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()

    today = timezone.now().date()
    year = f"start={(today - timedelta(days=days - 1)).isoformat()}&end={today.isoformat()}"
    month = f"start={(today - timedelta(days=30)).isoformat()}&end={today.isoformat()}"
    cases = [
        ("dashboard, year by week", f"/manage/stats/?{year}&by=week"),
        ("dashboard, year by day", f"/manage/stats/?{year}&by=day"),
        ("dashboard, year by month", f"/manage/stats/?{year}&by=month"),
        ("dashboard, year by day, priority", f"/manage/stats/?{year}&by=day&priority=crisis"),
        ("dashboard, 31 days by hour", f"/manage/stats/?{month}&by=hour"),
        ("export.csv, year by day", f"/manage/stats/export.csv?{year}&by=day"),
        ("export.json, year by day", f"/manage/stats/export.json?{year}&by=day"),
    ]
    for name, url in cases:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        print(_line(name, _timings(lambda url=url: client.get(url), repeat)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--postgres", default="", help="URL of a PostgreSQL server database to create a new one from")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpline.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-" + uuid.uuid4().hex * 2)
    scratch = tempfile.mkdtemp(prefix="helpline-stats-bench-")
    os.environ["HELPLINE_VAR_DIR"] = scratch
    os.environ["STATIC_ROOT"] = str(Path(scratch) / "static")
    os.environ.pop("REDIS_URL", None)
    if not args.postgres:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(scratch) / 'bench.sqlite3'}"
        run(args.days, args.repeat)
        return

    import psycopg

    base, _, _ = args.postgres.rpartition("/")
    name = f"helpline_stats_bench_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(args.postgres, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        os.environ["DATABASE_URL"] = f"{base}/{name}"
        run(args.days, args.repeat)
    finally:
        from django.db import connections

        connections.close_all()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


if __name__ == "__main__":
    main(sys.argv[1:])
