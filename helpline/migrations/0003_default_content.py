# Default service content: triage questions, opening hours and canned responses.
#
# EXAMPLE CONTENT. The triage questions, their answers and the canned responses below are a
# starting point written for the platform, not clinical guidance. Each service's clinicians should
# review and adapt them in the admin before going live. Wording is calm, non-judgemental and never
# graphic; every question is optional for the help-seeker.
#
# Opening hours ship as open every day from 00:00 to 24:00, so that `make run` and the tests are
# open; a service sets its real hours (and closure dates) in the admin.

from __future__ import annotations

import datetime

from django.db import migrations

TRIAGE = [
    {
        "code": "concern",
        "text": "Who are you getting in touch about?",
        "help_text": "This helps us pass your chat to a counsellor with the right experience. You can skip it.",
        "de": {
            "text": "Um wen geht es bei Ihrer Anfrage?",
            "help_text": (
                "So können wir Ihr Gespräch an jemanden in der Beratung mit passender Erfahrung geben. "
                "Sie können die Frage überspringen."
            ),
        },
        "options": [
            {"code": "own_thoughts", "text": "Myself: my own thoughts or behaviour", "pathway": "self",
             "de": "Um mich selbst: meine eigenen Gedanken oder mein Verhalten"},
            {"code": "someone_else", "text": "Someone else I am worried about", "pathway": "other",
             "de": "Um eine andere Person, um die ich mir Sorgen mache"},
            {"code": "young_person", "text": "Myself, and I am under 18", "pathway": "young",
             "de": "Um mich selbst, und ich bin jünger als 18"},
            {"code": "professional", "text": "I am asking as a professional", "pathway": "professional",
             "de": "Ich frage beruflich, als Fachkraft"},
        ],
    },
    {
        "code": "self_harm",
        "text": "Are you having thoughts of harming yourself or ending your life?",
        "help_text": "If you are, we will try to answer you sooner, and we will show you who you can contact straight away.",
        "de": {
            "text": "Haben Sie Gedanken, sich selbst zu verletzen oder Ihr Leben zu beenden?",
            "help_text": (
                "Wenn ja, versuchen wir, Ihnen schneller zu antworten, und zeigen Ihnen, wen Sie sofort "
                "erreichen können."
            ),
        },
        "options": [
            {"code": "no", "text": "No", "de": "Nein"},
            {"code": "unsure", "text": "I'm not sure", "priority": "raised", "de": "Ich bin mir nicht sicher"},
            {"code": "yes", "text": "Yes", "priority": "crisis", "crisis_reason": "self_harm", "de": "Ja"},
        ],
    },
    {
        "code": "child_risk",
        "text": "Do you think a child is in danger right now?",
        "help_text": "If so, we will try to answer you sooner, and we will show you who you can contact straight away.",
        "de": {
            "text": "Glauben Sie, dass ein Kind gerade jetzt in Gefahr ist?",
            "help_text": (
                "Wenn ja, versuchen wir, Ihnen schneller zu antworten, und zeigen Ihnen, wen Sie sofort "
                "erreichen können."
            ),
        },
        "options": [
            {"code": "no", "text": "No", "de": "Nein"},
            {"code": "unsure", "text": "I'm not sure", "priority": "raised", "de": "Ich bin mir nicht sicher"},
            {"code": "yes", "text": "Yes", "priority": "crisis", "crisis_reason": "child_at_risk", "de": "Ja"},
        ],
    },
    {
        "code": "language",
        "text": "Which language would you like to chat in?",
        "help_text": "",
        "de": {"text": "In welcher Sprache möchten Sie schreiben?", "help_text": ""},
        "options": [
            # Each language is named in itself, in every language of the page.
            {"code": "en", "text": "English", "language": "en", "de": "English"},
            {"code": "de", "text": "Deutsch", "language": "de", "de": "Deutsch"},
        ],
    },
]

CANNED = [
    (
        "en",
        "Greeting",
        "Hello, and thank you for getting in touch. My name is [name] and I am one of the counsellors here. "
        "Take all the time you need. What would you like to talk about today?",
    ),
    (
        "en",
        "Confidentiality and its limits",
        "This chat is anonymous. We do not ask for your name, and we do not keep what you write. There are "
        "limits, though: if you tell us that a child is at risk of harm right now, or that your own life is in "
        "danger, we will focus on safety with you first, and we will be honest with you about what we need to do.",
    ),
    (
        "en",
        "Self-help suggestion",
        "Between chats, you might find our self-help material useful. It is anonymous too, and you can go "
        "through it at your own pace: [link]",
    ),
    (
        "en",
        "Closing",
        "Thank you for talking with me today. Reaching out takes courage. You are welcome to come back "
        "whenever you need to. Take care.",
    ),
    (
        "de",
        "Begrüßung",
        "Hallo, und danke, dass Sie sich melden. Ich heiße [Name] und arbeite hier in der Beratung. "
        "Lassen Sie sich so viel Zeit, wie Sie brauchen. Worüber möchten Sie heute sprechen?",
    ),
    (
        "de",
        "Vertraulichkeit und ihre Grenzen",
        "Dieses Gespräch ist anonym. Wir fragen nicht nach Ihrem Namen und speichern nicht, was Sie schreiben. "
        "Es gibt aber Grenzen: Wenn Sie uns sagen, dass ein Kind gerade jetzt in Gefahr ist oder dass Ihr "
        "eigenes Leben in Gefahr ist, kümmern wir uns zuerst gemeinsam mit Ihnen um die Sicherheit, und wir "
        "sagen Ihnen offen, was wir dann tun müssen.",
    ),
    (
        "de",
        "Hinweis auf Selbsthilfe",
        "Zwischen den Gesprächen kann Ihnen unser Selbsthilfe-Angebot helfen. Es ist ebenfalls anonym, und Sie "
        "können es in Ihrem eigenen Tempo nutzen: [Link]",
    ),
    (
        "de",
        "Abschluss",
        "Danke für das Gespräch heute. Es braucht Mut, sich Hilfe zu holen. Sie können sich jederzeit wieder "
        "melden, wenn Sie es brauchen. Passen Sie gut auf sich auf.",
    ),
]

MIDNIGHT = datetime.time(0)


def add_defaults(apps, schema_editor):
    TriageQuestion = apps.get_model("helpline", "TriageQuestion")
    TriageOption = apps.get_model("helpline", "TriageOption")
    OpeningHours = apps.get_model("helpline", "OpeningHours")
    CannedResponse = apps.get_model("helpline", "CannedResponse")

    for q_position, spec in enumerate(TRIAGE):
        question, created = TriageQuestion.objects.get_or_create(
            code=spec["code"],
            defaults={
                "position": q_position * 10,
                "text": spec["text"],
                "help_text": spec["help_text"],
                "translations": {"de": spec["de"]},
            },
        )
        if not created:
            continue
        for o_position, option in enumerate(spec["options"]):
            TriageOption.objects.create(
                question=question,
                code=option["code"],
                position=o_position * 10,
                text=option["text"],
                translations={"de": {"text": option["de"]}},
                priority=option.get("priority", ""),
                pathway=option.get("pathway", ""),
                language=option.get("language", ""),
                crisis_reason=option.get("crisis_reason", ""),
            )

    if not OpeningHours.objects.exists():
        OpeningHours.objects.bulk_create(
            OpeningHours(weekday=weekday, opens=MIDNIGHT, closes=MIDNIGHT) for weekday in range(7)
        )

    if not CannedResponse.objects.exists():
        positions: dict[str, int] = {}
        for language, title, body in CANNED:
            positions[language] = positions.get(language, 0) + 10
            CannedResponse.objects.create(language=language, title=title, body=body, position=positions[language])


def remove_defaults(apps, schema_editor):
    TriageQuestion = apps.get_model("helpline", "TriageQuestion")
    OpeningHours = apps.get_model("helpline", "OpeningHours")
    CannedResponse = apps.get_model("helpline", "CannedResponse")
    TriageQuestion.objects.filter(code__in=[spec["code"] for spec in TRIAGE]).delete()
    OpeningHours.objects.filter(opens=MIDNIGHT, closes=MIDNIGHT).delete()
    for language, title, body in CANNED:
        CannedResponse.objects.filter(language=language, title=title, body=body).delete()


class Migration(migrations.Migration):
    dependencies = [("helpline", "0002_triage_hours_canned")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
