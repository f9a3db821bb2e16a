"""What simulated visitors say and what simulated agents answer.

Each workgroup has, per language, a few opening questions and follow-ups, each paired
with the answer an agent would give, so a simulated agent answering a simulated visitor
holds a conversation that makes sense. A question the agent does not recognise (a real
visitor on the chat page) gets a polite generic answer in the visitor's language.
``{product}`` stands for the product of the visitor's routing context.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

PRODUCTS = ("widgets", "gadgets")
LANGUAGES = (("en-US", 0.70), ("es-ES", 0.06), ("es-MX", 0.06), ("fr-FR", 0.09), ("de-DE", 0.09))


@dataclass(frozen=True, slots=True)
class Exchange:
    ask: str
    answer: str


@dataclass(frozen=True, slots=True)
class Script:
    """One workgroup's lines in one language."""

    openings: tuple[Exchange, ...]
    followups: tuple[Exchange, ...]


@dataclass(frozen=True, slots=True)
class Phrases:
    """Lines that do not depend on the workgroup, in one language."""

    thanks: tuple[str, ...]
    greeting: tuple[str, ...]
    """``{first}`` is the visitor's first name, ``{agent}`` the agent's."""
    generic: tuple[str, ...]
    welcome: tuple[str, ...]
    """The agent's answer to thanks."""
    more: str
    """The agent asks whether there is anything else."""
    idle_close: str
    shift_over: str
    must_go: str
    """The visitor has to leave before it is over."""
    still_there: str


NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "en": (
        ("Olivia", "Liam", "Emma", "Noah", "Ava", "James", "Sophia", "Lucas", "Mia", "Ethan", "Harper",
         "Mason", "Chloe", "Daniel", "Grace", "Henry", "Zoe", "Samuel", "Priya", "Jack", "Aisha", "Wei"),
        ("Martin", "Johnson", "Thompson", "Williams", "Robinson", "Carter", "Nguyen", "Bennett", "Patel",
         "Brooks", "Collins", "Reed", "Kim", "Foster", "O'Neill", "Walsh", "Turner", "Lee", "Morgan", "Okafor"),
    ),
    "es": (
        ("María", "José", "Lucía", "Carlos", "Sofía", "Javier", "Valentina", "Diego", "Camila", "Mateo"),
        ("García", "Fernández", "López", "Martínez", "Rodríguez", "Sánchez", "Ramírez", "Torres", "Flores"),
    ),
    "fr": (
        ("Camille", "Louis", "Chloé", "Hugo", "Léa", "Antoine", "Manon", "Julien", "Inès", "Théo"),
        ("Dubois", "Lefèvre", "Moreau", "Laurent", "Girard", "Bernard", "Rousseau", "Fontaine", "Petit"),
    ),
    "de": (
        ("Lena", "Jonas", "Anna", "Lukas", "Marie", "Felix", "Hannah", "Paul", "Leonie", "Maximilian"),
        ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Wagner", "Becker", "Hoffmann", "Koch"),
    ),
}

PHRASES: dict[str, Phrases] = {
    "en": Phrases(
        thanks=("Great, thanks for your help!", "That answers everything, thank you.",
                "Perfect, thanks a lot. Have a nice day!", "Thank you, that was really helpful."),
        greeting=("Hi {first}, this is {agent}. Thanks for reaching out!",
                  "Hello {first}, my name is {agent} and I'll be helping you today.",
                  "Hi {first}! {agent} here. Let me take a look at that for you."),
        generic=("Let me check that for you... yes, we can take care of that.",
                 "Good question. I've made a note on your account and a colleague will follow up by email.",
                 "I understand. The quickest way is through your account page, and I can walk you through it."),
        welcome=("You're welcome! Have a great day.", "Happy to help. Take care!",
                 "My pleasure. Thanks for chatting with us!"),
        more="Is there anything else I can help you with?",
        idle_close="I haven't heard back, so I'll close this chat now. Feel free to start a new one anytime.",
        shift_over="I'm sorry, I have to close the chat now. Please start a new one and a colleague will help.",
        must_go="Sorry, I have to go now. I'll come back later.",
        still_there="Hello? Is anyone there?",
    ),
    "es": Phrases(
        thanks=("¡Perfecto, muchas gracias por su ayuda!", "Gracias, eso es todo lo que necesitaba.",
                "Muy amable, ¡que tenga un buen día!"),
        greeting=("Hola {first}, soy {agent}. ¡Gracias por contactarnos!",
                  "Buenos días {first}, me llamo {agent} y le atenderé hoy."),
        generic=("Permítame comprobarlo... sí, podemos encargarnos de eso.",
                 "Entiendo. Le enviaré los detalles por correo electrónico en unos minutos."),
        welcome=("¡De nada! Que tenga un buen día.", "Con mucho gusto. ¡Hasta pronto!"),
        more="¿Hay algo más en lo que pueda ayudarle?",
        idle_close="No he recibido respuesta, así que cerraré este chat. Puede iniciar otro cuando quiera.",
        shift_over="Lo siento, tengo que cerrar el chat. Inicie uno nuevo y un compañero le atenderá.",
        must_go="Perdón, tengo que irme. Volveré más tarde.",
        still_there="¿Hola? ¿Hay alguien ahí?",
    ),
    "fr": Phrases(
        thanks=("Parfait, merci beaucoup pour votre aide !", "Merci, c'est tout ce qu'il me fallait.",
                "Très bien, merci et bonne journée !"),
        greeting=("Bonjour {first}, ici {agent}. Merci de nous avoir contactés !",
                  "Bonjour {first}, je m'appelle {agent} et je vais vous aider aujourd'hui."),
        generic=("Je vérifie... oui, nous pouvons nous en occuper.",
                 "Je comprends. Je vous envoie les détails par e-mail dans quelques minutes."),
        welcome=("Je vous en prie, bonne journée !", "Avec plaisir. À bientôt !"),
        more="Puis-je vous aider pour autre chose ?",
        idle_close="Sans réponse de votre part, je ferme ce chat. N'hésitez pas à en ouvrir un autre.",
        shift_over="Désolé, je dois fermer le chat. Ouvrez-en un nouveau et un collègue vous aidera.",
        must_go="Désolé, je dois partir. Je reviendrai plus tard.",
        still_there="Allô ? Il y a quelqu'un ?",
    ),
    "de": Phrases(
        thanks=("Super, vielen Dank für Ihre Hilfe!", "Danke, das war alles, was ich wissen wollte.",
                "Perfekt, danke und einen schönen Tag noch!"),
        greeting=("Hallo {first}, hier ist {agent}. Danke, dass Sie uns kontaktieren!",
                  "Guten Tag {first}, mein Name ist {agent}, ich helfe Ihnen heute gerne."),
        generic=("Ich schaue kurz nach... ja, darum können wir uns kümmern.",
                 "Verstehe. Ich schicke Ihnen die Details in ein paar Minuten per E-Mail."),
        welcome=("Gern geschehen! Schönen Tag noch.", "Sehr gerne. Auf Wiedersehen!"),
        more="Kann ich sonst noch etwas für Sie tun?",
        idle_close="Ich habe nichts mehr von Ihnen gehört und schließe den Chat. Sie können jederzeit einen neuen starten.",
        shift_over="Es tut mir leid, ich muss den Chat jetzt schließen. Ein Kollege hilft Ihnen in einem neuen Chat.",
        must_go="Entschuldigung, ich muss los. Ich melde mich später wieder.",
        still_there="Hallo? Ist da jemand?",
    ),
}


def _x(ask: str, answer: str) -> Exchange:
    return Exchange(ask, answer)


SCRIPTS: dict[str, dict[str, Script]] = {
    "Sales": {
        "en": Script(
            openings=(
                _x("Hi, I'm looking at your {product}. Do you offer volume discounts?",
                   "We do! Orders of 50 {product} or more get 10% off, and 20% from 200 units."),
                _x("Hello, can I get a quote for 30 {product} delivered to Chicago?",
                   "Of course. 30 {product} come to $1,470 with free shipping; I can email you the quote."),
                _x("Are the new {product} in stock yet?",
                   "Yes, they arrived this week. Standard orders ship within two business days."),
            ),
            followups=(
                _x("How long does delivery usually take?", "Within the continental US it's 3 to 5 business days."),
                _x("Can I pay by invoice?", "Yes, business customers can pay by invoice with 30-day terms."),
                _x("Is there a warranty?", "Every order comes with a two-year warranty, extendable to five."),
                _x("Do you have a demo I could try?", "Yes, I can book a free 30-day trial unit for you."),
            ),
        ),
        "es": Script(
            openings=(
                _x("Hola, ¿tienen descuentos por volumen en {product}?",
                   "¡Sí! A partir de 50 unidades hay un 10 % de descuento, y un 20 % desde 200."),
                _x("Buenas, ¿me pueden hacer un presupuesto de 30 {product}?",
                   "Claro, 30 unidades salen por 1.470 $ con envío gratuito. Se lo envío por correo."),
            ),
            followups=(
                _x("¿Cuánto tarda el envío?", "Normalmente entre 3 y 5 días laborables."),
                _x("¿Puedo pagar con factura?", "Sí, para empresas ofrecemos pago con factura a 30 días."),
            ),
        ),
        "fr": Script(
            openings=(
                _x("Bonjour, proposez-vous des remises sur les {product} en grande quantité ?",
                   "Oui ! 10 % à partir de 50 unités, et 20 % à partir de 200."),
                _x("Les nouveaux {product} sont-ils disponibles ?",
                   "Oui, ils sont arrivés cette semaine et partent sous deux jours ouvrés."),
            ),
            followups=(
                _x("Quel est le délai de livraison ?", "Comptez 3 à 5 jours ouvrés."),
                _x("Y a-t-il une garantie ?", "Chaque commande est garantie deux ans, extensible à cinq."),
            ),
        ),
        "de": Script(
            openings=(
                _x("Guten Tag, gibt es Mengenrabatt auf {product}?",
                   "Ja! Ab 50 Stück gibt es 10 % Rabatt, ab 200 Stück 20 %."),
                _x("Sind die neuen {product} schon lieferbar?",
                   "Ja, sie sind diese Woche eingetroffen und gehen innerhalb von zwei Werktagen raus."),
            ),
            followups=(
                _x("Wie lange dauert die Lieferung?", "In der Regel 3 bis 5 Werktage."),
                _x("Kann ich auf Rechnung bezahlen?", "Ja, Geschäftskunden zahlen auf Rechnung mit 30 Tagen Ziel."),
            ),
        ),
    },
    "Support": {
        "en": Script(
            openings=(
                _x("My {product} won't turn on after the latest update. Can you help?",
                   "Sorry about that! Please hold the power button for 15 seconds to reset it, then try again."),
                _x("I can't pair my phone with my {product}.",
                   "Let's fix that. Remove the device from your phone's Bluetooth list, then pair it again."),
                _x("The display on my {product} keeps flickering.",
                   "That's usually the brightness sensor. Turning off auto-brightness in Settings fixes it."),
            ),
            followups=(
                _x("Okay, I tried that but it still doesn't work.",
                   "Thanks for trying. Please update to firmware 4.2.1 from the app; it fixes that issue."),
                _x("Will I lose my settings if I reset it?", "No, a soft reset keeps all your settings."),
                _x("Where can I find the serial number?", "It's on the back, under the barcode, starting with SN."),
                _x("Is this covered by the warranty?",
                   "Yes, it's covered. I've opened case 48213 in case you need a replacement."),
            ),
        ),
        "es": Script(
            openings=(
                _x("Mis {product} no encienden desde la última actualización.",
                   "Lo siento. Mantenga pulsado el botón de encendido 15 segundos para reiniciarlos."),
                _x("No consigo conectar el móvil con mis {product}.",
                   "Elimine el dispositivo de la lista de Bluetooth del móvil y vuelva a emparejarlo."),
            ),
            followups=(
                _x("Ya lo he probado y sigue sin funcionar.",
                   "Gracias. Actualice al firmware 4.2.1 desde la aplicación; eso lo soluciona."),
                _x("¿Lo cubre la garantía?", "Sí, está cubierto. He abierto el caso 48213 por si necesita cambio."),
            ),
        ),
        "fr": Script(
            openings=(
                _x("Mes {product} ne s'allument plus depuis la mise à jour.",
                   "Désolé ! Maintenez le bouton d'alimentation 15 secondes pour les réinitialiser."),
                _x("Je n'arrive pas à connecter mon téléphone à mes {product}.",
                   "Supprimez l'appareil de la liste Bluetooth du téléphone puis associez-le à nouveau."),
            ),
            followups=(
                _x("J'ai essayé, mais ça ne marche toujours pas.",
                   "Merci. Installez le firmware 4.2.1 depuis l'application, cela corrige le problème."),
                _x("Est-ce couvert par la garantie ?", "Oui. J'ai ouvert le dossier 48213 au cas où."),
            ),
        ),
        "de": Script(
            openings=(
                _x("Meine {product} lassen sich seit dem letzten Update nicht mehr einschalten.",
                   "Das tut mir leid. Halten Sie die Ein-Taste 15 Sekunden lang gedrückt, um sie neu zu starten."),
                _x("Ich kann mein Handy nicht mit meinen {product} koppeln.",
                   "Entfernen Sie das Gerät aus der Bluetooth-Liste des Handys und koppeln Sie es neu."),
            ),
            followups=(
                _x("Das habe ich versucht, es geht immer noch nicht.",
                   "Danke. Bitte installieren Sie Firmware 4.2.1 über die App, das behebt den Fehler."),
                _x("Ist das durch die Garantie abgedeckt?", "Ja. Ich habe Fall 48213 angelegt, falls Sie Ersatz brauchen."),
            ),
        ),
    },
    "Billing": {
        "en": Script(
            openings=(
                _x("I was charged twice for my last order.",
                   "I'm sorry about that. I can see the duplicate charge and I've refunded it; "
                   "it takes 3 to 5 days to show."),
                _x("How do I update the credit card on my account?",
                   "Go to Account > Billing > Payment methods and choose 'Replace card'."),
                _x("Can I get a copy of my invoice from March?",
                   "Sure, I've just emailed the March invoice to the address on your account."),
            ),
            followups=(
                _x("Will I get a confirmation email?", "Yes, you'll get one within the hour."),
                _x("Can I switch to yearly billing?", "Yes, and yearly billing saves you two months."),
                _x("Why is there a late fee on my statement?",
                   "The payment arrived two days late. As a courtesy I've waived the fee this time."),
            ),
        ),
        "es": Script(
            openings=(
                _x("Me han cobrado dos veces el último pedido.",
                   "Lo siento. Veo el cargo duplicado y ya lo he reembolsado; tardará de 3 a 5 días."),
                _x("¿Cómo cambio la tarjeta de crédito de mi cuenta?",
                   "En Cuenta > Facturación > Métodos de pago, elija «Cambiar tarjeta»."),
            ),
            followups=(
                _x("¿Recibiré un correo de confirmación?", "Sí, lo recibirá en menos de una hora."),
                _x("¿Puedo pasar a facturación anual?", "Sí, y con la facturación anual ahorra dos meses."),
            ),
        ),
        "fr": Script(
            openings=(
                _x("J'ai été débité deux fois pour ma dernière commande.",
                   "Désolé. Je vois le double prélèvement et je l'ai remboursé ; comptez 3 à 5 jours."),
                _x("Comment changer la carte bancaire de mon compte ?",
                   "Dans Compte > Facturation > Moyens de paiement, choisissez « Remplacer la carte »."),
            ),
            followups=(
                _x("Vais-je recevoir un e-mail de confirmation ?", "Oui, dans l'heure."),
                _x("Puis-je passer à une facturation annuelle ?", "Oui, et vous économisez deux mois."),
            ),
        ),
        "de": Script(
            openings=(
                _x("Mir wurde die letzte Bestellung doppelt abgebucht.",
                   "Das tut mir leid. Ich sehe die doppelte Abbuchung und habe sie erstattet; "
                   "das dauert 3 bis 5 Tage."),
                _x("Wie ändere ich die Kreditkarte in meinem Konto?",
                   "Unter Konto > Abrechnung > Zahlungsarten auf „Karte ersetzen“ klicken."),
            ),
            followups=(
                _x("Bekomme ich eine Bestätigung per E-Mail?", "Ja, innerhalb einer Stunde."),
                _x("Kann ich auf jährliche Abrechnung umstellen?", "Ja, und damit sparen Sie zwei Monatsbeiträge."),
            ),
        ),
    },
}

GENERIC_SCRIPT: dict[str, Script] = {
    "en": Script(
        openings=(
            _x("Hi, I have a question about my account.", "Sure, I'd be glad to help with your account."),
            _x("Hello, can someone help me with my order?", "Of course. I've found your latest order."),
        ),
        followups=(
            _x("Can you send me that by email?", "Done, it's on its way to your inbox."),
            _x("How long will that take?", "It usually takes one to two business days."),
        ),
    ),
}


def language_key(language: str) -> str:
    """``es-MX`` -> ``es``; unknown languages fall back to English."""
    key = language.split("-")[0].lower()
    return key if key in PHRASES else "en"


def phrases(language: str) -> Phrases:
    return PHRASES[language_key(language)]


def script_for(workgroup: str, language: str) -> Script:
    by_language = SCRIPTS.get(workgroup, GENERIC_SCRIPT)
    return by_language.get(language_key(language)) or by_language.get("en") or GENERIC_SCRIPT["en"]


def _answer_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for by_language in [*SCRIPTS.values(), GENERIC_SCRIPT]:
        for script in by_language.values():
            for exchange in (*script.openings, *script.followups):
                for product in PRODUCTS:
                    index[exchange.ask.format(product=product)] = exchange.answer.format(product=product)
    return index


ANSWERS = _answer_index()
THANKS = frozenset(t for p in PHRASES.values() for t in p.thanks)
THANKS_WORDS = ("thank", "gracias", "merci", "danke")


def answer_for(text: str, language: str, rng: random.Random) -> str:
    """The agent's answer to a visitor's text: the scripted one, else a generic reply."""
    scripted = ANSWERS.get(text.strip())
    if scripted:
        return scripted
    if is_thanks(text):
        return rng.choice(phrases(language).welcome)
    return rng.choice(phrases(language).generic)


def is_thanks(text: str) -> bool:
    lowered = text.lower()
    return text in THANKS or any(word in lowered for word in THANKS_WORDS)


def pick_language(rng: random.Random) -> str:
    return rng.choices([code for code, _ in LANGUAGES], weights=[w for _, w in LANGUAGES])[0]


def pick_name(rng: random.Random, language: str) -> str:
    firsts, lasts = NAMES.get(language_key(language), NAMES["en"])
    return f"{rng.choice(firsts)} {rng.choice(lasts)}"


def first_name(name: str) -> str:
    return name.split()[0] if name.strip() else name
