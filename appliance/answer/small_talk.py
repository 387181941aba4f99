"""Messages that ask nothing of the material ("hi", "thanks!", "bye", "ok"), answered with the appliance's own reply.

Searched as questions, they found no answer, read "No answer to this question was found in the course material" and
counted as unanswered in the teacher's figures.
"""

import re

# Each kind of message, as whole phrases; a message is small talk when it is nothing but these (and a name to
# address, punctuation or emoji), so "hi, what is a lidar?" is a question as ever.
PHRASES = {
    "thanks": r"thanks*(?: you)?|thank (?:you|u)|thx|tx|ty|tysm|thanks* (?:a lot|a bunch|again)|many thanks|cheers|"
    r"(?:(?:thank you|thanks) )?(?:so|very) much|much appreciated|appreciate it|merci(?: beaucoup)?|"
    r"danke(?: sch[oö]n)?|gracias|grazie|obrigad[oa]",
    "goodbye": r"bye+(?: bye+)?|good ?bye|see (?:you|ya)(?: later| tomorrow| soon| next time)?|cya|good night|"
    r"have a (?:nice|good|great) (?:day|evening|weekend)|au revoir|tsch[uü]ss|adi[oó]s|ciao",
    "greeting": r"hi+|hey+|hello+|hiya|howdy|heya|yo|greetings|good (?:morning|afternoon|evening|day)|"
    r"how are you(?: doing| today)?|how's it going|what's up|sup|hallo|hola|bonjour|salut|guten (?:morgen|tag)|"
    r"i have a (?:question|doubt)|(?:a )?quick question|can i ask (?:you )?(?:a question|something)|"
    r"can you help(?: me)?|help(?: me)?|what can you do|who are you|what are you",
    "ok": r"ok(?:ay)?|k+|alright|all right|got it|i see|understood|cool|great|nice|good|awesome|perfect|"
    r"sounds good|makes sense|that helps|that helped|that's helpful|wow|yes|yep|yeah",
}
ADDRESS = r"there|everyone|all|ragbot|bot|again|please|and|then|oh|ah"
# What each kind is answered with: the appliance speaking of itself, never a claim about the material.
REPLIES = {
    "thanks": "You're welcome! Ask another question about the course material whenever you like.",
    "goodbye": "Goodbye! Come back with another question about the course material any time.",
    "greeting": "Hello! I answer questions about the course material from the material itself, and show the pages "
    "each answer comes from. What would you like to know?",
    "ok": "Ask another question about the course material whenever you like.",
}
# Everything but letters, apostrophes and spaces: punctuation and emoji ("thanks!! 🙏", "hi :)").
NOT_WORDS = re.compile(r"[^\w\s']|[\d_]")
_PHRASE = "|".join(f"(?P<{kind}>{phrase})" for kind, phrase in PHRASES.items())
_MESSAGE = re.compile(rf"(?:(?:{_PHRASE}|{ADDRESS})(?: |$))+")
_ANY = re.compile(rf"\b(?:{_PHRASE})\b")


# Where a message's clauses part: after a comma or an end mark and a space ("Hi, how heavy is it?"), not inside a
# number ("2.5 kg").
CLAUSE_END = re.compile(r"(?<=[,.!?:;\u2026])\s+")
# A greeting or thanks that opens a question with no comma ("hi what is a lidar", "thanks what about the washers").
OPENING = re.compile(
    r"^\W*(?:hi+|hey+|hello+|hiya|heya|good (?:morning|afternoon|evening)|thanks*|thank you|thx)"
    rf"(?:\s+(?:{ADDRESS}))*\s+(?=\w)",
    re.IGNORECASE,
)

# The polite wrapping of a question ("Can you tell me how heavy ...", "I was wondering what ...", "sorry to bother,
# but ...", "i wanted to ask ...", "... btw"): its words ("know", "wonder", "bother") are no terms the material must
# cover.
WRAPPING = re.compile(
    r"^\W*(?:(?:can|could|would|will) (?:you|someone|anyone|u)(?: please| pls)? (?:tell|show|explain to|let) me"
    r"(?: know)?|(?:do|does) (?:you|anyone|someone|u) know|any ?(?:one|body) know|"
    r"i (?:want|wanted|would like|'d like|need|needed) to (?:know|ask(?: you)?)|i(?: was|'m| am)? wonder(?:ing)?|"
    r"any idea|quick q(?:uestion)?|(?:please|pls|plz) (?:tell|show) me|tell me|"
    r"(?:sorry|excuse me)(?: (?:to|for) (?:bother(?:ing)?|disturb(?:ing)?|interrupt(?:ing)?)(?: you)?)?"
    r"(?:[\s,]+but)?)\b[\s,:]*|[\s,]+(?:btw|please|pls|plz)\W*$",
    re.IGNORECASE,
)


def without(message: str) -> str:
    """A question without the small talk and polite wrapping around it: "Hi, can you tell me how heavy the P-9 pump
    is? Thanks!" asks "how heavy the P-9 pump is?", and "hi" is no term the material must cover. A message of
    small talk alone is kept whole."""
    gaps = list(CLAUSE_END.finditer(message))
    clauses = zip([0, *(gap.end() for gap in gaps)], [*(gap.start() for gap in gaps), len(message)], strict=True)
    asking = [(a, b) for a, b in clauses if message[a:b].strip() and reply(message[a:b]) is None]
    if not asking:
        return message
    asked = OPENING.sub("", message[asking[0][0] : asking[-1][1]])
    asked = asked.rstrip(",;:") if asking[-1][1] < len(message) else asked  # "..., ok?" leaves its comma
    unwrapped = WRAPPING.sub("", asked)
    return unwrapped if re.search(r"[^\W_]", unwrapped) else asked


def reply(message: str) -> str | None:
    """The appliance's reply to a message that is small talk alone; None for anything else (a question)."""
    words = " ".join(NOT_WORDS.sub(" ", message.lower().replace("\u2019", "'")).split())
    if not words or not _MESSAGE.fullmatch(words + " "):
        return None
    said = {kind for found in _ANY.finditer(words) for kind, text in found.groupdict().items() if text}
    return next((REPLIES[kind] for kind in PHRASES if kind in said), None)
