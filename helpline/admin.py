"""Admin registrations of the helpline app (autodiscovered); each topic lives in its own module."""

from __future__ import annotations

# Admin pages are registered by topic in their own modules; importing them registers them.
from helpline import content_admin  # noqa: F401
from helpline.staff import admin as staff_admin  # noqa: F401
