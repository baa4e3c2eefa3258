# ruff: noqa: E501  (prose content: long lines are paragraphs)
"""Beispielinhalte auf Deutsch (example starter content in German), written for this project.

Like the English content, every item is example content for the service's clinicians to review.
Every English article, module and landing page has a German version, so German pages never fall
back to English for shipped content (tests/resources/test_views.py checks this).
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

ARTICLES = [
    {
        "slug": "you-are-not-alone",
        "category": "understanding",
        "audience": "self",
        "title": "Sie sind nicht allein",
        "summary": "Viele Menschen leiden unter sexuellen Gedanken an Kinder und handeln nie danach. Sich Hilfe zu holen, ist ein starker und verantwortungsvoller Schritt.",
        "body": """Wenn Sie das lesen, machen Sie sich vielleicht Sorgen wegen sexueller Gedanken an Kinder. Vielleicht fühlen Sie sich erschrocken, beschämt oder verwirrt. Diese Gefühle sind verständlich, und sie zeigen, dass Ihnen wichtig ist, das Richtige zu tun.

Sie sind nicht der einzige Mensch in dieser Lage. Viele Menschen mit solchen Gedanken haben nie einem Kind geschadet und werden es nie tun. Angebote wie dieses gibt es, weil Menschen in Ihrer Lage jeden Tag um Hilfe bitten.

## Was hilft

- **Reden.** Wer alles für sich behält, empfindet es meist als schwerer. Ein anonymes Gespräch mit einer geschulten Beraterin oder einem geschulten Berater kann helfen, zu verstehen, was passiert.
- **Verstehen.** Wer mehr über Gedanken, Gefühle und Handlungen weiß, fühlt sich weniger überwältigt.
- **Unterstützung, die zu Ihnen passt.** Manche beginnen mit Selbsthilfe, andere möchten zu einer Therapeutin oder einem Therapeuten. Es gibt nicht den einen richtigen Weg.

## Was Sie heute tun können

Sie könnten einen weiteren Artikel lesen, das Schritt-für-Schritt-Modul ausprobieren oder einen anonymen Chat beginnen. Sie müssen nicht jetzt alles entscheiden. Ein kleiner Schritt genügt.""",
    },
    {
        "slug": "thoughts-are-not-actions",
        "category": "understanding",
        "audience": "self",
        "title": "Gedanken sind keine Handlungen",
        "summary": "Einen Gedanken zu haben heißt nicht, danach zu handeln. Was Sie als Nächstes tun, liegt in Ihrer Hand.",
        "body": """Gedanken kommen oft ungefragt. Einen Gedanken zu haben, auch einen, der Ihnen Angst macht, ist nicht dasselbe, wie danach zu handeln, und er bestimmt nicht, wer Sie sind.

Entscheidend ist, was Sie mit dem Gedanken tun. Man kann lernen, einen Gedanken zu bemerken, ihn vorbeiziehen zu lassen und eine Handlung zu wählen, die zu den eigenen Werten passt.

## Warum das Bekämpfen von Gedanken nach hinten losgehen kann

Wer einen Gedanken mit aller Kraft wegschieben will, erlebt oft, dass er stärker zurückkommt. Vielen hilft es mehr, den Gedanken ruhig zu bemerken („das ist ein Gedanke, kein Befehl“) und die Aufmerksamkeit dann auf etwas anderes zu lenken.

## Wann Sie mehr Unterstützung suchen sollten

Bitte melden Sie sich, wenn

- die Gedanken viel Zeit oder Kraft kosten,
- Sie merken, dass Sie dem Handeln näher kommen,
- Sie sich hoffnungslos fühlen oder daran denken, sich etwas anzutun.

Sie können anonym mit einer Beraterin oder einem Berater sprechen oder die Krisenkontakte nutzen, wenn Sie sofort Hilfe brauchen.""",
    },
    {
        "slug": "shame-and-reaching-out",
        "category": "understanding",
        "audience": "self",
        "title": "Scham, Angst und der Schritt, sich zu melden",
        "summary": "Scham lässt Menschen oft schweigen. Warum es leichter werden kann, mit jemandem zu sprechen, ohne den eigenen Namen zu nennen.",
        "body": """Scham ist eines der häufigsten Gefühle, von denen Menschen beim ersten Kontakt mit einem Angebot wie diesem erzählen. Sie kann dazu führen, dass man sich verstecken, nicht nachdenken oder alles allein bewältigen möchte.

Scham tut weh, aber sie ist kein Grund zu schweigen. Reden nimmt ihr oft etwas von ihrem Gewicht.

## Häufige Sorgen vor dem ersten Kontakt

- *„Man wird mich verurteilen.“* Unsere Beraterinnen und Berater sind darin geschult, zuzuhören, ohne zu urteilen.
- *„Man wird mich erkennen.“* Sie können mit uns sprechen, ohne Ihren Namen zu nennen. Unsere Erklärung zur Vertraulichkeit sagt, was anonym bleibt und wo die Grenzen liegen.
- *„Ich weiß nicht, was ich sagen soll.“* Sie können mit „Ich weiß nicht, wo ich anfangen soll“ beginnen. Die Beratung hilft Ihnen weiter.

## Freundlich mit sich selbst sein

Freundlich mit sich selbst zu sein heißt nicht, schädliches Verhalten zu entschuldigen. Es heißt, sich selbst als jemanden zu sehen, der Unterstützung verdient, um sicher und gut zu leben. Das ist eine Grundlage für Veränderung.""",
    },
    {
        "slug": "noticing-warning-signs",
        "category": "staying-in-control",
        "audience": "self",
        "title": "Die eigenen Warnzeichen erkennen",
        "summary": "Die meisten Menschen haben frühe Zeichen dafür, dass es schwieriger wird. Wer seine kennt, gewinnt Zeit zum Handeln.",
        "body": """Schwierige Momente kommen selten aus dem Nichts. Oft gibt es frühere Zeichen: Gefühle, Situationen oder Gewohnheiten, die es schwerer machen.

## Zeichen, die viele bemerken

- sich lange einsam, gelangweilt, niedergeschlagen oder gestresst fühlen,
- schlecht schlafen oder mehr Alkohol trinken als sonst,
- spätabends viele Stunden online sein,
- sich sagen, dass es „nur dieses eine Mal“ egal wäre,
- Geheimnisse vor nahestehenden Menschen haben.

## Die eigene Liste

Denken Sie an Zeiten zurück, in denen es schwierig war. Was geschah in den Stunden oder Tagen davor? Schreiben Sie die Zeichen auf, die Sie wiedererkennen. Bewahren Sie die Liste an einem privaten Ort auf.

Wenn Sie ein Zeichen bemerken, nehmen Sie es als Signal, Ihren Plan zu nutzen: etwas anderes tun, die Situation verlassen oder mit jemandem sprechen. Unser Schritt-für-Schritt-Modul hilft Ihnen, diesen Plan zu machen.""",
    },
    {
        "slug": "coping-in-difficult-moments",
        "category": "staying-in-control",
        "audience": "self",
        "title": "Wenn die Gedanken stark sind",
        "summary": "Kurze, praktische Schritte für einen schwierigen Moment, um sicher zu bleiben und das Gefühl vorbeigehen zu lassen.",
        "body": """Starke Impulse und Gedanken steigen und fallen wie eine Welle. Meist gehen sie vorbei, besonders wenn Sie ändern, was Sie gerade tun.

## Was Sie jetzt tun können

1. **Die Situation ändern.** Verlassen Sie den Raum, schließen Sie das Gerät, gehen Sie dorthin, wo andere Menschen sind.
2. **Langsamer atmen.** Atmen Sie einige Minuten lang vier Zählzeiten ein und sechs aus.
3. **Sich bewegen.** Ein Spaziergang, etwas Dehnen oder eine Aufgabe im Haushalt lenken die Aufmerksamkeit um.
4. **Jemanden kontaktieren.** Eine Freundin oder einen Freund, eine Telefonberatung oder einen anonymen Chat mit der Beratung.
5. **Sich erinnern, warum.** Denken Sie an die Menschen und Dinge, die Ihnen wichtig sind.

## Danach

Wenn der Moment vorbei ist, achten Sie darauf, was geholfen hat. Nehmen Sie es in Ihren Plan auf. Wenn solche Momente oft vorkommen, sprechen Sie bitte mit einer Beraterin, einem Berater oder in einer Therapie darüber: Sie müssen das nicht allein bewältigen.

Wenn Sie fürchten, nach Ihren Gedanken zu handeln, oder daran denken, sich etwas anzutun, nutzen Sie bitte jetzt die Krisenkontakte.""",
    },
    {
        "slug": "looking-after-yourself",
        "category": "staying-in-control",
        "audience": "self",
        "title": "Schlaf, Stress, Alkohol und Ihr Wohlbefinden",
        "summary": "Wer gut für seine Gesundheit sorgt, kann schwierige Gedanken leichter bewältigen.",
        "body": """Es fällt leichter, die Kontrolle zu behalten, wenn der Alltag stabil ist. Kleine Veränderungen darin, wie Sie für sich sorgen, können viel bewirken.

## Bereiche, auf die Sie schauen können

- **Schlaf.** Müdigkeit verringert die Widerstandskraft. Versuchen Sie, regelmäßig zu denselben Zeiten ins Bett zu gehen und aufzustehen.
- **Alkohol und Drogen.** Sie senken Hemmungen und machen riskante Situationen wahrscheinlicher. Weniger zu trinken ist ein schützender Schritt.
- **Stress.** Achten Sie darauf, was ihn auslöst und was hilft, etwa Zeit draußen, Bewegung oder Gespräche.
- **Verbindung.** Zeit mit Menschen, denen Sie vertrauen, in sicheren Situationen verringert Einsamkeit.
- **Sinn.** Arbeit, Ausbildung, Hobbys oder ein Ehrenamt, die zu Ihrer Lage passen, geben Struktur und Sinn.

## Ein Schritt nach dem anderen

Wählen Sie eine kleine Veränderung, die Sie diese Woche ausprobieren. Wenn Niedergeschlagenheit, Angst oder Hoffnungslosigkeit nicht nachlassen, kann auch dabei eine Ärztin, ein Arzt oder eine Therapie helfen.""",
    },
    {
        "slug": "finding-professional-help",
        "category": "getting-help",
        "audience": "self",
        "title": "Fachliche Hilfe in Ihrer Nähe finden",
        "summary": "Wie Sie eine Therapeutin, einen Therapeuten oder eine Ärztin finden, was Sie sagen können und was Sie beim ersten Termin erwartet.",
        "body": """Ein persönliches Gespräch mit einer Fachkraft kann Ihnen dauerhafte Unterstützung geben, die zu Ihrer Lage passt. Viele Menschen erleben es als den hilfreichsten Schritt.

## Wo Sie anfangen können

- **Ihre Hausärztin oder Ihr Hausarzt.** Dort können Sie über Ihr Befinden sprechen und an Fachstellen überwiesen werden.
- **Spezialisierte Präventionsangebote.** In manchen Ländern gibt es Angebote für Menschen, die sich wegen sexueller Gedanken an Kinder Sorgen machen, in Deutschland zum Beispiel „Kein Täter werden“. Unsere Beratung kann Ihnen sagen, was es dort gibt, wo Sie leben.
- **Psychotherapie.** Suchen Sie nach jemandem mit anerkannter Zulassung und Erfahrung in diesem Bereich.

## Was Sie sagen können

Sie können mit dem beginnen, was Sie am meisten beschäftigt, in Ihren eigenen Worten. Es ist in Ordnung, zuerst zu fragen, wie die Schweigepflicht in dieser Praxis geregelt ist und wo ihre Grenzen liegen, bevor Sie Einzelheiten erzählen.

## Was Sie erwartet

Beim ersten Termin geht es meist darum, sich kennenzulernen und zu vereinbaren, woran Sie arbeiten möchten. Wenn die erste Person nicht passt, ist es in Ordnung, jemand anderen zu suchen.

Wenn Sie dabei Unterstützung möchten, können Sie anonym mit unserer Beratung chatten.""",
    },
    {
        "slug": "what-happens-in-a-chat",
        "category": "getting-help",
        "audience": "self",
        "title": "Was im Chat mit uns passiert",
        "summary": "Ein anonymer Chat Schritt für Schritt, damit Sie vorher wissen, was Sie erwartet.",
        "body": """Zu wissen, was passiert, kann den Anfang leichter machen.

1. **Vor dem Chat** können Sie ein paar freiwillige Fragen beantworten. Sie helfen uns, die passende Unterstützung anzubieten. Sie können sie überspringen.
2. **Während Sie warten**, sehen Sie Ihren Platz in der Warteschlange. Sie können Selbsthilfe-Seiten lesen und jederzeit gehen.
3. **Im Chat** hört Ihnen eine geschulte Beraterin oder ein geschulter Berater zu, hilft beim Durchdenken und kann nächste Schritte vorschlagen. Das Gespräch ist zwischen Ihrem Browser und dem der Beratung verschlüsselt.
4. **Am Ende** können Sie gehen, wann Sie möchten. Wir speichern nicht, was Sie geschrieben haben.

## Wonach wir nicht fragen

Wir fragen nicht nach Ihrem Namen, speichern Ihre IP-Adresse nicht und setzen keine Cookies.

## Grenzen

Unsere Erklärung zur Vertraulichkeit, die vor dem Chat erscheint, sagt, was anonym bleibt und wo die Grenzen liegen. Bitte lesen Sie sie; die Beratung beantwortet gern Fragen dazu.

Der Chat ist nicht zu jeder Zeit geöffnet. Wenn wir geschlossen haben, sind die Selbsthilfe-Seiten und die Krisenkontakte trotzdem da.""",
    },
    {
        "slug": "stopping-viewing-illegal-images",
        "category": "online",
        "audience": "self",
        "title": "Wenn Sie sich Sorgen machen, weil Sie illegale Bilder von Kindern ansehen",
        "summary": "Illegale Bilder von Kindern verursachen echtes Leid. Es gibt Hilfe, um damit aufzuhören, und aufzuhören ist möglich.",
        "body": """Jedes illegale Bild eines Kindes zeigt echtes Leid eines echten Kindes. Wer solche Bilder ansieht oder teilt, vergrößert dieses Leid, und es ist in den meisten Ländern eine Straftat.

Wenn Sie solche Bilder angesehen haben oder sich dazu hingezogen fühlen: Sie können aufhören, und Sie können Hilfe dabei bekommen.

## Schritte, die helfen

- **Den Zugang erschweren.** Entfernen Sie Apps und Konten, die Sie dafür genutzt haben, und nutzen Sie Filterprogramme.
- **Muster erkennen.** Wann, wo und wie passiert es? Späte Abende, Alleinsein und Alkohol spielen oft eine Rolle.
- **Die Lücke füllen.** Planen Sie für die schwierigsten Zeiten andere Beschäftigungen.
- **Mit jemandem sprechen.** Anonyme Unterstützung kann helfen, zu verstehen, was passiert, und einen Plan zu machen.

## Sie können sich verändern

Viele Menschen haben mit der richtigen Unterstützung aufgehört. Unser Schritt-für-Schritt-Modul und ein anonymer Chat mit der Beratung sind gute Anfänge.

Wenn Sie sich überfordert fühlen oder daran denken, sich etwas anzutun, nutzen Sie bitte die Krisenkontakte.""",
    },
    {
        "slug": "worried-about-someone",
        "category": "family-and-friends",
        "audience": "family",
        "title": "Sorgen um einen nahestehenden Menschen",
        "summary": "Wenn Sie sich wegen der Gedanken oder des Verhaltens eines Partners, Angehörigen oder Freundes Sorgen machen, können auch Sie Unterstützung bekommen.",
        "body": """Es kann sehr schwer sein, sich um einen Menschen zu sorgen, der einem wichtig ist. Vielleicht sind Sie erschüttert, verwirrt oder hin- und hergerissen zwischen verschiedenen Gefühlen. All das ist verständlich.

## Sie können sich Unterstützung holen

Sie müssen nicht alle Antworten haben und sich nicht sicher sein, was passiert. Sie können anonym mit uns über Ihre Sorgen sprechen.

## Kinder schützen

Wenn Sie glauben, dass ein Kind gerade jetzt in Gefahr ist, rufen Sie den örtlichen Notruf an. Wenn Sie sich sorgen, aber keine unmittelbare Gefahr besteht, kann die Beratung Ihnen helfen zu überlegen, was Sie als Nächstes tun können und welche Stellen vor Ort helfen.

## Für sich selbst sorgen

Jemanden zu unterstützen kann erschöpfen. Überlegen Sie, mit wem Sie sprechen können, und nehmen Sie sich Zeit für sich. Auch Ihr Wohlbefinden zählt.""",
    },
    {
        "slug": "when-someone-tells-you",
        "category": "family-and-friends",
        "audience": "family",
        "title": "Wenn Ihnen jemand von seinen Gedanken erzählt",
        "summary": "Wenn Ihnen jemand sagt, dass er sich wegen sexueller Gedanken an Kinder Sorgen macht, kann Ihre Reaktion helfen, dass er Unterstützung bekommt.",
        "body": """Wenn Ihnen jemand erzählt, dass ihn sexuelle Gedanken an Kinder belasten, hat ihn das wahrscheinlich viel Mut gekostet. Es ist normal, erschrocken oder aufgewühlt zu sein.

## Wie Sie reagieren können

- **Bleiben Sie ruhig, wenn Sie können.** Sie müssen nicht perfekt reagieren.
- **Hören Sie zu.** Lassen Sie die Person in ihren eigenen Worten erzählen.
- **Ermutigen Sie zur Hilfe.** Sagen Sie, dass es spezialisierte, anonyme Unterstützung gibt, etwa dieses Angebot.
- **Denken Sie an die Sicherheit.** Fragen Sie, ob ein Kind gefährdet ist. Wenn ein Kind jetzt in Gefahr ist, rufen Sie den örtlichen Notruf an.

## Ihre eigenen Gefühle

Vielleicht brauchen Sie Zeit, um das Gehörte zu verarbeiten. Sie können sich anonym an uns wenden, um selbst Unterstützung zu bekommen und zu überlegen, was Sie als Nächstes tun.""",
    },
    {
        "slug": "for-young-people",
        "category": "understanding",
        "audience": "young",
        "title": "Für junge Menschen: Sorgen wegen der eigenen Gedanken",
        "summary": "Wenn du jung bist und dir wegen sexueller Gedanken an jüngere Kinder Sorgen machst, kannst du Hilfe bekommen, und es kann besser werden.",
        "body": """Wenn du ein Teenager oder junger Erwachsener bist und dir wegen sexueller Gedanken an jüngere Kinder Sorgen machst, fühlst du dich vielleicht ängstlich, allein oder verwirrt. Du bist kein schlechter Mensch, weil du um Hilfe bittest. Zu fragen ist mutig und verantwortungsvoll.

## Was helfen kann

- **Mit einer erwachsenen Vertrauensperson sprechen**, zum Beispiel mit der Schulsozialarbeit, einer Ärztin, einem Arzt oder einer anderen erwachsenen Person, bei der du dich sicher fühlst.
- **Anonyme Unterstützung.** Du kannst hier mit der Beratung chatten, ohne deinen Namen zu nennen.
- **Gut für dich sorgen.** Schlaf, Freundinnen und Freunde, Dinge, die dir Freude machen, und Zeit ohne Bildschirm helfen.

## Online

Wenn du online Bilder von Kindern gesehen hast, die illegal sind, hör auf hinzusehen und schließ die Seite. Solche Bilder schaden echten Kindern. Sprich mit jemandem darüber, was passiert ist.

Wenn es dir sehr schlecht geht oder du daran denkst, dir etwas anzutun, nutze bitte jetzt die Krisenkontakte.""",
    },
    {
        "slug": "young-people-online",
        "category": "online",
        "audience": "young",
        "title": "Für junge Menschen: sicher im Internet",
        "summary": "Einfache Schritte, damit du mehr Kontrolle darüber hast, was du online tust und siehst.",
        "body": """Das Internet ist ein großer Teil des Lebens, und es kann auch an Orte führen, die sich falsch oder beängstigend anfühlen.

## Schritte, die helfen

- Schalte auf deinen Geräten sichere Suche und Inhaltsfilter ein.
- Mach Pausen vom Bildschirm, besonders spät abends.
- Wenn dir online etwas unangenehm ist, schließ es und sprich mit jemandem, dem du vertraust.
- Teile nie Bilder von dir oder anderen, die nicht alle sehen sollen. Sexuelle Bilder von Menschen unter 18 zu teilen ist in vielen Ländern verboten, auch unter jungen Menschen.

## Wenn du dir Sorgen machst, was du angesehen hast

Du kannst aufhören, und du kannst Unterstützung bekommen. Chatte anonym mit der Beratung oder sprich mit einer erwachsenen Vertrauensperson.""",
    },
    {
        "slug": "responding-to-disclosure",
        "category": "professionals",
        "audience": "professional",
        "title": "Wenn eine Klientin oder ein Klient sexuelle Gedanken an Kinder anspricht",
        "summary": "Hinweise für Fachleute: ruhig reagieren, Kinder schützen und an spezialisierte Unterstützung verweisen.",
        "body": """Fachleute in Gesundheitswesen, Sozialer Arbeit, Bildung und anderen Bereichen hören womöglich, wie jemand sexuelle Gedanken an Kinder anspricht. Eine ruhige, nicht wertende Reaktion macht es wahrscheinlicher, dass die Person Hilfe annimmt.

## Grundsätze

- **Zuhören und anerkennen**, wie viel Mut es gekostet hat, darüber zu sprechen.
- **Gedanken und Verhalten unterscheiden.** Fragen Sie, welche Unterstützung die Person braucht und ob ein Kind gefährdet ist.
- **Ihre Schutzpflichten beachten.** Kennen Sie die Regeln Ihrer Einrichtung und Ihre rechtlichen Pflichten, und seien Sie der Person gegenüber offen darüber.
- **Weiterverweisen.** Spezialisierte Präventionsangebote, auch dieses, können neben Ihrer Arbeit anonyme Unterstützung bieten.

## Für sich selbst sorgen

Solche Gespräche können belasten. Nutzen Sie Supervision und kollegiale Beratung.""",
    },
    {
        "slug": "referring-to-this-service",
        "category": "professionals",
        "audience": "professional",
        "title": "Jemanden an dieses Angebot verweisen",
        "summary": "Was dieses Angebot bietet und wie Sie Menschen davon erzählen können.",
        "body": """Dieses Angebot bietet anonyme Chats mit geschulten Beraterinnen und Beratern und Selbsthilfe-Material für Menschen, die sich wegen sexueller Gedanken an Kinder Sorgen machen, und für die Menschen, die ihnen nahestehen.

## Was Menschen erwartet

- kein Name, kein Konto, keine Cookies und keine gespeicherte IP-Adresse,
- ein Ende-zu-Ende-verschlüsselter Chat mit der Beratung während der Öffnungszeiten,
- Selbsthilfe-Artikel und ein Schritt-für-Schritt-Modul zu jeder Zeit,
- Krisenkontakte für mehrere Länder.

## Wie Sie von dem Angebot erzählen können

Sie können die Adresse dieser Website weitergeben. Plattformen und Partnerorganisationen können eine eigene Landingpage mit einem kurzen Code bekommen, damit das Angebot, nur als Gesamtzahl, zählen kann, wie viele Menschen über welchen Partner kommen.""",
    },
]

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
    {
        "code": "partner-referral",
        "kind": "referral",
        "title": "Anonyme Hilfe, ohne Urteil",
        "body": """Eine Partnerorganisation hat Ihnen dieses Angebot empfohlen. Wenn Sie sich wegen sexueller Gedanken an Kinder Sorgen machen, können Sie Selbsthilfe-Material lesen oder anonym mit einer geschulten Beraterin oder einem geschulten Berater sprechen.

Wir fragen nicht nach Ihrem Namen, setzen keine Cookies und speichern Ihre IP-Adresse nicht.""",
    },
]
