"""The standard survey wording, per language. Survey authors may override the NPS question."""

TEXTS = {
    "en": {
        "nps": "How likely are you to recommend {partner} to a friend or colleague?",
        "effort": "{partner} made it easy for me to get what I needed.",
        "effort_low": "Strongly disagree", "effort_high": "Strongly agree",
        "low": "Not at all likely", "high": "Extremely likely",
        "comment": "What is the main reason for your score?",
        "submit": "Send my answer", "thanks": "Thank you! Your answer was recorded.",
        "subject": "{partner} and {vendor}: how did we do?",
        "intro": "You recently worked with {partner}, a partner of {vendor}. One click tells us how it went:",
        "unsubscribe": "Do not send me surveys from {vendor} again",
        "reminder": "Reminder: ",
    },
    "de": {
        "nps": "Wie wahrscheinlich ist es, dass Sie {partner} einem Freund oder Kollegen empfehlen?",
        "effort": "{partner} hat es mir leicht gemacht, zu bekommen, was ich brauchte.",
        "effort_low": "Stimme gar nicht zu", "effort_high": "Stimme voll zu",
        "low": "Äußerst unwahrscheinlich", "high": "Äußerst wahrscheinlich",
        "comment": "Was ist der wichtigste Grund für Ihre Bewertung?",
        "submit": "Antwort senden", "thanks": "Vielen Dank! Ihre Antwort wurde gespeichert.",
        "subject": "{partner} und {vendor}: Wie war Ihre Erfahrung?",
        "intro": "Sie haben kürzlich mit {partner}, einem Partner von {vendor}, gearbeitet. Ein Klick genügt:",
        "unsubscribe": "Keine Umfragen von {vendor} mehr senden",
        "reminder": "Erinnerung: ",
    },
    "fr": {
        "nps": "Quelle est la probabilité que vous recommandiez {partner} à un ami ou un collègue ?",
        "effort": "{partner} m'a facilité l'obtention de ce dont j'avais besoin.",
        "effort_low": "Pas du tout d'accord", "effort_high": "Tout à fait d'accord",
        "low": "Pas du tout probable", "high": "Très probable",
        "comment": "Quelle est la principale raison de votre note ?",
        "submit": "Envoyer ma réponse", "thanks": "Merci ! Votre réponse a été enregistrée.",
        "subject": "{partner} et {vendor} : comment s'est passée votre expérience ?",
        "intro": "Vous avez récemment travaillé avec {partner}, partenaire de {vendor}. Un clic suffit :",
        "unsubscribe": "Ne plus recevoir d'enquêtes de {vendor}",
        "reminder": "Rappel : ",
    },
    "es": {
        "nps": "¿Qué probabilidad hay de que recomiende {partner} a un amigo o colega?",
        "effort": "{partner} me facilitó conseguir lo que necesitaba.",
        "effort_low": "Totalmente en desacuerdo", "effort_high": "Totalmente de acuerdo",
        "low": "Nada probable", "high": "Muy probable",
        "comment": "¿Cuál es la razón principal de su puntuación?",
        "submit": "Enviar mi respuesta", "thanks": "¡Gracias! Su respuesta ha sido registrada.",
        "subject": "{partner} y {vendor}: ¿cómo lo hicimos?",
        "intro": "Hace poco trabajó con {partner}, socio de {vendor}. Un clic nos dice cómo fue:",
        "unsubscribe": "No enviarme más encuestas de {vendor}",
        "reminder": "Recordatorio: ",
    },
    "nl": {
        "nps": "Hoe waarschijnlijk is het dat u {partner} aanbeveelt aan een vriend of collega?",
        "effort": "{partner} maakte het mij makkelijk om te krijgen wat ik nodig had.",
        "effort_low": "Helemaal oneens", "effort_high": "Helemaal eens",
        "low": "Zeer onwaarschijnlijk", "high": "Zeer waarschijnlijk",
        "comment": "Wat is de belangrijkste reden voor uw score?",
        "submit": "Verstuur mijn antwoord", "thanks": "Bedankt! Uw antwoord is opgeslagen.",
        "subject": "{partner} en {vendor}: hoe deden we het?",
        "intro": "U werkte onlangs met {partner}, een partner van {vendor}. Eén klik vertelt ons hoe het ging:",
        "unsubscribe": "Stuur mij geen enquêtes meer van {vendor}",
        "reminder": "Herinnering: ",
    },
}


def texts_for(survey, partner_name: str, vendor_name: str) -> dict:
    """The survey's wording with names filled in; a custom NPS question overrides the standard one."""
    base = dict(TEXTS.get(survey.language, TEXTS["en"]))
    if survey.nps_question:
        base["nps"] = survey.nps_question
    # Plain replacement, not str.format: an author's braces must not break the page.
    return {key: value.replace("{partner}", partner_name).replace("{vendor}", vendor_name) for key, value in base.items()}
