"""The catalogue of aggregate counters: every metric name, its dimensions and histogram bins.

Writers (the live path, wrap-ups, feedback, resources) and the reader (statistics) both import
from here, so a name is spelled once. Each counter row holds one dimension at most
(helpline.counters), so no combination of rows describes one contact.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import pairwise

# --- Demand and flow (dimensions in brackets) --------------------------------------------------
CONTACT_ATTEMPTED = "contact.attempted"  # [when: open|closed|full|blocked]
CHAT_QUEUED = "chat.queued"  # [priority, pathway, language]
CHAT_ANSWERED = "chat.answered"  # [priority, pathway, language]
CHAT_ABANDONED = "chat.abandoned"  # left the queue before an answer [priority, language]
CHAT_DROPPED = "chat.dropped"  # the seeker's connection was lost past the grace period [priority]
CHAT_COMPLETED = "chat.completed"  # [priority, pathway, language, ended_by: seeker|counsellor|timeout]
CHAT_REQUEUED = "chat.requeued"  # a counsellor dropped past grace, the chat went back [priority]
CRISIS_SHOWN = "crisis.shown"  # crisis contacts shown at once after triage [reason]
LANDING_CHAT_STARTED = "landing.chat_started"  # a chat joined from a landing page [source]

# --- Time histograms ---------------------------------------------------------------------------
WAIT_SECONDS = "wait.seconds"  # [bin] for answered chats
ABANDON_WAIT_SECONDS = "abandon_wait.seconds"  # [bin] time in queue before leaving
CHAT_DURATION_SECONDS = "chat_duration.seconds"  # [bin] from answer to end
WAIT_BINS = (0, 30, 60, 120, 300, 600, 1200, 1800, 3600)
DURATION_BINS = (0, 300, 600, 1200, 1800, 2700, 3600, 5400)

# --- Wrap-up and feedback ------------------------------------------------------------------------
WRAPUP_FILED = "wrapup.filed"  # [concern, protective_action, outcome, referral, risk]
FEEDBACK_GIVEN = "feedback.given"  # [<question code>: <option code>]

# --- Staffing (sampled once a minute by the live path's janitor) ------------------------------
CAPACITY_COUNSELLOR_MINUTES = "capacity.counsellor_minutes"  # available counsellors, summed per minute
CAPACITY_SLOT_MINUTES = "capacity.slot_minutes"  # sum of available counsellors' chat limits, per minute
LOAD_CHAT_MINUTES = "load.chat_minutes"  # active chats, summed per minute

# --- Self-help ----------------------------------------------------------------------------------
ARTICLE_VIEW = "resource.article_view"  # [article: slug]
MODULE_STEP_COMPLETED = "resource.module_step"  # [module: slug]
MODULE_COMPLETED = "resource.module_completed"  # [module: slug]
LANDING_VISIT = "landing.visit"  # [source]
SELF_ASSESSMENT_VIEW = "resource.self_assessment_view"  # no dimension: answers never leave the browser


def bin_label(seconds: float, bins: tuple[int, ...]) -> str:
    """Fixed-width label of the histogram bin that holds `seconds`, e.g. "60-120" or "3600+"."""
    index = max(0, bisect_right(bins, max(0.0, seconds)) - 1)
    low = bins[index]
    if index + 1 < len(bins):
        return f"{low}-{bins[index + 1]}"
    return f"{low}+"


def bin_labels(bins: tuple[int, ...]) -> list[str]:
    return [f"{low}-{high}" for low, high in pairwise(bins)] + [f"{bins[-1]}+"]
