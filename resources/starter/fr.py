# ruff: noqa: E501  (prose content: long lines are paragraphs)
"""Contenu d'exemple en français (example starter content in French), written for this project.

Like the English content, every item is example content for the service's clinicians to review.
Articles without a French version are shown in English, with a notice in French (resources.content).
"""

from __future__ import annotations

CATEGORY_NAMES = {
    "understanding": ("Comprendre vos pensées", "Ce que sont ces pensées, ce qu'elles ne sont pas, et pourquoi demander de l'aide compte."),
    "staying-in-control": ("Garder le contrôle", "Repérer les signaux d'alerte, faire face aux moments difficiles et prendre soin de vous."),
    "getting-help": ("Trouver de l'aide", "Nous parler, trouver un professionnel, et savoir à quoi vous attendre."),
    "online": ("En sécurité en ligne", "Du soutien si votre usage d'Internet vous inquiète."),
    "family-and-friends": ("Pour la famille et les amis", "Si vous vous inquiétez pour un proche."),
    "professionals": ("Pour les professionnels", "Pour celles et ceux qui accompagnent d'autres personnes dans leur travail."),
}

ARTICLES: list[dict] = []

MODULES = [
    {
        "slug": "first-steps",
        "audience": "self",
        "title": "Premiers pas : comprendre les pensées difficiles et y faire face",
        "summary": "Six courtes étapes pour comprendre ce qui se passe, repérer vos signaux d'alerte et préparer un plan pour les moments difficiles.",
        "steps": [
            {
                "title": "Pourquoi vous êtes ici",
                "body": """Commencer ce module est une démarche positive. Vous choisissez de comprendre vos pensées et de vivre d'une façon sûre pour les enfants et pour vous.

Ce module compte six courtes étapes. Chacune propose une question de réflexion. Ce que vous écrivez reste uniquement dans cet onglet ; nous ne le voyons jamais.

Prenez votre temps. Vous pouvez vous arrêter et revenir plus tard.""",
                "exercise": "Qu'est-ce qui vous a décidé à chercher de l'aide aujourd'hui ?",
            },
            {
                "title": "Pensées, émotions et actes",
                "body": """Les pensées, les émotions et les actes sont liés, mais ce n'est pas la même chose. Une pensée peut venir et repartir sans que vous agissiez.

Beaucoup de personnes remarquent que les pensées sont plus fortes à certains moments : en cas de stress, de solitude, de fatigue ou après avoir bu. Le savoir vous donne plus de choix.""",
                "exercise": "Quand les pensées sont-elles plus fortes ? Que se passe-t-il d'autre à ces moments-là ?",
            },
            {
                "title": "Connaître vos signaux d'alerte",
                "body": """Les signaux d'alerte sont des indices précoces que les choses deviennent plus difficiles. Ce peuvent être des émotions (comme une humeur basse), des situations (comme être seul en ligne tard le soir) ou des pensées (comme « une fois, ça ne compte pas »).

Les repérer tôt vous laisse le temps de changer de direction.""",
                "exercise": "Notez trois signaux précoces qui vous montrent que les choses deviennent plus difficiles.",
            },
            {
                "title": "Un plan pour les moments difficiles",
                "body": """Un plan préparé dans un moment calme est plus facile à suivre dans un moment difficile. Un bon plan est court et concret :

- ce que vous pouvez faire à la place,
- les endroits où vous pouvez aller,
- les personnes ou services que vous pouvez contacter, y compris le chat anonyme et les lignes d'écoute.""",
                "exercise": "Notez trois choses que vous pouvez faire à la place, et une personne ou un service que vous pourriez contacter.",
            },
            {
                "title": "Construire une vie qui vous soutient",
                "body": """Rester en sécurité est plus facile quand la vie a une structure, des liens et du sens. Le sommeil, l'activité, le temps passé avec des personnes de confiance et ce qui compte pour vous, tout cela aide.

Le changement n'a pas besoin d'être grand. Un petit pas à la fois suffit.""",
                "exercise": "Nommez une chose que vous pourriez faire cette semaine et qui vous fait du bien.",
            },
            {
                "title": "Continuer et trouver du soutien",
                "body": """Vous avez fait un premier pas. Beaucoup de personnes trouvent utile d'en parler : anonymement avec l'un de nos écoutants, ou en personne avec un thérapeute.

Si vous vous sentez un jour dépassé, ou si vous pensez à vous faire du mal, les contacts d'urgence sont là pour vous, de jour comme de nuit.""",
                "exercise": "Si vous contactiez un écoutant, de quoi aimeriez-vous parler en premier ?",
            },
        ],
    },
]

LANDING_PAGES = [
    {
        "code": "platform-warning",
        "kind": "deterrence",
        "title": "Ce contenu n'est pas disponible. De l'aide, si.",
        "body": """La recherche ou le lien qui vous a mené ici peut conduire à des images d'enfants qui sont illégales. Ces images montrent des souffrances réelles d'enfants réels, et les regarder est un délit dans la plupart des pays.

Si vos pensées ou ce que vous avez regardé vous inquiètent, vous pouvez arrêter, et une aide confidentielle existe. Vous n'avez pas à donner votre nom.""",
    },
    {
        "code": "partner-referral",
        "kind": "referral",
        "title": "Une aide anonyme, sans jugement",
        "body": """Une organisation partenaire vous a conseillé ce service. Si des pensées sexuelles concernant des enfants vous inquiètent, vous pouvez lire des contenus d'auto-assistance ou parler anonymement avec un écoutant formé.

Nous ne vous demandons pas votre nom, ne déposons aucun cookie et n'enregistrons pas votre adresse IP.""",
    },
]
