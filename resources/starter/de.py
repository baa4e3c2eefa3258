# ruff: noqa: E501  (prose content: long lines are paragraphs)
"""Beispielinhalte auf Deutsch (example starter content in German), written for this project.

Like the English content, every item is example content for the service's clinicians to review.
Articles without a German version are shown in English (resources.content falls back).
"""

from __future__ import annotations

CATEGORY_NAMES = {
    "understanding": ("Die eigenen Gedanken verstehen", "Was diese Gedanken sind, was sie nicht sind, und warum es wichtig ist, sich Hilfe zu holen."),
    "staying-in-control": ("Die Kontrolle behalten", "Warnzeichen erkennen, mit schwierigen Momenten umgehen und gut für sich sorgen."),
    "getting-help": ("Hilfe finden", "Mit uns sprechen, Fachleute finden und wissen, was einen erwartet."),
    "online": ("Sicher im Internet", "Unterstützung, wenn Ihnen Ihre Internetnutzung Sorgen macht."),
    "family-and-friends": ("Für Angehörige und Freunde", "Wenn Sie sich um einen nahestehenden Menschen sorgen."),
    "professionals": ("Für Fachleute", "Für Menschen, die beruflich andere unterstützen."),
}

MODULES = [
    {
        "slug": "first-steps",
        "audience": "self",
        "title": "Erste Schritte: schwierige Gedanken verstehen und mit ihnen umgehen",
        "summary": "Sechs kurze Schritte, um zu verstehen, was passiert, Warnzeichen zu erkennen und einen Plan für schwierige Momente zu machen.",
        "steps": [
            {
                "title": "Warum Sie hier sind",
                "body": """Dass Sie mit diesem Modul beginnen, ist ein guter Schritt. Sie entscheiden sich dafür, Ihre Gedanken zu verstehen und so zu leben, dass Kinder und Sie selbst sicher sind.

Das Modul hat sechs kurze Schritte. Zu jedem gibt es eine Frage zum Nachdenken. Was Sie schreiben, bleibt nur in diesem Browser-Tab; wir sehen es nie.

Nehmen Sie sich Zeit. Sie können jederzeit aufhören und später weitermachen.""",
                "exercise": "Was hat Sie dazu gebracht, heute nach Hilfe zu suchen?",
            },
            {
                "title": "Gedanken, Gefühle und Handlungen",
                "body": """Gedanken, Gefühle und Handlungen hängen zusammen, sind aber nicht dasselbe. Ein Gedanke kann kommen und gehen, ohne dass Sie danach handeln.

Viele Menschen bemerken, dass die Gedanken zu bestimmten Zeiten stärker sind: bei Stress, Einsamkeit, Müdigkeit oder nach Alkohol. Das zu wissen, gibt Ihnen mehr Wahlmöglichkeiten.""",
                "exercise": "Wann sind die Gedanken meist stärker? Was ist zu diesen Zeiten sonst los?",
            },
            {
                "title": "Die eigenen Warnzeichen kennen",
                "body": """Warnzeichen sind frühe Hinweise darauf, dass es schwieriger wird. Das können Gefühle sein (etwa Niedergeschlagenheit), Situationen (etwa spätabends allein online) oder Gedanken (etwa „einmal ist egal“).

Wer sie früh erkennt, hat Zeit, die Richtung zu ändern.""",
                "exercise": "Schreiben Sie drei frühe Zeichen auf, an denen Sie merken, dass es schwieriger wird.",
            },
            {
                "title": "Ein Plan für schwierige Momente",
                "body": """Ein Plan, den Sie in einem ruhigen Moment machen, ist in einem schwierigen Moment leichter umzusetzen. Ein guter Plan ist kurz und praktisch:

- was Sie stattdessen tun können,
- wohin Sie gehen können,
- wen Sie kontaktieren können, auch den anonymen Chat und Krisendienste.""",
                "exercise": "Schreiben Sie drei Dinge auf, die Sie stattdessen tun können, und eine Person oder einen Dienst, die Sie kontaktieren könnten.",
            },
            {
                "title": "Ein Leben, das Sie stärkt",
                "body": """Es fällt leichter, sicher zu bleiben, wenn das Leben Struktur, Verbindung und Sinn hat. Schlaf, Bewegung, Zeit mit Menschen, denen Sie vertrauen, und Dinge, die Ihnen wichtig sind, helfen.

Veränderungen müssen nicht groß sein. Ein kleiner Schritt nach dem anderen genügt.""",
                "exercise": "Nennen Sie eine Sache, die Sie diese Woche für sich tun könnten.",
            },
            {
                "title": "Dranbleiben und Unterstützung finden",
                "body": """Sie haben einen Anfang gemacht. Vielen Menschen hilft es, mit jemandem zu sprechen: anonym mit unseren Beraterinnen und Beratern oder persönlich in einer Therapie.

Wenn Sie sich überfordert fühlen oder daran denken, sich etwas anzutun, sind die Krisenkontakte Tag und Nacht für Sie da.""",
                "exercise": "Worüber würden Sie zuerst sprechen, wenn Sie sich an eine Beraterin oder einen Berater wenden?",
            },
        ],
    },
]

# Crisis contacts for every country and language: resources/starter/crisis.py.

LANDING_PAGES = [
    {
        "code": "platform-warning",
        "kind": "deterrence",
        "title": "Dieser Inhalt ist nicht verfügbar. Hilfe schon.",
        "body": """Die Suche oder der Link, der Sie hierher geführt hat, kann zu Bildern von Kindern führen, die illegal sind. Diese Bilder zeigen echtes Leid echter Kinder, und sie anzusehen ist in den meisten Ländern eine Straftat.

Wenn Sie sich wegen Ihrer Gedanken oder dessen, was Sie angesehen haben, Sorgen machen: Sie können aufhören, und es gibt vertrauliche Hilfe. Sie müssen Ihren Namen nicht nennen.""",
    },
]
