"""The generic help message, and the example variants a new partner can start with.

The generic message is shown for a code no partner has, for a paused partner, and in a language
for which a partner has no active variant. It is variant 0 in the funnel. All of this text is
example content, written for this project, for the service's clinicians to review.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from resources.platforms.catalogue import Variant
from resources.platforms.rules import GENERIC_VARIANT


def generic_variant(language: str) -> Variant:
    """The generic message in the active language (the caller has activated `language`)."""
    return Variant(
        id=GENERIC_VARIANT,
        language=language,
        heading=_("Anonymous help is available now"),
        body=_(
            "Viewing, sharing or downloading sexual images of children is illegal, and every image harms a real "
            "child. If you are worried about your thoughts or about what you are looking at, you do not have to "
            "deal with it alone. You can talk to us without giving your name."
        ),
        action=_("Talk to someone anonymously"),
        weight=1,
        is_example=True,
    )


@dataclass(frozen=True)
class ExampleText:
    label: str
    language: str
    heading: str
    body: str
    action: str


# Two example variants per language that a new partner can start with: one that leads with the
# law and the harm, one that leads with help. Clinicians review and replace them.
EXAMPLE_VARIANTS: tuple[ExampleText, ...] = (
    ExampleText(
        label="A: the law and the harm first",
        language="en",
        heading="This search can lead to illegal images of children",
        body=(
            "Viewing, sharing or downloading sexual images of children is a crime, and every image harms a real "
            "child. If you are worried about your thoughts, confidential help is available, and you do not have "
            "to give your name."
        ),
        action="Get anonymous help now",
    ),
    ExampleText(
        label="B: help first",
        language="en",
        heading="Anonymous help is available now",
        body=(
            "Many people who are worried about sexual thoughts about children find that talking helps. Our "
            "counsellors listen without judging you. Looking at sexual images of children is illegal and harms "
            "children; you can choose to stop, and we can help."
        ),
        action="Talk to someone anonymously",
    ),
    ExampleText(
        label="A: the law and the harm first",
        language="de",
        heading="Diese Suche kann zu illegalen Bildern von Kindern führen",
        body=(
            "Sexuelle Darstellungen von Kindern anzusehen, zu teilen oder herunterzuladen ist eine Straftat, und "
            "jedes Bild schadet einem echten Kind. Wenn Ihre Gedanken Sie beunruhigen, gibt es vertrauliche "
            "Hilfe, und Sie müssen Ihren Namen nicht nennen."
        ),
        action="Jetzt anonym Hilfe bekommen",
    ),
    ExampleText(
        label="B: help first",
        language="de",
        heading="Anonyme Hilfe ist jetzt erreichbar",
        body=(
            "Viele Menschen, die sich wegen sexueller Gedanken an Kinder Sorgen machen, erleben, dass Reden hilft. "
            "Unsere Beraterinnen und Berater hören Ihnen zu, ohne Sie zu verurteilen. Sexuelle Darstellungen von "
            "Kindern anzusehen ist verboten und schadet Kindern; Sie können damit aufhören, und wir helfen Ihnen."
        ),
        action="Anonym mit jemandem sprechen",
    ),
)
