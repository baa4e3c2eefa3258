"""Platform deterrence: the warning component that partners (search engines, file hosts, social
networks, game chats) embed where their own systems detect searches or uploads related to child
sexual abuse material, and the funnel that says which message leads people to help.

Package map:
    models.py        Partner and MessageVariant (service content, kept until an admin deletes it)
    rules.py         pure: origins, frame-ancestors, languages, weighted choice, source codes
    catalogue.py     the partners and their variants, cached per process
    generic.py       the generic help message (unknown or paused code, no variant in a language)
    tally.py         impressions: counted in Redis (or process memory), flushed to counters in batches
    funnel.py        the funnel's metric names, click counting, and the per-variant report
    wilson.py        pure: Wilson intervals and whether a difference is meaningful yet
    views.py         the embed page, the JSON message, the counting redirect (no cookies, no state)
    service.py       do_* for partners and variants, each with its audit row
    staff_views.py   /staff/partners/: list, edit, pause, variants, and the funnel comparison

Nothing here describes a visitor: an impression or a click is one added to an hourly aggregate
counter whose only dimension is the partner's source code with the variant (docs/PLATFORMS.md).
"""
