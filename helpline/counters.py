"""The one entry point that changes aggregate counters.

Keeps: hourly totals per metric and per single dimension (helpline.models.Counter), forever.
Every increment is an atomic upsert, safe under any number of workers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from helpline.models import Counter

_TABLE = Counter._meta.db_table


def hour_bucket(moment: datetime | None = None) -> datetime:
    # Buckets are UTC hours: a local time would be stored with its offset, which SQLite compares
    # as text, and in zones with half-hour offsets it would not start on a UTC hour.
    moment = (moment or timezone.now()).astimezone(UTC)
    return moment.replace(minute=0, second=0, microsecond=0)


def dimension(name: str, value: object) -> str:
    text = f"{name}={value}"
    if len(text) > 96 or "\n" in text:
        raise ValueError("a counter dimension must be a short single-line name=value")
    return text


def do_count(
    metric: str,
    *,
    dims: Mapping[str, object] | None = None,
    n: int = 1,
    at: datetime | None = None,
    total: bool = True,
) -> None:
    """Add n to the metric's total for this hour and to each given dimension separately."""
    rows: list[str] = [""] if total else []
    rows.extend(dimension(name, value) for name, value in (dims or {}).items() if value not in (None, ""))
    do_count_rows(metric, rows, n=n, at=at)


def do_count_many(items: Iterable[tuple[Any, ...]], *, at: datetime | None = None) -> None:
    """Several counts in one transaction: one trip to the database for everything one event counts
    (a join, a claim, an ending; chat.tally declares them). Each item is `(metric, dims)` or
    `(metric, dims, n)`; a dimension whose value is a tuple counts each of its values under the
    same name (a wrap-up's referrals)."""
    bucket = hour_bucket(at)
    params: list[tuple[datetime, str, str, int]] = []
    for metric, dims, *more in items:
        n = int(more[0]) if more else 1
        params.extend((bucket, metric, dim, n) for dim in ["", *_dimension_rows(dims or {})])
    _upsert(params)


def _dimension_rows(dims: Mapping[str, object]) -> list[str]:
    rows: list[str] = []
    for name, value in dims.items():
        for one in value if isinstance(value, tuple) else (value,):
            if one not in (None, ""):
                rows.append(dimension(name, one))
    return rows


def do_count_rows(metric: str, dimensions: Iterable[str], *, n: int = 1, at: datetime | None = None) -> None:
    bucket = hour_bucket(at)
    _upsert([(bucket, metric, dim, n) for dim in dimensions])


def _upsert(params: list[tuple[datetime, str, str, int]]) -> None:
    if not params:
        return
    # The same SQL works on PostgreSQL and SQLite (3.24+): an insert that adds on conflict.
    sql = (
        f"INSERT INTO {_TABLE} (hour, metric, dimension, value) VALUES (%s, %s, %s, %s) "  # noqa: S608
        f"ON CONFLICT (hour, metric, dimension) DO UPDATE SET value = {_TABLE}.value + excluded.value"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, params)
