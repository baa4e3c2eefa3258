"""The aggregate counters of secure messages, spelled once (writers: chat/mailbox/services.py;
reader: the manager dashboard, helpline/stats).

Every count goes into the day's first hour bucket (UTC midnight): secure messages are counted by
day only. No row describes one mailbox: each counter row is a total for a day and at most one
dimension, as for chats (helpline/counters.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from helpline.counters import dimension, do_count_many, do_count_rows
from helpline.metrics import WRAPUP_FILED
from helpline.wrapup import Wrapup

CREATED = "mailbox.created"  # [language]
MESSAGE_RECEIVED = "mailbox.message_received"
REPLY_SENT = "mailbox.reply_sent"
THREAD_ANSWERED = "mailbox.thread_answered"  # [first_reply: bin of hours]
DELETED = "mailbox.deleted"  # deleted by their owner
EXPIRED = "mailbox.expired"  # deleted after MAILBOX_RETENTION_DAYS without activity
METRICS = (CREATED, MESSAGE_RECEIVED, REPLY_SENT, THREAD_ANSWERED, DELETED, EXPIRED)

# Time to the first reply of a thread, in hours: under 4 hours, the same day, one, two, three days...
FIRST_REPLY_BINS = ((4, "0-4h"), (24, "4-24h"), (48, "1-2d"), (72, "2-3d"), (168, "3-7d"))
FIRST_REPLY_LABELS = (*(label for _, label in FIRST_REPLY_BINS), "7d+")


def first_reply_bin(hours: float) -> str:
    for limit, label in FIRST_REPLY_BINS:
        if hours < limit:
            return label
    return "7d+"


def day_bucket(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def count_many(items: Iterable[tuple[str, Mapping[str, object] | None]], *, day: dt.date) -> None:
    do_count_many(list(items), at=day_bucket(day))


def count_n(metric: str, n: int, *, day: dt.date) -> None:
    do_count_rows(metric, [""], n=n, at=day_bucket(day))


def count_wrapup(wrapup: Wrapup, *, day: dt.date) -> None:
    """The same rows a chat's wrap-up counts (chat.live.do_wrapup), and channel=mailbox."""
    rows = [
        "",
        dimension("channel", "mailbox"),
        dimension("concern", wrapup.concern),
        dimension("protective_action", "yes" if wrapup.protective_action else "no"),
        dimension("outcome", wrapup.outcome),
        *(dimension("referral", code) for code in wrapup.referrals),
        *(dimension("risk", code) for code in wrapup.risk),
    ]
    do_count_rows(WRAPUP_FILED, rows, at=day_bucket(day))
