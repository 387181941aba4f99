"""Conversations: each answer is recorded as it was shown, follow-ups are made standalone for retrieval."""

import re
import uuid

import msgspec

from appliance.answer import small_talk
from appliance.answer.events import Done, Message, Sentence, Source, withheld
from appliance.answer.evidence import ABBREVIATION, key_terms
from appliance.answer.expect import NAME, PERSON_NAME, expected
from appliance.errors import InvalidInput, NotFound
from appliance.store.database import Database, now

# Words that go on from an earlier question ("and its reach?") or point back at it ("how much does it cost?").
GOING_ON = re.compile(r"^\W*(?:and|also|what about|how about|so)\b", re.I)
POINTER = re.compile(r"\b(?:it|its|it's|that|this|they|them|their|those|these|he|she|him|his|her)\b", re.I)
# Key terms of its own that make a question stand alone, before any pointing word: "What is the late penalty if I
# hand it in two days late?" says what "it" is; "What voltage does it need?" does not.
OWN_TERMS = 2
HISTORY_TURNS = 3
STOPPED = "stopped"  # the mode of a question whose answer its asker stopped (Stop, or the page left mid-answer)
SMALL_TALK = "small_talk"  # the mode of a greeting, thanks or goodbye, answered by the appliance's own reply
# A person pointed at ("how do I contact her?"), and a question asking who, whose answer names the person.
PERSON_POINTER = re.compile(r"\b(?:he|she|him|her|his|hers)\b", re.I)
WHO = re.compile(r"\bwho(?:m|se)?\b", re.I)
CITED = re.compile(r"\[\d+\]")  # the marker ending an answer's sentence or quote
# A question asked of "it" ("what air pressure does it run on?", "which driver does it use?"): its words before the
# pronoun say what is asked, not of what; not "how long does the battery last when it is cold?".
ASKED_OF = re.compile(
    r"^\W*(?:what|which|how|when|where|why|who)\b[^,;]*?\b(?:does|do|did|is|are|was|were|can|could|will|would|"
    r"should|must|has|have|had)\s+(?:it|they|he|she)\b",
    re.I,
)
# "the other arm", "another one": the thing the question before named is the one not meant.
OTHER = re.compile(r"\b(?:the\s+other|another)\b", re.I)
# Words that point back without naming anything of their own: "and the other one?"
POINTING = re.compile(r"\b(?:one|ones|other|others|another|same)\b", re.I)
# Words joining a subject to the name it is of: "the extension on HX429 work", "spare fingers for Wren-7".
JOINING = frozenset(("of", "on", "for", "in", "at", "with"))
TOKEN = re.compile(r"\w(?:[\w-]*\w)?")  # a word, a code kept whole: Wren-7
# The words a sentence asks with, without a question mark too: "How do I book a bench", "Tell me when it opens."
ASKING_WORDS = (
    r"(?:what|when|where|which|who|whom|whose|why|how|can|could|may|do|does|did|is|are|was|were|will|would|"
    r"should|must|shall|have|has|tell|explain|describe|give|list|show)\b"
)
# Where a message's sentences part: after a full stop, question or exclamation mark and a space, before a capital,
# or before a word asking in a message typed in lower case ("we broke a propeller yesterday. who do we tell?").
SENTENCE_BREAK = re.compile(rf"(?<=[.!?])\s+(?=[\"'(]?[A-Z0-9]|{ASKING_WORDS})")
# Where a long sentence's clauses part, and the words before an asking clause that make them a story of their own.
CLAUSE_BREAK = re.compile(r"[,;:]\s+|\s[-\u2013\u2014]\s")
STORY_WORDS = 15
# Capitalised words that name no subject: "the demo on Friday", "in March".
CALENDAR = re.compile(
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|january|february|march|april|may|june|july|august|september|"
    r"october|november|december",
    re.I,
)
ASKING_START = re.compile(rf"^\W*{ASKING_WORDS}", re.I)
# "then" ending a question points at the time the question before named: "is the store open then?" after "Is there
# a lab session in reading week?" asks of reading week (and "can I take it home then?" after no time, of nothing).
# "May" is a month only beside a day or after "in": "May I borrow ...?" names no time.
THEN = re.compile(r"\bthen\W*$", re.I)
TIMES = re.compile(
    r"\b(?:weeks?\s+\d+|(?:reading|exam|revision|induction|first|last|final)\s+week|weekends?|"
    rf"(?!may\b)(?:{CALENDAR.pattern})s?|(?:\d{{1,2}}\s+|(?:in|during|until|by)\s+)may|may\s+\d{{1,2}}|"
    r"(?:christmas|easter|summer|winter|spring|semester|term)\s+(?:break|holidays?)|"
    r"holidays?|evenings?|mornings?|afternoons?|nights?|\d{1,2}(?::\d\d)?\s*(?:am|pm)|\d{1,2}:\d\d)\b",
    re.I,
)


class Conversation(msgspec.Struct, kw_only=True):
    """One of a user's conversations; `course_id` is the course its questions are asked in (None: all)."""

    id: str
    title: str
    course_id: int | None
    created_at: str
    updated_at: str


class ConversationList(msgspec.Struct):
    conversations: list[Conversation]


class ConversationMessages(Conversation, kw_only=True):
    """A conversation with its messages, each as it was shown when answered."""

    messages: list[Message]


def follows(question: str, earlier: list[str], told: bool = False) -> bool:
    """Whether a question follows up the one before: it goes on from it ("and ...", "what about ...") pointing back
    or with fewer than two words of its own besides a name, points back ("it", "her") before naming anything
    itself, or is too short to stand alone; or, `told` in the same message after a story, names no subject of its
    own ("we broke a propeller during the test. who do we tell?"). A question naming its own subject stands alone,
    however long the conversation."""
    if not earlier:
        return False
    pointer = POINTER.search(question)
    if GOING_ON.match(question):  # "and its wavelength range?", "and the Wren-9?" (what was asked before)
        # "and the robot project?" names a subject and asks nothing of it: what was asked before (its weight).
        own = len(key_terms(NAME.sub(" ", question))) >= OWN_TERMS and _asks(question)
        return bool(pointer) or not own
    if told:  # in the message after a story, "it" is the story's, and so is a question naming nothing
        return bool(pointer) or not _names_a_subject(question)
    if pointer:
        before = question[: pointer.start()]
        return bool(ASKED_OF.match(question) and not NAME.findall(before)) or not _names_a_subject(before)
    return len(question.split()) < 4 and len(key_terms(question)) < OWN_TERMS


def _asks(question: str) -> bool:
    """Whether a question going on from the last asks something of its own ("and who teaches it?", "and the robot's
    weight?"), not only names a subject ("and the robot project?")."""
    rest = GOING_ON.sub("", question).strip(" ,")
    return bool(ASKING_START.match(rest)) or any(role == "property" for _, role in _roles(rest))


def _names_a_subject(words: str) -> bool:
    """Whether the words name a subject of their own: a name (Wren-7) or two key terms."""
    return bool(NAME.findall(words)) or len(key_terms(words)) >= OWN_TERMS


def asked(message: str) -> tuple[str, list[str]]:
    """The sentence a message asks in, and what it says before as the turn it follows (its names, if it has any):
    "I have a bad back and must carry the arm to the demo. How heavy is the Wren-7?" is judged on its question, not
    on the story's words; so is a long sentence's last clause asking ("I have read the handbook and am confused
    about many things, so, in the end, where are the spare grippers kept?"). A message of one short sentence, or
    asking more than once, is all one question."""
    parts = _sentences(message.strip())
    if not parts or any(part.endswith("?") for part in parts[:-1]):
        return message, []
    lead, last = _asking_clause(parts[-1])
    story = " ".join([*parts[:-1], lead]).strip()
    if not story or not (last.endswith("?") or ASKING_START.match(last)):
        return message, []
    # A story's names are what its question points back at ("... given the Wren-7 ... How far can it reach?"), its
    # other words mostly by the way; with no name, or a question pointing at nothing and naming nothing, all of it
    # may be ("I'm stuck installing the V5 driver, who can help?" asks help with installing it).
    names = [name for name in dict.fromkeys(NAME.findall(story)) if not CALENDAR.fullmatch(name)]
    if not POINTER.search(last) and not _names_a_subject(last):
        return last, [story]
    return last, [" ".join(names) or story]


def _asking_clause(sentence: str) -> tuple[str, str]:
    """A sentence parted before its last clause that asks, when STORY_WORDS or more come before it, or a subject
    before a clause naming none ("we crashed into the barrier, who do we tell?"); else ("", the sentence): "Can you
    tell me, please, where the lab is?" is one question."""
    clauses = list(CLAUSE_BREAK.finditer(sentence))
    for match in reversed(clauses):
        rest, story = GOING_ON.sub("", sentence[match.end() :]).strip(), sentence[: match.start()].strip()
        told = len(story.split()) >= STORY_WORDS or (_names_a_subject(story) and not _names_a_subject(rest))
        if ASKING_START.match(rest) and told:
            return story, rest
    return "", sentence


def _sentences(text: str) -> list[str]:
    """A message's sentences; a title's full stop ("Dr. Quarrow") ends none."""
    parts: list[str] = []
    for piece in SENTENCE_BREAK.split(text):
        if parts and ABBREVIATION.search(parts[-1]):
            parts[-1] = f"{parts[-1]} {piece}"
        else:
            parts.append(piece)
    return [part.strip() for part in parts if part.strip()]


def answered_people(question: str, earlier: list[str], answer: str) -> list[str]:
    """The people the answer before named, as the turn a question pointing at a person follows when the question
    before asked who: "how do I contact her?" after "Who decides if two teams can swap arms?", answered "... by Dr
    Ilse Ostergaard", asks how to contact Dr Ilse Ostergaard, of whom the questions say nothing."""
    if not (earlier and answer and PERSON_POINTER.search(question) and WHO.search(earlier[-1])):
        return []
    # The person its first sentence or quote names first: the others it quotes are by the way ("... Ask her about
    # marks." then "Sunniva Rookwell runs the lab").
    found = PERSON_NAME.search(CITED.split(answer, maxsplit=1)[0])
    # "ask Priya" is matched with its verb: the name is its capitalised words.
    return [" ".join(word for word in found.group().split() if word[0].isupper())] if found else []


def standalone(question: str, earlier: list[str], told: bool = False) -> str:
    """The question to search with: a follow-up (or a question after a story `told` before it) carries the previous
    turn's words along, but for the names it sets aside."""
    if not follows(question, earlier, told):
        return " ".join([question, *_times_then(question, earlier)])
    before = earlier[-1]
    for name in set_aside(question, earlier, told):
        before = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", " ", before)
    return f"{' '.join(before.split())} {question}"


def _times_then(question: str, earlier: list[str]) -> list[str]:
    """The times a question's last "then" points at: those the question before names."""
    if not (earlier and THEN.search(question)):
        return []
    return list(dict.fromkeys(found.group() for found in TIMES.finditer(earlier[-1])))


def set_aside(question: str, earlier: list[str], told: bool = False) -> list[str]:
    """The names a follow-up asking after "the other one" sets aside, the question before's: "and the other arm?"
    after "Which driver does the V8 use?" asks the driver of an arm that is not the V8."""
    if not OTHER.search(question) or NAME.findall(question) or not follows(question, earlier, told):
        return []
    return list(dict.fromkeys(NAME.findall(earlier[-1])))


def focused(question: str, earlier: list[str], told: bool = False) -> str:
    """What a question's answer is judged on: a follow-up's own words, and what it refers to before.

    The searched form finds the page, but judged by it the previous question's property wins: "and its reach?"
    after "What is the max payload of the Wren-7?" asks for the Wren-7's reach, not its payload. A follow-up asking
    for a property of its own takes the subject (Wren-7, battery); one naming a subject of its own ("and the
    Wren-9?", "and the washers?" after the M3 nuts) takes the property asked before, and the name when it names
    none; one naming neither ("why?", "and the other one?") takes both.
    """
    if not follows(question, earlier, told):
        return " ".join([question, *_times_then(question, earlier)])
    # A story told before the question is the situation it asks about, all of it: "what do i do" after "mill stopped
    # and says E-07" asks of the mill stopping, not of the code alone; "how do i submit" after "the portal crashed
    # right before the deadline" of the deadline too.
    carried = [word for word, role in _roles(earlier[-1]) if role] if told else _carried(question, earlier[-1])
    if set_aside(question, earlier, told):  # the question before asked again of another thing: all but its names
        carried = [word for word, role in _roles(earlier[-1]) if role in ("subject", "property", "asking")]
    return " ".join([question, *dict.fromkeys(carried)])


def _carried(question: str, before: str) -> list[str]:
    """The words of the question before that a follow-up takes along (`focused`)."""
    names = bool(NAME.findall(question))
    asks = bool(expected(question).kind or key_terms(POINTING.sub(" ", NAME.sub(" ", question))))
    asks = asks and (not GOING_ON.match(question) or _asks(question))  # "and the robot project?" asks nothing
    # A subject of its own, pointing back at none: "and the washers?", not "how long does that take?"
    own = set() if POINTER.search(question) else {role for _, role in _roles(POINTING.sub(" ", question))}
    return [
        word
        for word, role in _about_its_name(_roles(before))
        if (role == "subject" and "subject" not in own)
        or (role == "name" and not names)
        or (role == "property" and not asks)
    ]


def _about_its_name(roles: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A question naming its subject (Kestrel-9) is about the name and the words running on from it ("the Wren-7
    robot arm"): its other words ("I am new to the course ... who made it?") are no subject of a follow-up's."""
    if not any(role == "name" for _, role in roles):
        return roles
    named = [role == "name" for _, role in roles]
    for order in (range(len(roles)), range(len(roles) - 1, -1, -1)):  # on from each name, then back from it
        carried = False
        for i in order:
            word, role = roles[i]
            named[i] = named[i] or (carried and role == "subject")
            # a preposition runs a subject on to its name: "an extension on HX429 work" is the extension's
            carried = named[i] or (carried and not role and word.lower() in JOINING)
    return [(word, role if role != "subject" or named[i] else "") for i, (word, role) in enumerate(roles)]


def _roles(question: str) -> list[tuple[str, str]]:
    """Each word of a question with its part in what it asks: a `name` (Wren-7), a `property` it asks for
    (payload, weigh, deadline, and the words naming it before an "of": "operating temperature of"), its `subject`
    (battery), `asking` for a value of no property (max, limit), or "" (a stopword, "how")."""
    names = set(NAME.findall(question))
    words = TOKEN.findall(question)
    roles = [_role(word, word in names) for word in words]
    for i, word in enumerate(words[1:], 1):
        if word.lower() == "of" and roles[i - 1] == "property":
            before = i - 2
            while before >= 0 and roles[before] in ("subject", "asking"):
                roles[before] = "property" if roles[before] == "subject" else "asking"
                before -= 1
    return list(zip(words, roles, strict=True))


def _role(word: str, named: bool) -> str:
    """A word's part in a question, on its own."""
    if named:
        return "name"
    if not key_terms(word):
        return ""
    wanted = expected(word)
    if wanted.kind:
        return "property" if wanted.kind != "quantity" or wanted.dimension else "asking"
    return "subject"


def searched(questions: list[str]) -> list[str]:
    """The last few of a conversation's questions as the web chat searched them: each made standalone in turn."""
    made: list[str] = []
    for question in questions:
        made.append(standalone(question, made))
    return made[-HISTORY_TURNS:]


def _conversation(row: dict) -> Conversation:
    return msgspec.convert(row, Conversation)


def _messages(row: dict) -> list[Message]:
    """A stored interaction as the question and the answer the student saw."""
    answer = Message(
        role="assistant",
        content=row["answer"],
        sources=msgspec.json.decode(row["sources"], type=list[Source]),
        sentences=msgspec.json.decode(row["sentences"], type=list[Sentence]),
        covered=bool(row["covered"]),
        model_busy=bool(row["model_busy"]),
        cached=bool(row["cached"]),
        total_ms=row["total_ms"],
        interaction_id=row["id"],
        feedback=row["feedback"],
        stopped=row["mode"] == STOPPED,
        small_talk=row["mode"] == SMALL_TALK,
    )
    return [Message(role="user", content=row["question"], selected_text=row["selected_text"]), answer]


class Conversations:
    """A user's conversations and the interactions (question, answer, sources, timings) in them."""

    def __init__(self, database: Database):
        self.database = database

    def create(self, user: dict, course_id: int | None, question: str) -> Conversation:
        """A new conversation in a course, titled after its first question."""
        stamp = now()
        row = {
            "id": uuid.uuid4().hex,
            "user_id": user["id"],
            "course_id": course_id,
            "title": question.strip()[:80],
            "created_at": stamp,
            "updated_at": stamp,
        }
        self.database.add_conversation(row)
        return _conversation(row)

    def owned(self, user: dict, conversation_id: str) -> Conversation:
        """A conversation of this user; anyone else's looks exactly like a missing one."""
        row = self.database.conversation(user["id"], conversation_id)
        if row is None:
            raise NotFound(f"no conversation with id '{conversation_id}'")
        return _conversation(row)

    def listing(self, user: dict) -> ConversationList:
        return ConversationList([_conversation(row) for row in self.database.conversations(user["id"])])

    def questions(self, conversation_id: str) -> list[str]:
        """The last few questions (as searched) of a conversation, to make a follow-up standalone: a "thanks" between
        them is none."""
        rows = self.database.interactions(conversation_id)
        return [row["search_query"] for row in rows if row["mode"] != SMALL_TALK][-HISTORY_TURNS:]

    def last_answer(self, conversation_id: str) -> Message | None:
        """The conversation's last answer to a question (not to small talk, not one stopped), as stored."""
        rows = [row for row in self.database.interactions(conversation_id) if row["mode"] not in (SMALL_TALK, STOPPED)]
        return _messages(rows[-1])[1] if rows else None

    def messages(self, user: dict, conversation_id: str) -> ConversationMessages:
        conversation = self.owned(user, conversation_id)
        messages = [m for row in self.database.interactions(conversation_id) for m in _messages(row)]
        if user["role"] == "student":
            messages = [withheld(m) for m in messages]
        return ConversationMessages(**msgspec.structs.asdict(conversation), messages=messages)

    def rename(self, user: dict, conversation_id: str, title: str) -> Conversation:
        self.owned(user, conversation_id)
        if not title.strip():
            raise InvalidInput("a title cannot be empty")
        self.database.rename_conversation(conversation_id, title.strip()[:120])
        return self.owned(user, conversation_id)

    def named_after(self, conversation: Conversation, question: str) -> Conversation:
        """The conversation titled after its first question when all before it was small talk, as it would have
        been had the question come first: a list of conversations each called "hi" tells a student nothing."""
        if small_talk.reply(conversation.title) is None:
            return conversation  # titled after a question (or by its owner): no need to read its interactions
        rows = self.database.interactions(conversation.id)
        first = rows[0]["question"].strip()[:80] if rows else None
        if conversation.title != first or any(row["mode"] != SMALL_TALK for row in rows):
            return conversation  # named after a question already, or renamed by its owner
        self.database.rename_conversation(conversation.id, question.strip()[:80])
        return msgspec.structs.replace(conversation, title=question.strip()[:80])

    def delete(self, user: dict, conversation_id: str) -> None:
        """Remove it from the user's list; its questions stay in the course's analytics, detached from it."""
        self.owned(user, conversation_id)
        self.database.delete_conversation(conversation_id)

    def record(self, conversation: Conversation, user: dict, asked: dict, done: Done) -> str:
        """Store an answer exactly as it was shown (text, sources, sentence checks); returns its id. `asked` holds its
        question, search_query, level and selected_text."""
        timings = done.timings
        return self._store(
            conversation,
            user,
            asked,
            {
                "answer": done.answer,
                "sources": msgspec.json.encode(done.sources).decode(),
                "sentences": msgspec.json.encode(done.sentences).decode(),
                "mode": SMALL_TALK if done.small_talk else done.mode,
                "model_busy": int(done.model_busy),
                "covered": int(done.covered),
                "cached": int(done.cached),
                "retrieval_ms": timings.retrieval_ms,
                "generation_ms": timings.generation_ms,
                "tokens": timings.tokens,
                "total_ms": timings.total_ms,
            },
        )

    def record_stopped(
        self, conversation: Conversation, user: dict, asked: dict, shown: str, sources: list[Source]
    ) -> str:
        """Store a question whose asker stopped its answer, with what had been shown of it; `asked` holds its
        question, search_query, level and selected_text. Its mode, `stopped`, keeps it out of the course's figures."""
        answer = {"answer": shown, "sources": msgspec.json.encode(sources).decode(), "mode": STOPPED, "covered": 1}
        answer |= {"model_busy": 0, "cached": 0}
        return self._store(conversation, user, asked, answer)

    def _store(self, conversation: Conversation, user: dict, asked: dict, answer: dict) -> str:
        row = {
            "id": uuid.uuid4().hex,
            "conversation_id": conversation.id,
            "user_id": user["id"],
            "course_id": conversation.course_id,
            **asked,
            **answer,
            "feedback": None,
            "created_at": now(),
        }
        self.database.add_interaction(row)
        return row["id"]

    def feedback(self, user: dict, interaction_id: str, rating: int) -> None:
        if not self.database.rate_interaction(user["id"], interaction_id, rating):
            raise NotFound(f"no answer with id '{interaction_id}'")
