# ruff: noqa: E501  (example content: long lines are sentences)
# Dutch, French, Spanish (and Arabic triage texts) for the default service content: triage questions and answers, the chat
# languages a seeker can choose, and canned responses.
#
# EXAMPLE CONTENT, like 0003_default_content: a starting point written for the platform, for each
# service's clinicians to review in the admin. Wording is calm, non-judgemental and never graphic.
# Only rows that 0003 created are changed: a translation an editor already wrote is kept, and an
# answer or canned response is added only where none exists for it.

from __future__ import annotations

from django.db import migrations

QUESTIONS = {
    "concern": {
        "ar": {"text": "بخصوص من تتواصل معنا؟", "help_text": "يساعدنا هذا على تحويل دردشتك إلى مرشد لديه الخبرة المناسبة. يمكنك تخطي السؤال."},
        "nl": {"text": "Over wie neemt u contact op?", "help_text": "Zo kunnen we uw chat doorgeven aan een hulpverlener met de juiste ervaring. U kunt deze vraag overslaan."},
        "fr": {"text": "Pour qui prenez-vous contact ?", "help_text": "Cela nous aide à confier votre chat à un écoutant qui a l'expérience qu'il faut. Vous pouvez passer cette question."},
        "es": {"text": "¿Sobre quién nos escribe?", "help_text": "Nos ayuda a pasar su chat a un orientador con la experiencia adecuada. Puede saltarse esta pregunta."},
    },
    "self_harm": {
        "ar": {"text": "هل تراودك أفكار بإيذاء نفسك أو إنهاء حياتك؟", "help_text": "إن كان الأمر كذلك، سنحاول الرد عليك أسرع، وسنعرض عليك فورًا من يمكنك التواصل معه."},
        "nl": {"text": "Hebt u gedachten om uzelf iets aan te doen of een einde aan uw leven te maken?", "help_text": "Zo ja, dan proberen we u sneller te helpen, en laten we meteen zien wie u direct kunt bereiken."},
        "fr": {"text": "Avez-vous des pensées de vous faire du mal ou de mettre fin à vos jours ?", "help_text": "Si c'est le cas, nous essaierons de vous répondre plus vite, et nous vous montrerons tout de suite qui vous pouvez contacter."},
        "es": {"text": "¿Tiene pensamientos de hacerse daño o de quitarse la vida?", "help_text": "Si es así, intentaremos atenderle antes y le mostraremos enseguida con quién puede contactar."},
    },
    "child_risk": {
        "ar": {"text": "هل تعتقد أن طفلًا في خطر الآن؟", "help_text": "إن كان الأمر كذلك، سنحاول الرد عليك أسرع، وسنعرض عليك فورًا من يمكنك التواصل معه."},
        "nl": {"text": "Denkt u dat een kind op dit moment in gevaar is?", "help_text": "Zo ja, dan proberen we u sneller te helpen, en laten we meteen zien wie u direct kunt bereiken."},
        "fr": {"text": "Pensez-vous qu'un enfant est en danger en ce moment ?", "help_text": "Si c'est le cas, nous essaierons de vous répondre plus vite, et nous vous montrerons tout de suite qui vous pouvez contacter."},
        "es": {"text": "¿Cree que un menor está en peligro ahora mismo?", "help_text": "Si es así, intentaremos atenderle antes y le mostraremos enseguida con quién puede contactar."},
    },
    "language": {
        "ar": {"text": "بأي لغة تريد الدردشة؟", "help_text": ""},
        "nl": {"text": "In welke taal wilt u chatten?", "help_text": ""},
        "fr": {"text": "Dans quelle langue voulez-vous échanger ?", "help_text": ""},
        "es": {"text": "¿En qué idioma quiere chatear?", "help_text": ""},
    },
}

OPTIONS = {
    ("concern", "own_thoughts"): {"ar": "عن نفسي: أفكاري أو سلوكي", "nl": "Over mezelf: mijn eigen gedachten of gedrag", "fr": "Moi-même : mes propres pensées ou comportements", "es": "Sobre mí: mis propios pensamientos o conductas"},
    ("concern", "someone_else"): {"ar": "عن شخص آخر يقلقني", "nl": "Over iemand anders om wie ik me zorgen maak", "fr": "Une autre personne qui m'inquiète", "es": "Sobre otra persona que me preocupa"},
    ("concern", "young_person"): {"ar": "عن نفسي، وعمري أقل من 18 سنة", "nl": "Over mezelf, en ik ben jonger dan 18", "fr": "Moi-même, et j'ai moins de 18 ans", "es": "Sobre mí, y tengo menos de 18 años"},
    ("concern", "professional"): {"ar": "أسأل بصفتي مختصًا", "nl": "Ik vraag het als professional", "fr": "Je pose la question en tant que professionnel", "es": "Pregunto como profesional"},
    ("self_harm", "no"): {"ar": "لا", "nl": "Nee", "fr": "Non", "es": "No"},
    ("self_harm", "unsure"): {"ar": "لست متأكدًا", "nl": "Ik weet het niet zeker", "fr": "Je ne suis pas sûr", "es": "No estoy seguro"},
    ("self_harm", "yes"): {"ar": "نعم", "nl": "Ja", "fr": "Oui", "es": "Sí"},
    ("child_risk", "no"): {"ar": "لا", "nl": "Nee", "fr": "Non", "es": "No"},
    ("child_risk", "unsure"): {"ar": "لست متأكدًا", "nl": "Ik weet het niet zeker", "fr": "Je ne suis pas sûr", "es": "No estoy seguro"},
    ("child_risk", "yes"): {"ar": "نعم", "nl": "Ja", "fr": "Oui", "es": "Sí"},
    # Each language is named in itself, in every language of the page.
    ("language", "en"): {"ar": "English", "nl": "English", "fr": "English", "es": "English"},
    ("language", "de"): {"ar": "Deutsch", "nl": "Deutsch", "fr": "Deutsch", "es": "Deutsch"},
}

# The chat languages added here, each named in itself.
NEW_LANGUAGES = [("nl", "Nederlands"), ("fr", "Français"), ("es", "Español")]

CANNED = [
    ("nl", "Begroeting", "Hallo, en bedankt dat u contact opneemt. Ik heet [naam] en ik ben een van de hulpverleners hier. Neem alle tijd die u nodig hebt. Waarover wilt u vandaag praten?"),
    ("nl", "Vertrouwelijkheid en de grenzen ervan", "Deze chat is anoniem. We vragen niet naar uw naam en we bewaren niet wat u schrijft. Er zijn wel grenzen: als u ons vertelt dat een kind nu gevaar loopt, of dat uw eigen leven in gevaar is, richten we ons eerst samen met u op veiligheid, en we zijn eerlijk over wat we dan moeten doen."),
    ("nl", "Zelfhulp voorstellen", "Tussen de gesprekken door kan ons zelfhulpmateriaal u helpen. Het is ook anoniem, en u kunt het in uw eigen tempo doorlopen: [link]"),
    ("nl", "Afsluiting", "Bedankt voor ons gesprek vandaag. Contact opnemen vraagt moed. U bent altijd welkom om terug te komen als u dat nodig hebt. Zorg goed voor uzelf."),
    ("fr", "Accueil", "Bonjour, et merci d'avoir pris contact. Je m'appelle [prénom] et je suis l'un des écoutants ici. Prenez tout le temps dont vous avez besoin. De quoi aimeriez-vous parler aujourd'hui ?"),
    ("fr", "La confidentialité et ses limites", "Ce chat est anonyme. Nous ne vous demandons pas votre nom et nous ne gardons pas ce que vous écrivez. Il y a toutefois des limites : si vous nous dites qu'un enfant est en danger en ce moment, ou que votre propre vie est en danger, nous nous occuperons d'abord de la sécurité avec vous, et nous vous dirons honnêtement ce que nous devons faire."),
    ("fr", "Suggestion d'auto-assistance", "Entre deux échanges, nos contenus d'auto-assistance peuvent vous être utiles. Ils sont anonymes eux aussi, et vous pouvez les parcourir à votre rythme : [lien]"),
    ("fr", "Conclusion", "Merci pour cet échange aujourd'hui. Prendre contact demande du courage. Vous pouvez revenir quand vous en avez besoin. Prenez soin de vous."),
    ("es", "Saludo", "Hola, y gracias por ponerse en contacto. Me llamo [nombre] y soy uno de los orientadores. Tómese todo el tiempo que necesite. ¿De qué le gustaría hablar hoy?"),
    ("es", "La confidencialidad y sus límites", "Este chat es anónimo. No le pedimos su nombre y no guardamos lo que escribe. Hay límites, eso sí: si nos cuenta que un menor está en peligro ahora mismo, o que su propia vida está en peligro, primero nos ocuparemos con usted de la seguridad, y le diremos con sinceridad qué tenemos que hacer."),
    ("es", "Sugerencia de autoayuda", "Entre una conversación y otra, nuestro material de autoayuda puede serle útil. También es anónimo, y puede recorrerlo a su ritmo: [enlace]"),
    ("es", "Despedida", "Gracias por hablar conmigo hoy. Pedir ayuda requiere valor. Puede volver siempre que lo necesite. Cuídese."),
]


def add_languages(apps, schema_editor):
    TriageQuestion = apps.get_model("helpline", "TriageQuestion")
    TriageOption = apps.get_model("helpline", "TriageOption")
    CannedResponse = apps.get_model("helpline", "CannedResponse")
    for code, texts in QUESTIONS.items():
        question = TriageQuestion.objects.filter(code=code).first()
        if question is None:
            continue
        question.translations = {**texts, **(question.translations or {})}
        question.save(update_fields=["translations"])
        for option in TriageOption.objects.filter(question=question):
            names = OPTIONS.get((code, option.code), {})
            option.translations = {**{lang: {"text": text} for lang, text in names.items()}, **(option.translations or {})}
            option.save(update_fields=["translations"])
        if code == "language":
            position = max(TriageOption.objects.filter(question=question).values_list("position", flat=True), default=0)
            for language, name in NEW_LANGUAGES:
                if TriageOption.objects.filter(question=question, code=language).exists():
                    continue
                position += 10
                TriageOption.objects.create(
                    question=question, code=language, position=position, text=name, language=language,
                    translations={lang: {"text": name} for lang in ("de", "nl", "fr", "es", "ar")},
                )
    for language in {language for language, _, _ in CANNED}:
        if CannedResponse.objects.filter(language=language).exists():
            continue
        for number, (_, title, body) in enumerate(row for row in CANNED if row[0] == language):
            CannedResponse.objects.create(language=language, title=title, body=body, position=(number + 1) * 10)


def remove_languages(apps, schema_editor):
    TriageQuestion = apps.get_model("helpline", "TriageQuestion")
    TriageOption = apps.get_model("helpline", "TriageOption")
    CannedResponse = apps.get_model("helpline", "CannedResponse")
    TriageOption.objects.filter(question__code="language", code__in=[code for code, _ in NEW_LANGUAGES]).delete()
    for model in (TriageQuestion, TriageOption):
        for row in model.objects.all():
            kept = {lang: text for lang, text in (row.translations or {}).items() if lang not in ("nl", "fr", "es", "ar")}
            if kept != row.translations:
                row.translations = kept
                row.save(update_fields=["translations"])
    for language, title, body in CANNED:
        CannedResponse.objects.filter(language=language, title=title, body=body).delete()


class Migration(migrations.Migration):
    dependencies = [("helpline", "0005_staff_admin")]

    operations = [migrations.RunPython(add_languages, remove_languages)]
