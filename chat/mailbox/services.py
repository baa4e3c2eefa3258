"""Every state change of secure messages: one `do_*` per change, each in one transaction, each
counting itself in the aggregate counters (chat/mailbox/metrics.py).

Keeps: mailboxes, threads and messages as described in chat/mailbox/models.py; the hour a thread
was opened, in the cache (Redis) under the thread's number until its first reply or the retention
period, to count the time to a first reply in hours. Nothing is logged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from chat import e2ee
from chat.certificates import certified_key_for, revocation_list
from chat.mailbox import metrics, schemas
from chat.mailbox.crypto import inbox_key_statement
from chat.mailbox.models import InboxKey, Mailbox, Message, Thread
from chat.mailbox.schemas import IncomingMessage, MailboxError, NewMailbox
from chat.models import IdentityKey
from helpline.audit import do_audit
from helpline.wrapup import Wrapup

_OPENED_KEY = "mailbox:opened:{}"


def today() -> dt.date:
    return timezone.now().astimezone(dt.UTC).date()


def expiry_cutoff(now_day: dt.date | None = None) -> dt.date:
    """Mailboxes whose last activity is before this day are past retention."""
    return (now_day or today()) - dt.timedelta(days=settings.MAILBOX_RETENTION_DAYS)


def fingerprint_of(point: bytes) -> str:
    return hashlib.sha256(point).hexdigest()


# --- recipients ---------------------------------------------------------------------------------


def _current_inbox_keys(now: dt.datetime | None = None) -> Iterable[InboxKey]:
    moment = now or timezone.now()
    return (
        InboxKey.objects.select_related("identity")
        .filter(identity__status=IdentityKey.Status.CERTIFIED, identity__expires_at__gt=moment,
                identity__user__is_active=True)
        .order_by("id")
    )


def recipients() -> dict[str, Any]:
    """recipients.json: every current counsellor inbox key with what a browser needs to check it
    (the certificate, its root signature, the identity key's signature over the inbox key), and
    the revocation list. The browser trusts none of it without those checks."""
    entries = [
        {
            "cert": e2ee.b64e(bytes(key.identity.certificate or b"")),
            "sig_cert": e2ee.b64e(bytes(key.identity.signature or b"")),
            "key": e2ee.b64e(bytes(key.public_key)),
            "key_sig": e2ee.b64e(bytes(key.signature)),
        }
        for key in _current_inbox_keys()
    ]
    return {"recipients": entries, "revoked": revocation_list()}


def counsellor_fingerprints() -> set[str]:
    return {key.fingerprint for key in _current_inbox_keys()}


def do_register_inbox_key(*, user: User, public_key: str, signature: str) -> InboxKey:
    """Record the inbox key of the user's current certified identity key, after checking that the
    identity key signed it (the same check every seeker's browser makes)."""
    identity = certified_key_for(user)
    if identity is None:
        raise MailboxError("no_key", "your identity key is not certified yet")
    try:
        point = e2ee.b64d(public_key, exact=e2ee.POINT_BYTES, what="public_key")
        e2ee.load_point(point, what="inbox key")
        sig = e2ee.b64d(signature, exact=e2ee.SIGNATURE_BYTES, what="signature")
    except e2ee.ProtocolError as exc:
        raise MailboxError("bad_request", exc.message) from exc
    identity_point = e2ee.b64d(identity.public_key, exact=e2ee.POINT_BYTES)
    if not e2ee.verify(e2ee.load_point(identity_point), sig, inbox_key_statement(point, identity_point)):
        raise MailboxError("wrong_keys", "the inbox key is not signed by your certified identity key")
    with transaction.atomic():
        InboxKey.objects.filter(fingerprint=fingerprint_of(point)).exclude(identity=identity).delete()
        key, _ = InboxKey.objects.update_or_create(
            identity=identity,
            defaults={"public_key": point, "fingerprint": fingerprint_of(point), "signature": sig},
        )
    return key


# --- the seeker's side --------------------------------------------------------------------------


def _message_row(mailbox: Mailbox, thread: Thread, direction: int, message: IncomingMessage, day: dt.date) -> Message:
    return Message(
        mailbox=mailbox, thread=thread, direction=direction, seq=message.seq, day=day, eph=message.eph,
        nonce=message.nonce, ct=message.ct, wraps=message.wraps, cert=message.cert, sig_cert=message.sig_cert,
        sig=message.sig,
    )


def _remember_opened(thread: Thread) -> None:
    timeout = settings.MAILBOX_RETENTION_DAYS * 86400
    transaction.on_commit(lambda: cache.set(_OPENED_KEY.format(thread.pk), int(time.time()), timeout=timeout))


def do_create_mailbox(*, new: NewMailbox) -> Mailbox:
    """A mailbox, its first thread and its first message, at once; refused with `exists` if the
    lookup identifier is taken, `wrong_keys` unless wrapped for its own key and current counsellors."""
    schemas.check_sequence(seq=new.message.seq, last=0)
    schemas.check_wraps(
        new.message.wraps, mailbox_fingerprint=fingerprint_of(new.public_key),
        counsellor_fingerprints=counsellor_fingerprints(),
    )
    day = today()
    with transaction.atomic():
        if Mailbox.objects.filter(lookup_hash=new.lookup_hash).exists():
            raise MailboxError("exists")
        mailbox = Mailbox.objects.create(
            lookup_hash=new.lookup_hash, public_key=new.public_key, wrapped_private=new.wrapped_private,
            created_day=day, active_day=day, seeker_seq=1,
        )
        thread = Thread.objects.create(mailbox=mailbox, priority=new.priority, opened_day=day, waiting_since=day)
        _message_row(mailbox, thread, Message.Direction.FROM_SEEKER, new.message, day).save()
        metrics.count_many([(metrics.CREATED, {"language": new.language}), (metrics.MESSAGE_RECEIVED, None)], day=day)
        _remember_opened(thread)
    return mailbox


def get_mailbox_for_seeker(lookup_hash: str) -> Mailbox | None:
    """The mailbox with this lookup hash, or None if there is none. One past retention is deleted
    here and now (the daily cleanup would have), and answers as if it never existed."""
    mailbox = Mailbox.objects.filter(lookup_hash=lookup_hash).first()
    if mailbox is not None and mailbox.active_day < expiry_cutoff():
        do_expire_mailboxes()
        return None
    return mailbox


def _continuity_counsellor(mailbox: Mailbox) -> User | None:
    """The counsellor who answered last, if they are still active (signed in within
    MAILBOX_CONTINUITY_DAYS); otherwise None, and the thread goes to the shared inbox."""
    user = mailbox.last_counsellor
    if user is None or not user.is_active or user.last_login is None:
        return None
    if user.last_login < timezone.now() - dt.timedelta(days=settings.MAILBOX_CONTINUITY_DAYS):
        return None
    return user


def do_seeker_send(*, mailbox: Mailbox, message: IncomingMessage) -> Message:
    """A returning seeker's message: into the open thread, or a new one that goes back to the
    counsellor who answered before while they are active."""
    schemas.check_wraps(
        message.wraps, mailbox_fingerprint=fingerprint_of(bytes(mailbox.public_key)),
        counsellor_fingerprints=counsellor_fingerprints(),
    )
    day = today()
    with transaction.atomic():
        locked = Mailbox.objects.select_for_update().filter(pk=mailbox.pk).first()
        if locked is None:
            raise MailboxError("expired")
        schemas.check_sequence(seq=message.seq, last=locked.seeker_seq)
        if locked.messages.count() >= settings.MAILBOX_MAX_MESSAGES:
            raise MailboxError("full")
        thread = locked.threads.filter(status=Thread.Status.OPEN).first()
        if thread is None:
            thread = Thread.objects.create(
                mailbox=locked, opened_day=day, waiting_since=day, preferred=_continuity_counsellor(locked),
            )
            _remember_opened(thread)
        elif thread.waiting_since is None:
            thread.waiting_since = day
            thread.save(update_fields=["waiting_since"])
        row = _message_row(locked, thread, Message.Direction.FROM_SEEKER, message, day)
        row.save()
        locked.seeker_seq, locked.active_day = message.seq, day
        locked.save(update_fields=["seeker_seq", "active_day"])
        metrics.count_many([(metrics.MESSAGE_RECEIVED, None)], day=day)
    return row


def do_delete_mailbox(*, mailbox: Mailbox) -> None:
    """The seeker deletes everything at once: the mailbox, its threads and messages (cascade)."""
    with transaction.atomic():
        deleted, _ = Mailbox.objects.filter(pk=mailbox.pk).delete()
        if deleted:
            metrics.count_many([(metrics.DELETED, None)], day=today())


def do_expire_mailboxes(*, now_day: dt.date | None = None) -> int:
    """Delete every mailbox without activity for MAILBOX_RETENTION_DAYS (with all its messages)."""
    cutoff = expiry_cutoff(now_day)
    with transaction.atomic():
        expired = Mailbox.objects.filter(active_day__lt=cutoff).count()
        if expired:
            Mailbox.objects.filter(active_day__lt=cutoff).delete()
            metrics.count_n(metrics.EXPIRED, expired, day=now_day or today())
    return expired


def message_fields(row: Message, *, wrap_for: str) -> dict[str, Any]:
    """One stored message as the endpoints send it, with only the copy of its key for `wrap_for`."""
    wrap = row.wraps.get(wrap_for)
    out: dict[str, Any] = {
        "direction": row.direction,
        "seq": row.seq,
        "day": row.day.isoformat(),
        "eph": e2ee.b64e(bytes(row.eph)),
        "nonce": e2ee.b64e(bytes(row.nonce)),
        "ct": e2ee.b64e(bytes(row.ct)),
        "wraps": [{"to": wrap_for, "key": wrap}] if wrap else [],
    }
    if row.direction == Message.Direction.FROM_COUNSELLOR and row.cert is not None:
        out.update(
            cert=e2ee.b64e(bytes(row.cert)), sig_cert=e2ee.b64e(bytes(row.sig_cert or b"")),
            sig=e2ee.b64e(bytes(row.sig or b"")),
        )
    return out


def mailbox_view(mailbox: Mailbox | None) -> dict[str, Any]:
    """What `open` answers: the same well-formed shape for an unknown codename as for a known one."""
    base: dict[str, Any] = {"retention_days": settings.MAILBOX_RETENTION_DAYS}
    if mailbox is None:
        return {**base, "mailbox": None}
    own = fingerprint_of(bytes(mailbox.public_key))
    messages = [message_fields(row, wrap_for=own) for row in mailbox.messages.order_by("id")]
    expires = mailbox.active_day + dt.timedelta(days=settings.MAILBOX_RETENTION_DAYS)
    return {
        **base,
        "mailbox": {
            "public_key": e2ee.b64e(bytes(mailbox.public_key)),
            "wrapped_private": e2ee.b64e(bytes(mailbox.wrapped_private)),
            "created_day": mailbox.created_day.isoformat(),
            "active_day": mailbox.active_day.isoformat(),
            "expires_day": expires.isoformat(),
            "seeker_seq": mailbox.seeker_seq,
            "counsellor_seq": mailbox.counsellor_seq,
            "messages": messages,
        },
    }


# --- the counsellor's side ----------------------------------------------------------------------


def _inactive_preferred() -> Q:
    cutoff = timezone.now() - dt.timedelta(days=settings.MAILBOX_CONTINUITY_DAYS)
    return Q(preferred__is_active=False) | Q(preferred__last_login__isnull=True) | Q(preferred__last_login__lt=cutoff)


def visible_to(counsellor: User) -> Q:
    """Open threads this counsellor may see and claim: unclaimed or their own; and either in the
    shared inbox or meant for them (continuity), or meant for someone no longer active."""
    return (
        Q(status=Thread.Status.OPEN)
        & (Q(claimed_by__isnull=True) | Q(claimed_by=counsellor))
        & (Q(preferred__isnull=True) | Q(preferred=counsellor) | _inactive_preferred())
    )


PRIORITY_NAMES = {0: "crisis", 1: "raised", 2: "normal"}


THREAD_COLUMNS = ("id", "priority", "opened_day", "waiting_days", "claimed", "for_you", "answered")


def inbox_threads(counsellor: User, *, limit: int = 10_000) -> list[list[Any]]:
    """Open threads by triage priority, then by how long the seeker has waited (oldest first);
    threads whose seeker waits for nothing (answered) come last. Metadata only, one row per thread
    with the fields of THREAD_COLUMNS: a list of lists, because the inbox may list ten thousand."""
    now_day = today()
    rows = (
        Thread.objects.filter(visible_to(counsellor))
        .order_by("priority", F("waiting_since").asc(nulls_last=True), "id")
        .values_list("id", "priority", "opened_day", "waiting_since", "claimed_by_id", "preferred_id", "answered")
    )[:limit]
    # A few dozen distinct days at most: format each once.
    days: dict[dt.date, str] = {}
    ages: dict[dt.date, int] = {}
    me = counsellor.pk
    out = []
    for tid, priority, opened, waiting, claimed, preferred, answered in rows:
        day = days.get(opened) or days.setdefault(opened, opened.isoformat())
        age = None if waiting is None else (ages.get(waiting) or ages.setdefault(waiting, (now_day - waiting).days))
        out.append([tid, PRIORITY_NAMES.get(priority, "normal"), day, age, claimed == me, preferred == me, answered])
    return out


def supervisor_summary() -> dict[str, Any]:
    """Counts and ages of open threads, by priority and claimed or not. Never content."""
    now_day = today()
    out: dict[str, Any] = {"total": 0, "by_priority": {}, "claimed": 0, "waiting": 0, "oldest_waiting_days": None}
    rows = Thread.objects.filter(status=Thread.Status.OPEN).values_list("priority", "waiting_since", "claimed_by_id")
    for priority, waiting, claimed in rows:
        out["total"] += 1
        name = PRIORITY_NAMES.get(priority, "normal")
        entry = out["by_priority"].setdefault(name, {"count": 0, "oldest_waiting_days": None})
        entry["count"] += 1
        if claimed is not None:
            out["claimed"] += 1
        if waiting is not None:
            out["waiting"] += 1
            days = (now_day - waiting).days
            entry["oldest_waiting_days"] = max(entry["oldest_waiting_days"] or 0, days)
            out["oldest_waiting_days"] = max(out["oldest_waiting_days"] or 0, days)
    return out


def get_thread_for_counsellor(counsellor: User, thread_id: int, *, claimed: bool = True) -> Thread:
    """The thread if the counsellor holds its claim (claimed=True) or may claim it; else MailboxError."""
    thread = Thread.objects.select_related("mailbox").filter(visible_to(counsellor), pk=thread_id).first()
    if thread is None:
        raise MailboxError("not_found")
    if claimed and thread.claimed_by_id != counsellor.pk:
        raise MailboxError("not_allowed")
    return thread


def do_claim_thread(*, counsellor: User, thread_id: int) -> Thread:
    """Claim a thread for this counsellor alone. The row is locked while the claim is checked and
    written, so of two counsellors who claim at once exactly one gets it; the other gets `claimed`."""
    with transaction.atomic():
        thread = Thread.objects.select_for_update(of=("self",)).filter(pk=thread_id).first()
        if thread is None or thread.status != Thread.Status.OPEN:
            raise MailboxError("not_found")
        if thread.claimed_by_id == counsellor.pk:
            return thread
        if thread.claimed_by_id is not None:
            raise MailboxError("claimed")
        if not Thread.objects.filter(visible_to(counsellor), pk=thread_id).exists():
            raise MailboxError("not_found")
        thread.claimed_by = counsellor
        thread.save(update_fields=["claimed_by"])
        # As for a chat's claim: the actor and the priority, never the thread.
        do_audit(actor=counsellor, action="mailbox.claim", target=PRIORITY_NAMES.get(thread.priority, "normal"))
    return thread


def do_release_thread(*, counsellor: User, thread_id: int) -> None:
    with transaction.atomic():
        updated = Thread.objects.filter(pk=thread_id, claimed_by=counsellor, status=Thread.Status.OPEN).update(
            claimed_by=None
        )
        if updated:
            do_audit(actor=counsellor, action="mailbox.release")
    if not updated:
        raise MailboxError("not_allowed")


def thread_view(counsellor: User, thread: Thread) -> dict[str, Any]:
    """The whole mailbox's conversation as ciphertext, with the copies of message keys wrapped for
    this counsellor's inbox key."""
    identity = certified_key_for(counsellor)
    inbox = InboxKey.objects.filter(identity=identity).first() if identity else None
    own = inbox.fingerprint if inbox else ""
    mailbox = thread.mailbox
    return {
        "id": thread.pk,
        "priority": PRIORITY_NAMES.get(thread.priority, "normal"),
        "opened_day": thread.opened_day.isoformat(),
        "mailbox_key": e2ee.b64e(bytes(mailbox.public_key)),
        "counsellor_seq": mailbox.counsellor_seq,
        "messages": [message_fields(row, wrap_for=own) for row in mailbox.messages.order_by("id")],
    }


def _first_reply_bin(thread: Thread, day: dt.date) -> str:
    opened = cache.get(_OPENED_KEY.format(thread.pk))
    hours = (time.time() - opened) / 3600 if isinstance(opened, int) else (day - thread.opened_day).days * 24
    return metrics.first_reply_bin(hours)


def do_reply(*, counsellor: User, thread_id: int, message: IncomingMessage) -> Message:
    """A counsellor's reply, signed by their current certified identity key (whose certificate
    must be the one attached) and wrapped for the mailbox key and current counsellor keys."""
    identity = certified_key_for(counsellor)
    if identity is None or identity.certificate is None:
        raise MailboxError("no_key")
    if message.cert != bytes(identity.certificate) or message.sig_cert != bytes(identity.signature or b""):
        raise MailboxError("wrong_keys", "the attached certificate is not your current one")
    day = today()
    with transaction.atomic():
        thread = get_thread_for_counsellor(counsellor, thread_id)
        mailbox = Mailbox.objects.select_for_update().get(pk=thread.mailbox_id)
        schemas.check_wraps(
            message.wraps, mailbox_fingerprint=fingerprint_of(bytes(mailbox.public_key)),
            counsellor_fingerprints=counsellor_fingerprints(),
        )
        schemas.check_sequence(seq=message.seq, last=mailbox.counsellor_seq)
        if mailbox.messages.count() >= settings.MAILBOX_MAX_MESSAGES:
            raise MailboxError("full")
        row = _message_row(mailbox, thread, Message.Direction.FROM_COUNSELLOR, message, day)
        row.save()
        mailbox.counsellor_seq, mailbox.active_day, mailbox.last_counsellor = message.seq, day, counsellor
        mailbox.save(update_fields=["counsellor_seq", "active_day", "last_counsellor"])
        items: list[tuple[str, dict[str, object] | None]] = [(metrics.REPLY_SENT, None)]
        if not thread.answered:
            items.append((metrics.THREAD_ANSWERED, {"first_reply": _first_reply_bin(thread, day)}))
            transaction.on_commit(lambda: cache.delete(_OPENED_KEY.format(thread.pk)))
        thread.answered, thread.waiting_since = True, None
        thread.save(update_fields=["answered", "waiting_since"])
        metrics.count_many(items, day=day)
    return row


def do_close_thread(*, counsellor: User, thread_id: int, wrapup: Wrapup) -> None:
    """Close the thread with the same wrap-up as a chat; only aggregate counters change."""
    with transaction.atomic():
        thread = get_thread_for_counsellor(counsellor, thread_id)
        Thread.objects.filter(pk=thread.pk).update(status=Thread.Status.CLOSED, claimed_by=None, waiting_since=None)
        metrics.count_wrapup(wrapup, day=today())
        do_audit(actor=counsellor, action="mailbox.close", target=PRIORITY_NAMES.get(thread.priority, "normal"))
