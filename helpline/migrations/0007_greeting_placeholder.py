"""The example greetings say {counsellor} instead of "[name]", so the pseudonym is filled in (issue 18).

Changes only the two example rows of 0003 whose text nobody has edited; edited rows are left alone.
"""

from __future__ import annotations

import importlib
from typing import Any

from django.db import migrations

# The example greetings as 0003 wrote them, and what stood in for the counsellor's name.
OLD = importlib.import_module("helpline.migrations.0003_default_content")
STAND_INS = {"en": "[name]", "de": "[Name]"}


def forwards(apps: Any, schema_editor: Any) -> None:
    CannedResponse = apps.get_model("helpline", "CannedResponse")
    for language, _title, body in OLD.CANNED:
        stand_in = STAND_INS.get(language, "")
        if stand_in and stand_in in body:
            CannedResponse.objects.filter(language=language, body=body).update(
                body=body.replace(stand_in, "{counsellor}")
            )


def backwards(apps: Any, schema_editor: Any) -> None:
    pass


class Migration(migrations.Migration):
    dependencies = [("helpline", "0006_more_languages")]
    operations = [migrations.RunPython(forwards, backwards)]
