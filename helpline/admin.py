"""Admin registrations of the helpline app (autodiscovered); the staff ones live with the staff code."""

from __future__ import annotations

from helpline.staff import admin as staff_admin  # noqa: F401
