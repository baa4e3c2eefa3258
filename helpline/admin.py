from __future__ import annotations

# Admin pages are registered by topic in their own modules; importing them registers them.
from helpline import content_admin  # noqa: F401
from helpline.staff import admin as staff_admin  # noqa: F401
