# ruff: noqa: E501  (prose content: long lines are paragraphs)
"""Contenido de ejemplo en español (example starter content in Spanish), written for this project.

Like the English content, every item is example content for the service's clinicians to review.
Articles without a Spanish version are shown in English, with a notice in Spanish (resources.content).
"""

from __future__ import annotations

CATEGORY_NAMES = {
    "understanding": ("Entender sus pensamientos", "Qué son estos pensamientos, qué no son y por qué importa pedir ayuda."),
    "staying-in-control": ("Mantener el control", "Reconocer las señales de alarma, afrontar los momentos difíciles y cuidarse."),
    "getting-help": ("Buscar ayuda", "Hablar con nosotros, encontrar a un profesional y saber qué esperar."),
    "online": ("Seguridad en internet", "Apoyo si le preocupa su uso de internet."),
    "family-and-friends": ("Para familiares y amistades", "Si le preocupa alguien cercano."),
    "professionals": ("Para profesionales", "Para quienes acompañan a otras personas en su trabajo."),
}

ARTICLES: list[dict] = []

MODULES = [
    {
        "slug": "first-steps",
        "audience": "self",
        "title": "Primeros pasos: entender los pensamientos difíciles y manejarlos",
        "summary": "Seis pasos breves para entender lo que ocurre, reconocer sus señales de alarma y preparar un plan para los momentos difíciles.",
        "steps": [
            {
                "title": "Por qué está aquí",
                "body": """Empezar este módulo es un paso positivo. Está eligiendo entender sus pensamientos y vivir de una manera segura para los menores y para usted.

El módulo tiene seis pasos breves. Cada uno incluye una pregunta para reflexionar. Lo que escriba se queda solo en esta pestaña del navegador; nunca lo vemos.

Tómese su tiempo. Puede parar y volver más tarde.""",
                "exercise": "¿Qué le hizo decidir buscar ayuda hoy?",
            },
            {
                "title": "Pensamientos, sentimientos y actos",
                "body": """Los pensamientos, los sentimientos y los actos están relacionados, pero no son lo mismo. Un pensamiento puede venir e irse sin que usted actúe.

Muchas personas notan que los pensamientos son más fuertes en ciertos momentos: con estrés, soledad, cansancio o después de beber. Saberlo le da más opciones.""",
                "exercise": "¿Cuándo suelen ser más fuertes los pensamientos? ¿Qué más ocurre en esos momentos?",
            },
            {
                "title": "Conocer sus señales de alarma",
                "body": """Las señales de alarma son pistas tempranas de que las cosas se están poniendo más difíciles. Pueden ser sentimientos (como el ánimo bajo), situaciones (como estar solo en internet de madrugada) o pensamientos (como «por una vez no pasa nada»).

Detectarlas pronto le da tiempo para cambiar de rumbo.""",
                "exercise": "Escriba tres señales tempranas que le indican que las cosas se están poniendo más difíciles.",
            },
            {
                "title": "Un plan para los momentos difíciles",
                "body": """Un plan hecho en un momento de calma es más fácil de seguir en uno difícil. Un buen plan es breve y práctico:

- cosas que puede hacer en su lugar,
- sitios a los que puede ir,
- personas o servicios con los que puede contactar, incluidos el chat anónimo y las líneas de crisis.""",
                "exercise": "Escriba tres cosas que puede hacer en su lugar y una persona o servicio con quien podría contactar.",
            },
            {
                "title": "Construir una vida que le apoye",
                "body": """Mantenerse a salvo es más fácil cuando la vida tiene estructura, vínculos y sentido. El sueño, la actividad, el tiempo con personas de confianza y las cosas que le importan ayudan.

El cambio no tiene por qué ser grande. Un pequeño paso cada vez es suficiente.""",
                "exercise": "Nombre una cosa que podría hacer esta semana y que le haga bien.",
            },
            {
                "title": "Seguir adelante y buscar apoyo",
                "body": """Ha dado el primer paso. A muchas personas les ayuda hablarlo con alguien: de forma anónima con uno de nuestros orientadores, o en persona con un terapeuta.

Si alguna vez se siente desbordado o piensa en hacerse daño, los contactos de crisis están ahí para usted, de día y de noche.""",
                "exercise": "Si contactara con un orientador, ¿de qué le gustaría hablar primero?",
            },
        ],
    },
]

LANDING_PAGES = [
    {
        "code": "platform-warning",
        "kind": "deterrence",
        "title": "Este contenido no está disponible. La ayuda, sí.",
        "body": """La búsqueda o el enlace que le ha traído aquí puede llevar a imágenes de menores que son ilegales. Estas imágenes registran un daño real a menores reales, y verlas es un delito en la mayoría de los países.

Si le preocupan sus pensamientos o lo que ha estado viendo, puede parar, y hay ayuda confidencial. No tiene que dar su nombre.""",
    },
    {
        "code": "partner-referral",
        "kind": "referral",
        "title": "Ayuda anónima, sin juicios",
        "body": """Una organización colaboradora le ha recomendado este servicio. Si le preocupan pensamientos sexuales sobre menores, puede leer material de autoayuda o hablar de forma anónima con un orientador formado.

No le pedimos su nombre, no usamos cookies ni guardamos su dirección IP.""",
    },
]
