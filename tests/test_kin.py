"""Synonyms: WordNet's kin of a word, exported once to a table, read by stem and counted as the word in evidence."""

import logging

import msgspec
import pytest

from appliance import services
from appliance.answer import evidence, kin
from appliance.answer.expect import expected
from appliance.inference import wordnet

NAME = wordnet.NAME


def test_the_table_gathers_each_stems_kin_from_all_its_words_without_stopwords_or_itself():
    table = kin.table([["store", "stock storage stores"], ["stored", "the storage"], ["unplug", "disconnect"]])
    assert table["stor"] == ("stock", "storag")
    assert table["unplug"] == ("disconnect",) and evidence.stem("unplugged") == "unplug"
    assert "the" not in table and all("the" not in words for words in table.values())


def test_a_key_term_counts_as_covered_by_its_kin_only_with_the_table():
    terms = evidence.key_terms("How long is the Brimwell lid shut?")
    sentence = "Keep the Brimwell lid closed for 30 seconds after a cut."
    assert evidence.coverage(terms, sentence) == pytest.approx(2 / 3)
    assert evidence.coverage(terms, sentence, kin={"shut": ("clos",)}) == 1.0
    assert evidence.coverage(terms, "Keep the Brimwell lid open.", kin={"shut": ("clos",)}) == pytest.approx(2 / 3)


def test_the_two_sides_of_an_exchange_are_kin_though_wordnet_keeps_them_apart(tmp_path):
    """WordNet's table has no "lent" for "borrow", nor "supply" for "input"; the table read from it does, and keeps
    the table's own kin."""
    path = tmp_path / NAME
    path.write_text("shut\tclose closing\n", encoding="utf-8")
    read = kin.read(path)
    terms = evidence.key_terms("who do i ask to borrow an hg14 unit")
    sentence = "Ask the drives lab engineer; HG14 units are lent for one semester."
    assert evidence.coverage(terms, sentence) < 1.0
    assert evidence.coverage(terms, sentence, kin=read) == 1.0
    assert "clos" in read["shut"] and "borrow" in read["lend"] and "sold" in read["buy"]
    # and pays what it charges (fresh18-tune), where a battery charged is paid for by no one
    paid = evidence.key_terms("Do we have to pay for a print that failed?")
    assert evidence.coverage(paid, "Failed prints caused by the printer are not charged.", kin=read) == 1.0
    assert "pay" not in read.get("charg", ())
    # A device's input is its supply: "Supply voltage | 9–32 V DC" answers "what input voltage does the lx16 take".
    voltage = evidence.key_terms("what input voltage does the lx16 take")
    assert evidence.coverage(voltage, "LX16 supply voltage: 9–32 V DC", kin=read) == 1.0
    assert "suppli" in read["input"] and "input" in read["suppli"]  # supply, supplies, supplied
    # Heat proof is heat resistant: "wear the heat-resistant gloves, which hang on hook H2" (fresh6-tune).
    gloves = evidence.key_terms("where are the heat proof gloves kept")
    assert evidence.coverage(gloves, "Wear the heat-resistant gloves, which hang on hook H2.", kin=read) == 1.0
    # A student's temp is a temperature, a pcb a board (fresh11-tune).
    for asked, said in (
        ("peak temp of the oven", "The oven's peak temperature is 245 °C."),
        ("what size pcb fits", "Maximum board size fits 240 by 180 mm."),
        # a session skipped is one missed (fresh9-tune)
        ("how many seminar sessions can i skip", "You may miss at most two seminar sessions."),
        # a dead battery is a flat one (fresh12-tune)
        ("how long does a dead battery take to charge", "A flat battery takes ninety minutes to charge."),
        # a LiPo is a lithium battery, an AED a defibrillator (fresh13-tune)
        ("where do we charge lipo batteries", "Lithium batteries are charged in the metal cabinet."),
        ("where is the nearest AED", "The nearest defibrillator is in the foyer."),
        # where a class meets in a fire is where it gathers (a thirteenth walkthrough)
        ("where do we meet if there is a fire", "In case of fire, gather at the assembly point in car park B."),
        # a weekend is its Saturday and Sunday (fresh19-tune)
        ("when is the tank hall open at the weekend", "Tank hall opening hours: Saturday | 10:00 to 16:00"),
        ("is the store open on weekdays", "The store is open Monday to Friday."),
        # a report's resit is its resubmission (fresh20-tune)
        ("when is the resit deadline for the report", "The resubmission deadline for a report is Friday 4 August."),
        # labs missed are sessions, an assignment its brief, a loan extended is renewed, a cone bumped into is
        # touched, kids are pupils, prereqs are prerequisites (fresh11, fresh12, fresh14, fresh15, fresh16-tune)
        ("how many labs am i allowed to miss", "You may miss at most two of the ten sessions."),
        ("where do I ask about the navigation assignment", "Questions about the navigation brief go on the forum."),
        ("can I extend my equipment loan", "Equipment loan: one renewal of 7 days."),
        ("what happens if we bump into a cone", "A run fails if the rover touches a cone."),
        ("how many kids are in a group", "A group has at most 12 pupils."),
        ("any prereqs", "Prerequisites: HY120 Fluid Mechanics I."),
        # software is a program, a wingspan a span (fresh16, fresh7-tune)
        ("what software do we use on the laptop", "Use the program GaitBench on the laptop."),
        ("what wingspan can the model have", "The model can have a span of 450 mm."),
        # a machine that runs operates, a bibliography is the references, a spanner a socket (fresh15-tune)
        ("what's the coldest the rover can run at", "Rover operating temperature: 5 to 40 °C, at its coldest."),
        ("does the bibliography count", "The references are not counted."),
        ("which spanner for the wheel nuts", "Tighten the wheel nuts with a 10 mm socket."),
        # what a student eats is the rules' food, a flatmate a friend (fresh18-tune)
        ("can I eat my lunch here", "Food and drink are not permitted here."),
        ("can my flatmate come in", "Friends may come in with a student."),
        # a sick note or a doctor's note is a medical certificate, eye protection safety glasses (fresh12-tune,
        # fresh14-tune, fresh16-tune)
        ("where do i hand in the sick note", "Hand in the medical certificate at the course office."),
        ("where do i hand in my doctors note", "Hand in the medical certificate at the course office."),
        ("is eye protection needed", "Safety glasses are needed."),
        # what is swapped is replaced (fresh5-tune)
        ("how often are the coveralls swapped", "Coveralls are replaced every Monday."),
        # a LiPo is a battery, a sensor's lens its window, data downloaded exported, a pose a position, the bottom
        # shelf the lowest, a freezing room a cold one, what spins turns, the loos the toilets (fresh8, fresh9,
        # fresh13, fresh15, fresh22-tune)
        ("can i charge my lipo here", "Never charge batteries here."),
        ("how should i clean the lidar lens", "Clean the lidar's optical window with a lint-free cloth."),
        ("how do i download the data", "Choose Export on the dashboard to get the data."),
        ("what is the home position", "The arm's home pose is straight up."),
        ("how high is the bottom shelf", "The lowest shelf is 120 mm high."),
        ("who fixes the freezing seminar room", "The estates helpdesk fixes the cold seminar room."),
        ("can the wrist spin", "The wrist can turn a full 360 degrees."),
        ("when are the loos open", "The toilets are open until 23:00."),
        # an orange light is amber, the Christmas break the winter break, a limit a cap, a laptop a computer and a
        # MacBook a Mac, a life jacket blown up inflated, a caustic a chemical, work looked over checked
        # (fresh5, fresh13, fresh15, fresh18, fresh22, fresh24-tune)
        ("what does the orange light mean", "Amber light: battery below 20%."),
        ("when's the christmas break", "21 Dec to 8 Jan: winter break."),
        ("why is there a limit", "The cap exists because larger payments could pressure people."),
        ("can I use my laptop", "Use your own computer."),
        ("does it run on a macbook", "It does not run on macOS."),
        ("how does the life jacket blow up", "The life jacket inflates by itself."),
        ("caustic in my eye", "If a chemical splashes in your eye, rinse it."),
        ("will they look over my report", "They do not check reports."),
        # what is cracked is damaged (fresh12-tune)
        ("who do we tell if the barrier is cracked", "If a barrier is damaged, tell the track marshal."),
        # a slide's abbreviations, and a student's (a class walkthrough's slides)
        ("when are the TA office hours", "TA office hrs: Thu 10:00, Lab B-07"),
        ("battery life with sampling every 1 minute", "Battery life with sampling every 1 min: 4 days"),
        ("how many ppl on the pier", "Two people on the pier at all times."),
        ("what's the average draw", "Avg draw 1.9 W"),
        ("what's the hull diameter", "Hull: HDPE, 62 cm dia."),
    ):
        assert evidence.coverage(evidence.key_terms(asked), said, kin=read) == 1.0, asked
    # a student's goes are the handout's attempts or runs, which a count of them counts (fresh15-tune)
    goes = expected("how many goes do we get on the navigation course?", evidence.kin_of(read))
    assert goes.fits("Each team gets three timed runs in week 8.")
    assert not goes.fits("Each team gets three running shoes.")
    assert not expected("how many goes do we get on the navigation course?").fits("Each team gets three timed runs.")


@pytest.fixture(scope="module")
def wordnet_kin():
    """The installed WordNet's kin of a few words (the whole table takes ~15 s; these, the reader's start)."""
    database = wordnet.database()
    assert database is not None, "the wn package (a dependency) carries WordNet 3.0"
    words = ["shut", "unplug", "price", "stored", "minimum", "geese", "xqzv", "break", "broken"]
    return dict(wordnet.export(database, words))


def test_wordnet_gives_synonyms_and_derivations_but_not_siblings(wordnet_kin):
    assert "close" in wordnet_kin["shut"]
    assert "disconnect" in wordnet_kin["unplug"]
    assert "cost" in wordnet_kin["price"]
    assert "storage" in wordnet_kin["stored"]  # an inflected form is read as its lemma
    assert "goose" in wordnet_kin["geese"] or "geese" not in wordnet_kin  # an irregular form is never an error
    assert "break" in wordnet_kin["broken"] and "broken" in wordnet_kin["break"]  # either way: "breaks", "broken"
    assert "maximum" not in wordnet_kin["minimum"]  # an antonym is no kin
    assert "xqzv" not in wordnet_kin  # a word WordNet does not know has none


@pytest.fixture
def fake_database(tmp_path, monkeypatch):
    """WordNet where the test says, and an export that records its calls."""
    database = tmp_path / "site-packages" / "wn" / "data" / "wordnet-3.0"
    calls = []

    def export(source):
        calls.append(source)
        return [("shut", ["close", "closing"])]

    monkeypatch.setattr(wordnet, "database", lambda: database)
    monkeypatch.setattr(wordnet, "export", export)
    return database, calls


def test_the_table_is_exported_once_and_kept_beside_the_database_for_other_data_dirs(tmp_path, fake_database):
    database, calls = fake_database
    first = tmp_path / "a" / NAME
    assert wordnet.kin_file(tmp_path / "a") == first
    assert first.read_text() == "shut\tclose closing\n"
    beside = database.parent / "ragbot" / NAME
    assert beside.read_text() == first.read_text()
    assert wordnet.kin_file(tmp_path / "b") == beside
    assert calls == [database]
    assert not list(tmp_path.rglob("*.part"))


def test_an_unwritable_data_dir_uses_the_copy_beside_the_database(tmp_path, fake_database):
    database, _ = fake_database
    (tmp_path / "file").write_text("not a folder")
    assert wordnet.kin_file(tmp_path / "file" / "wordnet") == database.parent / "ragbot" / NAME


def test_no_writable_place_or_no_wordnet_leaves_the_question_words_alone(settings, fake_database, caplog):
    database, _ = fake_database
    database.parent.parent.parent.mkdir(parents=True)
    database.parent.parent.write_text("no folder can be made here")  # the `wn` package folder
    (settings.data_path / "models").mkdir(parents=True)
    (settings.data_path / "models" / "wordnet").write_text("nor here")
    with caplog.at_level(logging.WARNING):
        assert services.load_kin(settings) == {}
    assert "WordNet kin" in caplog.text


def test_without_wordnet_or_with_synonyms_off_there_is_no_kin(settings, monkeypatch, caplog):
    monkeypatch.setattr(wordnet, "database", lambda: None)
    with caplog.at_level(logging.WARNING):
        assert services.load_kin(settings) == {}
    assert "not installed" in caplog.text
    monkeypatch.setattr(wordnet, "database", lambda: pytest.fail("synonyms are off: WordNet is not looked for"))
    assert services.load_kin(msgspec.structs.replace(settings, evidence_synonyms=False)) == {}


CUTTER = b"""# Brimwell laser cutter

## After a cut

Keep the lid of the Brimwell laser cutter closed for 40 seconds after the job ends, so the fan clears the fumes.

## Materials

Acrylic up to 6 mm thick may be cut. PVC must never be cut: it releases chlorine gas.
"""


@pytest.mark.real
def test_the_packaged_embedder_and_wordnet_answer_a_question_in_other_words(tmp_path):
    """The real table of kin, embedder and stores: "shut" finds "closed"; without the table the question is
    refused, and a question the notes do not answer stays refused with it."""
    from appliance.answer.answerer import Answerer, Question
    from appliance.answer.model_queue import ModelGate
    from appliance.settings import load_settings

    settings = load_settings(environ={}, data_dir=str(tmp_path), ingest_sample=False)
    built = services.build(settings, with_llm=False)
    built.ingestor.ingest(CUTTER, "cutter.md")
    table = services.load_kin(settings)

    def decide(question: str, kin_table) -> tuple[str, list[str]]:
        answerer = Answerer(settings, built.retriever, None, ModelGate(1), built.embedder, kin_table)
        asked = Question(question)
        chosen, decision, _ = answerer.assess(asked, answerer.retrieve(asked, settings.evidence_passages))
        return decision, [e.text for items in chosen.values() for e in items]

    decision, evidence_texts = decide("How long do I keep the lid shut?", table)
    assert decision == "yes"
    assert any("closed for 40 seconds" in text for text in evidence_texts)
    assert decide("How long do I keep the lid shut?", {})[0] != "yes"
    assert decide("What is the laser power of the Brimwell laser cutter?", table)[0] != "yes"
    built.close()
