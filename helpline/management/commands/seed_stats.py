"""Write plausible synthetic hourly counters for demonstrations and benchmarks.

Keeps: only aggregate counter rows (helpline.models.Counter), like the live path does; the values
are invented from a simple model of demand by hour of week, opening hours and staffing. Counts are
added to whatever is there, so never run this against a real service's database.
"""

from __future__ import annotations

import math
import random
import sys
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from helpline import metrics as m
from helpline.models import Counter

PRIORITIES = {"normal": 0.76, "raised": 0.19, "crisis": 0.05}
PATHWAYS = {"self": 0.85, "concerned_other": 0.15}
LANGUAGES = {"en": 0.88, "de": 0.12}
CONCERNS = {"sexual_thoughts": 0.45, "illegal_images": 0.3, "wellbeing": 0.15, "relationships": 0.1}
PROTECTIVE = {"safety_plan": 0.4, "self_help_module": 0.35, "none_agreed": 0.25}
OUTCOMES = {"supported": 0.7, "referred": 0.2, "ended_early": 0.1}
REFERRALS = {"therapy": 0.3, "gp": 0.2, "none": 0.5}
RISKS = {"none": 0.85, "self_harm": 0.12, "child_at_risk": 0.03}
FEEDBACK = {"helpful": {"yes": 0.75, "partly": 0.18, "no": 0.07}, "recommend": {"yes": 0.8, "no": 0.2}}
SOURCES = {"search_warning": 0.55, "partner_site": 0.3, "leaflet": 0.15}
ARTICLES = {"first-steps": 0.35, "managing-urges": 0.3, "talking-to-someone": 0.2, "staying-safe-online": 0.15}
MODULES = {"understanding-thoughts": 0.6, "building-a-safety-plan": 0.4}
ENDED_BY = {"seeker": 0.55, "counsellor": 0.4, "timeout": 0.05}
WAIT_WEIGHTS = (0.3, 0.2, 0.18, 0.14, 0.09, 0.05, 0.025, 0.01, 0.005)
ABANDON_WEIGHTS = (0.1, 0.12, 0.15, 0.2, 0.18, 0.12, 0.08, 0.03, 0.02)
DURATION_WEIGHTS = (0.08, 0.14, 0.26, 0.22, 0.17, 0.08, 0.04, 0.01)

_SQL = (
    f"INSERT INTO {Counter._meta.db_table} (hour, metric, dimension, value) VALUES (%s, %s, %s, %s) "  # noqa: S608
    f"ON CONFLICT (hour, metric, dimension) DO UPDATE SET value = {Counter._meta.db_table}.value + excluded.value"
)


def poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, product, count = math.exp(-mean), rng.random(), 0
    while product > limit:
        product *= rng.random()
        count += 1
    return count


def split(rng: random.Random, n: int, shares: dict[str, float]) -> dict[str, int]:
    names = list(shares)
    result = dict.fromkeys(names, 0)
    for name in rng.choices(names, weights=list(shares.values()), k=n):
        result[name] += 1
    return result


def demand_mean(local: datetime) -> float:
    """Contacts per hour: busiest in the evening, quiet at night, a little lower at weekends."""
    hour = local.hour
    curve = 0.4 + 2.6 * math.exp(-((hour - 20) ** 2) / 18) + 1.2 * math.exp(-((hour - 13) ** 2) / 10)
    return 2.2 * curve * (0.8 if local.weekday() >= 5 else 1.0)


def counsellors_on(local: datetime) -> int:
    """Opening hours: weekdays 10:00-22:00 with more staff in the evening, Saturdays 12:00-18:00."""
    if local.weekday() < 5 and 10 <= local.hour < 22:
        return 3 if local.hour >= 17 else 2
    if local.weekday() == 5 and 12 <= local.hour < 18:
        return 2
    return 0


class Command(BaseCommand):
    help = "Write synthetic hourly counters for the last N days (demo and benchmark data only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=90)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--scale", type=float, default=1.0, help="multiply demand")

    def handle(self, *args: Any, days: int, seed: int, scale: float, **options: Any) -> None:
        if days < 1 or days > 5 * 366:
            raise CommandError("--days must be between 1 and 1830")
        tz = ZoneInfo(settings.SERVICE_TIME_ZONE)
        rng = random.Random(seed)
        end = timezone.now().replace(minute=0, second=0, microsecond=0)
        start = end - timedelta(days=days)
        rows_written = 0
        for day in range(days):
            params: list[tuple[datetime, str, str, int]] = []
            for hour in range(24):
                at = start + timedelta(days=day, hours=hour)
                params.extend(self.hour_rows(rng, at, at.astimezone(tz), scale))
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(_SQL, params)
            rows_written += len(params)
            self.progress(day + 1, days)
        # Fresh planner statistics, so that the statistics queries use the right plan at once.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Counter._meta.db_table}")
        self.stdout.write(f"\nWrote {rows_written} counter rows for {days} days.")

    def progress(self, done: int, total: int) -> None:
        width = 40
        filled = width * done // total
        line = f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} days"
        if sys.stdout.isatty() or done == total or done % max(1, total // 10) == 0:
            self.stdout.write(line, ending="")
            self.stdout.flush()

    def hour_rows(
        self, rng: random.Random, at: datetime, local: datetime, scale: float
    ) -> list[tuple[datetime, str, str, int]]:
        rows: list[tuple[datetime, str, str, int]] = []

        def add(metric: str, total: int, dims: dict[str, dict[str, int]] | None = None) -> None:
            if total <= 0:
                return
            rows.append((at, metric, "", total))
            for name, values in (dims or {}).items():
                rows.extend((at, metric, f"{name}={value}", n) for value, n in values.items() if n > 0)

        def hist(metric: str, n: int, bins: tuple[int, ...], weights: tuple[float, ...]) -> None:
            labels = m.bin_labels(bins)
            add(metric, n, {"bin": split(rng, n, dict(zip(labels, weights, strict=True)))})

        attempted = poisson(rng, demand_mean(local) * scale)
        staff = counsellors_on(local)
        slots = staff * 2
        if staff == 0:
            add(m.CONTACT_ATTEMPTED, attempted, {"when": {"closed": attempted}})
        else:
            # Each slot handles about 1.4 chats an hour; beyond about twice that, the queue is full.
            full = max(0, attempted - round(slots * 2.8))
            blocked = 1 if attempted and rng.random() < 0.01 else 0
            queued = max(0, attempted - full - blocked)
            answered = min(queued, poisson(rng, slots * 1.4))
            abandoned = queued - answered
            dropped = sum(1 for _ in range(answered) if rng.random() < 0.04)
            completed = answered - dropped
            add(m.CONTACT_ATTEMPTED, attempted, {"when": {"open": queued, "full": full, "blocked": blocked}})
            pri = split(rng, queued, PRIORITIES)
            add(m.CHAT_QUEUED, queued, {"priority": pri, "pathway": split(rng, queued, PATHWAYS),
                                        "language": split(rng, queued, LANGUAGES)})
            add(m.CHAT_ANSWERED, answered, {"priority": split(rng, answered, PRIORITIES),
                                            "pathway": split(rng, answered, PATHWAYS),
                                            "language": split(rng, answered, LANGUAGES)})
            add(m.CHAT_ABANDONED, abandoned, {"priority": split(rng, abandoned, PRIORITIES),
                                              "language": split(rng, abandoned, LANGUAGES)})
            add(m.CHAT_DROPPED, dropped, {"priority": split(rng, dropped, PRIORITIES)})
            add(m.CHAT_COMPLETED, completed, {"priority": split(rng, completed, PRIORITIES),
                                              "pathway": split(rng, completed, PATHWAYS),
                                              "language": split(rng, completed, LANGUAGES),
                                              "ended_by": split(rng, completed, ENDED_BY)})
            add(m.CRISIS_SHOWN, pri["crisis"], {"reason": split(rng, pri["crisis"], {"self_harm": 0.7,
                                                                                    "child_at_risk": 0.3})})
            hist(m.WAIT_SECONDS, answered, m.WAIT_BINS, WAIT_WEIGHTS)
            hist(m.ABANDON_WAIT_SECONDS, abandoned, m.WAIT_BINS, ABANDON_WEIGHTS)
            hist(m.CHAT_DURATION_SECONDS, completed, m.DURATION_BINS, DURATION_WEIGHTS)
            add(m.WRAPUP_FILED, completed, {"concern": split(rng, completed, CONCERNS),
                                            "protective_action": split(rng, completed, PROTECTIVE),
                                            "outcome": split(rng, completed, OUTCOMES),
                                            "referral": split(rng, completed, REFERRALS),
                                            "risk": split(rng, completed, RISKS)})
            given = sum(1 for _ in range(completed) if rng.random() < 0.3)
            add(m.FEEDBACK_GIVEN, given, {q: split(rng, given, options) for q, options in FEEDBACK.items()})
            add(m.CAPACITY_COUNSELLOR_MINUTES, staff * 60)
            add(m.CAPACITY_SLOT_MINUTES, slots * 60)
            add(m.LOAD_CHAT_MINUTES, min(slots * 60, answered * 35))
        visits = poisson(rng, 3.0 * scale * (1.2 if 18 <= local.hour <= 23 else 0.7))
        add(m.LANDING_VISIT, visits, {"source": split(rng, visits, SOURCES)})
        from_landing = sum(1 for _ in range(visits) if rng.random() < 0.08)
        add(m.LANDING_CHAT_STARTED, from_landing, {"source": split(rng, from_landing, SOURCES)})
        views = poisson(rng, 4.0 * scale)
        add(m.ARTICLE_VIEW, views, {"article": split(rng, views, ARTICLES)})
        steps = poisson(rng, 1.2 * scale)
        add(m.MODULE_STEP_COMPLETED, steps, {"module": split(rng, steps, MODULES)})
        finished = sum(1 for _ in range(steps) if rng.random() < 0.25)
        add(m.MODULE_COMPLETED, finished, {"module": split(rng, finished, MODULES)})
        add(m.SELF_ASSESSMENT_VIEW, poisson(rng, 0.6 * scale))
        return rows
