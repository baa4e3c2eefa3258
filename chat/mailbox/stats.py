"""Secure messages on the manager dashboard: totals for the dashboard's date range, with the same
suppression as every other count (helpline.stats.suppression).

Reads the aggregate counters only (chat/mailbox/metrics.py); `mailbox_report` is pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Sum

from chat.mailbox import metrics
from helpline.models import Counter
from helpline.stats.aggregate import Query
from helpline.stats.suppression import Published, protect_line, suppress_small_counts

LABELS = {
    metrics.CREATED: "Mailboxes opened",
    metrics.MESSAGE_RECEIVED: "Messages received",
    metrics.REPLY_SENT: "Replies sent",
    metrics.THREAD_ANSWERED: "Threads answered",
    metrics.DELETED: "Mailboxes deleted by their owners",
    metrics.EXPIRED: "Mailboxes expired",
}


@dataclass(frozen=True)
class MailboxReport:
    totals: list[tuple[str, Published]]
    first_reply: list[tuple[str, Published]]
    first_reply_total: Published


def fetch_mailbox_sums(query: Query) -> tuple[dict[str, int], dict[str, int]]:
    """Totals per metric, and threads answered per time-to-first-reply bin, in the range."""
    start, end = query.utc_range()
    rows = Counter.objects.filter(hour__gte=start, hour__lt=end, metric__in=metrics.METRICS)
    totals = {metric: int(value or 0) for metric, value in
              rows.filter(dimension="").values_list("metric").annotate(value=Sum("value"))}
    bins = {dim.split("=", 1)[1]: int(value or 0) for dim, value in
            rows.filter(metric=metrics.THREAD_ANSWERED, dimension__startswith="first_reply=")
            .values_list("dimension").annotate(value=Sum("value"))}
    return totals, bins


def mailbox_report(totals: Mapping[str, int], bins: Mapping[str, int], *, k: int) -> MailboxReport:
    """Each total on its own (no total of totals is published), and the time to a first reply as a
    line pinned to the number of threads answered, which is published above it."""
    values = [totals.get(metric, 0) for metric in LABELS]
    published = suppress_small_counts(values, k=k)
    answered = totals.get(metrics.THREAD_ANSWERED, 0)
    line = protect_line([bins.get(label, 0) for label in metrics.FIRST_REPLY_LABELS], k=k,
                        total=max(answered, sum(bins.values())))
    return MailboxReport(
        totals=list(zip(LABELS.values(), published, strict=True)),
        first_reply=list(zip(metrics.FIRST_REPLY_LABELS, line.cells, strict=True)),
        first_reply_total=line.total,
    )


def report_for(query: Query, *, k: int) -> MailboxReport:
    totals, bins = fetch_mailbox_sums(query)
    return mailbox_report(totals, bins, k=k)
