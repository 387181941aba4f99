"""Each benchmark runs on a tiny synthetic input and produces its figures (no shared data folder needed).

Not timed tests: the figures are only checked to exist and be sane, never against the targets.
"""

import io
import json
import os
import re
import subprocess
import sys
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest

from bench import __main__ as bench_main
from bench import answers, classroom, common, generalize, generation, ingestion, verifier

pytestmark = pytest.mark.real
REPO = Path(__file__).resolve().parents[1]


QUOTED_PLACES = (("office", 16), ("building", 18), ("visitor hut", 23))


def test_synthetic_corpus_and_statistics(tmp_path):
    files, described = common.corpus(True, tmp_path)
    assert described["files"] == len(files) > 0
    assert all(path.is_file() for path, _ in files)
    assert common.percentile([3, 1, 2, 4], 50) == 2
    assert common.percentile([], 50) is None
    stats = common.latency([1.0, 2.0, 3.0, 4.0])
    assert stats["p50_ms"] == 2.0
    assert stats["p99_ms"] == 4.0
    assert stats["n"] == 4
    folder = bench_main.synthetic_cranfield(tmp_path / "cran")
    assert {p.name for p in folder.iterdir()} == {"cran.all.1400", "cran.qry", "cranqrel"}


def test_a_refused_chat_is_never_a_figure(capsys):
    """A benchmark request that is not a whole 200 answer stops the benchmark: non-zero exit, a clear message."""
    done = {"answer": "a", "covered": True}
    assert common.require_answer({"status": 200, "done": done, "error": None}, "q")["done"] == done
    for status, got, error, says in [
        (503, None, "busy", "HTTP 503"),
        (200, None, None, "no `done`"),
        (200, done, '{"error": "x"}', "an error event"),
    ]:
        with pytest.raises(common.Unanswered, match=says):
            common.require_answer({"status": status, "done": got, "error": error}, "q")

    def refused(quick):
        common.require_answer({"status": 429, "done": None, "error": "limit"}, "the question")

    assert common.cli("x", "Doc.", refused, ["--quick"]) == 1
    assert "FAILED" in capsys.readouterr().err


def test_ingestion_quick():
    result = ingestion.run(quick=True)
    figures = result["figures"]
    assert figures["chunks"] > 0
    assert figures["failed_files"] == 0
    assert figures["chunks_per_s"] > 0
    assert figures["baseline_chunks_per_s"] > 0
    assert 0 < figures["ratio_to_embedder"] < 10
    assert "embed_s" in figures["pipeline_profile"]
    assert result["machine"]["cores"] >= 1
    assert result["corpus"]["name"].startswith("synthetic")
    verdict = result["targets"][0]
    assert verdict["met"] == (verdict["value"] >= ingestion.TARGET_RATIO)


def test_every_benchmark_quick_through_the_one_command(tmp_path):
    """`python -m bench --quick`: retrieval on a synthetic Cranfield, then one appliance for the rest."""
    only = ["retrieval", "footprint", "search", "streaming", "cache", "generation", "classroom"]
    args = ["--quick", "--output", str(tmp_path), "--seconds", "6"] + [f"--only={n}" for n in only]
    bench_main.main(args)
    everything = json.loads((tmp_path / "latest.json").read_text())
    assert not everything["failures"], everything["failures"]
    results = everything["results"]
    assert set(results) == set(only)
    for name, result in results.items():
        assert result["machine"]["cpu"], name
        assert result["figures"], name
        assert (tmp_path / f"{name if name != 'retrieval' else 'retrieval'}.json").is_file()
    assert results["footprint"]["figures"]["start_to_ready_s"] > 0
    assert results["footprint"]["figures"]["peak_rss_mb"] > 0
    for clients in ("1", "8", "32"):
        level = results["search"]["figures"]["levels"][clients]
        assert level["n"] > 0
        assert level["p50_ms"] > 0
        assert level["rps"] > 0
        assert not level["errors"]
        assert level["server_cpu_ms_per_request"] > 0
    assert results["search"]["figures"]["during_generation"]["8"]["p50_ms"] > 0
    streaming = results["streaming"]["figures"]
    assert streaming["questions"] >= 5 and streaming["answers_measured"] >= streaming["questions"] - 1
    # A rate needs two tokens: an answer is left out of the ratio only when one side stopped after its first (the
    # 270M model at temperature 0 can stop at once on a near tie, served from its KV cache or run bare).
    for run in streaming["runs"]:
        assert run["covered"] and (min(run["sse"]["tokens"], run["bare"]["tokens"]) <= 1 or run["sse"]["tokens_per_s"])
    assert streaming["statuses"] == [200]
    assert streaming["ratio"] > 0
    assert streaming["same_prompt_all"]
    split = streaming["ttft_median"]
    assert split["retrieval_ms"] > 0
    assert split["bare_prompt_eval_and_first_token_ms"] > 0
    assert split["client_ttft_ms"] >= split["prompt_eval_and_first_token_ms"] > 0
    cache = results["cache"]["figures"]
    assert cache["sse"]["cached"] == cache["sse"]["n"] > 0
    assert cache["answers_measured"] == 2 * cache["sse"]["n"] + 1
    generation = results["generation"]["figures"]["modes"]["generative"]  # the shared appliance's mode
    assert generation["levels"]["1"]["at_once"]["aggregate_tokens_per_s"] > 0
    assert generation["answers"]["model_answers"] == generation["answers"]["answers"] > 0
    classroom = results["classroom"]["figures"]
    assert classroom["errors"] == 0
    assert classroom["requests"] > 0
    assert classroom["memory_end"]["rss_mb"] > 0
    summary = (tmp_path / "latest.md").read_text()
    assert "## Targets" in summary
    assert "## search" in summary
    assert "cores" in summary


def test_ocr_error_rate_counts_edits():
    from bench.formats import distance

    assert distance("kitten", "sitting") == 3


def test_answers_judge_on_written_strings():
    """The answer benchmark's own judge (numbers, supported sentences, loops), without the models."""
    assert answers.numbers("6.50 bar at 08:30 [2], 42 N [1, 3]; 0.05 mm") == {"6.5", "8", "30", "42", "0.05"}
    assert answers.sentences("- It grips with 42 N [1]. Supply 6.5 bar.\n2. Then test.") == [
        "It grips with 42 N.",
        "Supply 6.5 bar.",
        "Then test.",
    ]
    source = "The Zorblax-7 can squeeze with a maximum grip force of 42 newtons. It needs 6.5 bar."
    question = "What is the maximum grip force of the Zorblax-7?"
    assert answers.support("It can squeeze with 42 newtons [1].", [source], question)["supported"]
    wrong_number = answers.support("It can squeeze with 50 newtons.", [source], question)
    assert not wrong_number["supported"] and wrong_number["missing_numbers"] == ["50"]
    made_up = answers.support("The gripper is painted bright orange by its maker.", [source], question)
    assert not made_up["supported"] and made_up["share"] < answers.SUPPORT_SHARE
    # A number the question itself gives is not invented; one in no source is.
    assert answers.invented_numbers("Yes, the Zorblax-7 reaches 42 newtons [1].", [source], question) == []
    assert answers.invented_numbers("It works up to 60 degrees [2].", [source], question) == ["60"]
    assert answers.invented_numbers("Steps:\n7. Supply 6.5 bar.\n8. Done.", [source]) == []  # list numbering
    assert answers.loop("the arm is fast and the arm is fast and the arm is fast") == "the arm is fast"
    assert answers.loop("the arm is fast, the arm is fast, then it stops") is None
    quotes = " ".join(f"The material says: “The {place} is open until {n}:00.” [1]" for place, n in QUOTED_PLACES)
    assert answers.loop(quotes) is None  # three quotes, each framed alike by the appliance
    item = {"question": question, "expect": r"42\s*(N\b|newtons?)", "document": "zorblax-7-gripper.md"}
    cited = {"filename": "zorblax-7-gripper.md", "cited": True, "text": source}
    judged = answers.judge(item, {"answer": "It squeezes with 42 newtons [1].", "covered": True, "sources": [cited]})
    assert judged["correct"] and judged["cited_right_document"] and judged["correct_cited_supported"]
    refused = {
        "answer": "No answer to this question was found in the course material.",
        "covered": False,
        "sources": [],
    }
    judged = answers.judge(item, refused)
    assert not judged["correct"] and judged["says_not_covered"] and judged["sentences"] == []
    assert not judged["refused_fact_shown"]
    # Refused, but the closest sentences shown as related reading state the fact: the student can read it there.
    related = cited | {"cited": False, "evidence": [{"start": 0, "end": 20, "text": source, "score": 0.6}]}
    judged = answers.judge(item, refused | {"sources": [related]})
    assert judged["refused_fact_shown"] and not judged["correct"]
    rows = [{"kind": "answerable", "ttft_ms": None, "total_ms": 1.0, "answer": "", **judged}]
    figures = answers.figures_for(rows)
    assert figures["answerable_refused_fact_shown"] == figures["fact_shown"] == 1.0
    assert figures["correct"] == 0.0


def test_a_quote_of_list_items_is_the_materials_words_without_their_numbers():
    source = "The loop:\n\n1. Sense: read the sensors.\n2. Think: choose the next command."
    assert answers.quoted("The loop: Sense: read the sensors.", [source])["supported"]
    assert answers.quoted("Think: read the sensors.", [source])["supported"] is False


def test_a_quote_of_a_table_row_under_its_header_is_the_materials_words():
    table = "| Status | Snapshots (days) |\n|---|---|\n| Bachelor student | 14 |\n| Doctoral student | 30 |"
    assert answers.quoted("Status | Snapshots (days)\nDoctoral student | 30", [table])["supported"]
    assert answers.quoted("Status | Snapshots (days)\nDoctoral student | 40", [table])["supported"] is False


def test_a_quoted_header_is_read_in_the_lead_of_a_source_starting_inside_its_table():
    item = {"question": "When do the talks start?", "kind": "answerable", "expect": "Talks", "document": "a.md"}
    source = {"filename": "a.md", "cited": True, "text": "| Mon | Talks |\n", "lead": "Day | Morning (09:00–12:30)"}
    done = {"answer": "The material says: “Day | Morning (09:00–12:30)\nMon | Talks” [1]", "covered": True}
    judged = answers.judge(item, done | {"sources": [source]})
    assert judged["correct_cited_supported"] and not judged["invented_numbers"]
    judged = answers.judge(item, done | {"sources": [source | {"lead": ""}]})
    assert judged["invented_numbers"] and judged["unsupported"] == 1


def test_answers_devset_is_well_formed():
    devset = answers.load_devset(quick=False)
    kinds = [q["kind"] for q in devset["questions"]]
    assert kinds.count("answerable") >= 48 and kinds.count("unanswerable") >= 14 and kinds.count("off-topic") >= 3
    for q in devset["questions"]:
        assert q["split"] in ("tune", "check"), q
        if q["kind"] == "answerable":
            assert q["document"] in devset["documents"] and re.compile(q["expect"]), q
    quick = answers.load_devset(quick=True)
    assert len(quick["questions"]) == 6 and len(quick["documents"]) == 2 and not quick["distractors"]


# Held-out sets of a course website's files (HTML, CSV, TSV, a notebook, Markdown) uploaded as they are.
WEBSITE_SETS = {"fresh14"}


def held_out_set_is_well_formed(name: str, tmp_path: Path) -> None:
    """A held-out set: at least 48 answerable, 12 near-topic and 4 off-topic questions, none twice, each
    document's questions of each kind halved (to one) between its read split and its judged one; every document
    exists and is in no other set, with six answerable questions or more; every answerable fact is in its document
    and no unanswerable one's `absent` is; one document is a PDF of several pages, but in a set of files uploaded as
    they are (WEBSITE_SETS), where none is made."""
    held_out = answers.load_devset(quick=False, name=name)
    questions = held_out["questions"]
    kinds = Counter(q["kind"] for q in questions)
    assert kinds["answerable"] >= 48 and kinds["unanswerable"] >= 12 and kinds["off-topic"] >= 4
    assert set(kinds) == {"answerable", "unanswerable", "off-topic"}
    read, judged = answers.SETS[name].splits
    assert {q["split"] for q in questions} == {read, judged} and answers.SETS[name].judged == judged
    halves = Counter((q.get("document"), q["kind"], q["split"]) for q in questions)
    for document, kind, _ in halves:  # each document's kind halved: one half read, one held out
        assert abs(halves[document, kind, read] - halves[document, kind, judged]) <= 1, (document, kind)
    asked = [" ".join(q["question"].casefold().split()) for q in questions]
    assert len(set(asked)) == len(asked)
    texts = {doc: answers.document_text(held_out, doc) for doc in held_out["documents"]}
    others = [answers.load_devset(quick=False, name=other)["documents"] for other in answers.SETS if other != name]
    assert not set(texts) & set().union(*others)  # no handout of another set
    answered = Counter(q["document"] for q in questions if q["kind"] == "answerable")
    assert set(answered) == set(texts) and min(answered.values()) >= 6
    for q in questions:
        if q["kind"] == "answerable":
            assert re.search(q["expect"], texts[q["document"]], re.IGNORECASE), q
        elif q["kind"] == "unanswerable":
            assert q["missing"] and not re.search(q["absent"], texts[q["document"]], re.IGNORECASE), q
    if name in WEBSITE_SETS:  # a course website's files, uploaded as they are: nothing made, no PDF
        assert not any(Path(doc).suffix in answers.MADE for doc in texts)
    else:
        assert any(answers.PAGE_BREAK in text for text in texts.values())  # one handout is a PDF of several pages
    files = answers.materialise(held_out | {"distractors": []}, tmp_path)
    assert [doc for _, doc in files] == held_out["documents"] and all(path.is_file() for path, _ in files)
    quick = answers.load_devset(quick=True, name=name)
    assert len(quick["questions"]) == 6 and len(quick["documents"]) == 2 and not quick["distractors"]


@pytest.mark.parametrize("name", [f"fresh{n}" if n > 1 else "fresh" for n in range(1, 25)])
def test_answers_held_out_set_is_well_formed(name, tmp_path):
    """The held-out sets (bench/answers/<name>/), each written after the sets before it, by a new hand."""
    assert answers.SETS[name].splits == (f"{name}-tune", name)
    held_out_set_is_well_formed(name, tmp_path)


@pytest.mark.parametrize("name", sorted(WEBSITE_SETS))
def test_answers_website_files_read_back(name):
    """A website set's files (HTML pages, CSV and TSV tables, a notebook, Markdown) are read by the appliance's
    parser with every answerable fact, their tags, cells and JSON aside, and no near-topic one's `absent`."""
    from appliance.ingest.parse import parse

    held_out = answers.load_devset(quick=False, name=name)
    read = {}
    for doc in held_out["documents"]:
        pages = parse((held_out["folder"] / doc).read_bytes(), doc).pages
        read[doc] = " ".join(page.text for page in pages)
    assert {Path(doc).suffix for doc in read} >= {".html", ".csv", ".tsv", ".ipynb", ".md"}
    assert_facts_read(held_out["questions"], read)


def test_answers_sample_set_is_well_formed(tmp_path):
    """The set on the course the appliance ships with: its document is the bundled sample itself, every
    answerable fact is in it and no unanswerable question's `absent` is."""
    sample = answers.load_devset(quick=False, name="sample")
    questions = sample["questions"]
    kinds = Counter(q["kind"] for q in questions)
    assert kinds["answerable"] >= 30 and kinds["unanswerable"] >= 10 and kinds["off-topic"] >= 2
    assert {q["split"] for q in questions} == {"sample"}
    text = answers.document_text(sample, "robotics-basics.md")
    assert text == (common.REPO / "appliance" / "sample" / "robotics-basics.md").read_text(encoding="utf-8")
    for q in questions:
        if q["kind"] == "answerable":
            assert re.search(q["expect"], text, re.IGNORECASE), q
        elif q["kind"] == "unanswerable":
            assert q["missing"] and not re.search(q["absent"], text, re.IGNORECASE), q
    files = answers.materialise(sample | {"distractors": []}, tmp_path)
    assert [name for _, name in files] == ["robotics-basics.md"] and all(path.is_file() for path, _ in files)


def test_answers_made_documents_read_back(tmp_path):
    """A held-out set's slide deck and Word handout are made from their text and read back by the appliance's
    parser with every line's words: slide titles, bullets, speaker notes, headings, paragraphs and table cells."""
    from appliance.ingest.parse import parse

    deck = "Safety\nWear goggles\nNo food\nNotes: the fire door is on the left\n<<<slide>>>\nTimes\nOpen 9 to 5\n"
    word = "# Handout\n## Rules\nBring a lab coat.\nSign the list.\n| Item | Fee |\n| Locker | 5 EUR |\n"
    devset = {"folder": tmp_path, "documents": ["deck.pptx", "rules.docx"], "distractors": []}
    for folder, name, text in (("slides", "deck", deck), ("word", "rules", word)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / f"{name}.txt").write_text(text, encoding="utf-8")
    files = answers.materialise(devset, tmp_path / "files")
    deck_pages, word_pages = (parse(path.read_bytes(), name).pages for path, name in files)
    assert len(deck_pages) == 2 and "the fire door is on the left" in deck_pages[0].text
    assert "Wear goggles" in deck_pages[0].text and "Open 9 to 5" in deck_pages[1].text
    read = " ".join(page.text for page in word_pages)
    for words in ("Handout", "Rules", "Bring a lab coat.", "Sign the list.", "Locker", "5 EUR"):
        assert words in read, words


def test_answers_word_handout_keeps_tables_and_lists_where_they_stand(tmp_path):
    """A made Word handout's table stands in its section, between the paragraphs around it, and "- item" lines are
    bulleted list items, read back as such; a table before any heading still goes at the end."""
    import docx

    from appliance.ingest.parse import parse

    text = (
        "| Loose | table |\n# Handbook\n## Assessment\nThe weights are these.\n| Part | Weight |\n| Essay | 40% |\n"
        "| Exam | 60% |\nThe pass mark is 40%.\n## Kit\n- Goggles\n- Lab coat\nBring both.\n"
    )
    (tmp_path / "word").mkdir()
    (tmp_path / "word" / "handbook.txt").write_text(text, encoding="utf-8")
    devset = {"folder": tmp_path, "documents": ["handbook.docx"], "distractors": []}
    [(path, name)] = answers.materialise(devset, tmp_path / "files")
    read = " ".join(page.text for page in parse(path.read_bytes(), name).pages)
    order = ["The weights are these.", "Essay", "Exam", "The pass mark is 40%.", "- Goggles", "- Lab coat"]
    order.append("Bring both.")
    places = [read.find(words) for words in order]
    assert -1 not in places and places == sorted(places), (places, read)
    assert read.find("Loose") > read.find("Bring both.")
    document = docx.Document(str(path))
    styles = [p.style and p.style.name for p in document.paragraphs if p.text in ("Goggles", "Lab coat", "Bring both.")]
    assert styles == ["List Bullet", "List Bullet", "Normal"]
    assert len(document.tables) == 2


def parsed(held_out: dict, tmp_path: Path) -> dict[str, str]:
    """Each document of a set, as materialised, as the appliance's parser reads it (its pages' text joined)."""
    from appliance.ingest.parse import parse

    files = answers.materialise(held_out | {"distractors": []}, tmp_path)
    return {doc: " ".join(page.text for page in parse(path.read_bytes(), doc).pages) for path, doc in files}


def assert_facts_read(questions: list[dict], read: dict[str, str]) -> None:
    """Every answerable question's `expect` is in its document as read, and no near-topic question's `absent`."""
    for q in questions:
        if q["kind"] == "answerable":
            assert re.search(q["expect"], read[q["document"]], re.IGNORECASE), q
        elif q["kind"] == "unanswerable":
            assert not re.search(q["absent"], read[q["document"]], re.IGNORECASE), q


# Held-out sets whose documents are made at bench time, read back through the appliance's parser in full.
MADE_READ_BACK_SETS = {"fresh15"}


@pytest.mark.parametrize("name", sorted(MADE_READ_BACK_SETS))
def test_answers_made_set_reads_back(name, tmp_path):
    """A made set's Word handouts and PDF, as materialised, are read by the appliance's parser with every
    answerable fact, and no near-topic question's `absent`."""

    held_out = answers.load_devset(quick=False, name=name)
    read = parsed(held_out, tmp_path)
    assert {Path(doc).suffix for doc in read} == {".docx", ".pdf"}
    assert_facts_read(held_out["questions"], read)


# Held-out sets of follow-up questions: most ask after `earlier` questions, as a student goes on in a conversation.
FOLLOW_UP_SETS = {"fresh17"}


@pytest.mark.parametrize("name", sorted(FOLLOW_UP_SETS))
def test_answers_follow_up_set_reads_back(name, tmp_path):
    """A follow-up set: two thirds of its questions or more follow one to three earlier questions (each a
    non-empty question of its own), the rest stand alone; its documents (Markdown, Word and a PDF), as materialised,
    are read by the appliance's parser with every answerable fact, and no near-topic question's `absent`."""

    held_out = answers.load_devset(quick=False, name=name)
    questions = held_out["questions"]
    follow_ups = [q for q in questions if "earlier" in q]
    assert 3 * len(follow_ups) >= 2 * len(questions) and len(follow_ups) < len(questions)
    for q in follow_ups:
        assert 1 <= len(q["earlier"]) <= 3 and all(isinstance(e, str) and e.strip() for e in q["earlier"]), q
    read = parsed(held_out, tmp_path)
    assert {Path(doc).suffix for doc in read} >= {".md", ".docx", ".pdf"}
    assert_facts_read(questions, read)


# Held-out sets of yes/no, permission and why questions ("can I ...?", "do I need ...?", "why do we have to ...?").
YES_NO_SETS = {"fresh18"}
# A yes/no question's first word, and the openings of a why or what-happens-if one.
YES_NO_OPENINGS = re.compile(
    r"(?:am|are|can|could|do|does|did|has|have|is|may|must|shall|should|was|were|will|would|why|what\s+happens|"
    r"what\s+if|what\s+will\s+happen)\b",
    re.IGNORECASE,
)


@pytest.mark.parametrize("name", sorted(YES_NO_SETS))
def test_answers_yes_no_set_reads_back(name, tmp_path):
    """A yes/no set: two thirds of its questions or more are yes/no, why or what-happens-if questions (told by their
    first words), the rest plain wh-questions; no answerable `expect` is a bare yes or no; its documents (Markdown,
    Word and a PDF), as materialised, are read by the appliance's parser with every answerable fact, and no near-topic
    question's `absent`."""

    held_out = answers.load_devset(quick=False, name=name)
    questions = held_out["questions"]
    asking = [q for q in questions if YES_NO_OPENINGS.match(q["question"].strip())]
    assert 3 * len(asking) >= 2 * len(questions) and len(asking) < len(questions)
    assert sum(q["question"].lower().startswith("why") for q in asking if q["kind"] == "answerable") >= 6
    read = parsed(held_out, tmp_path)
    assert {Path(doc).suffix for doc in read} >= {".md", ".docx", ".pdf"}
    assert not any(re.fullmatch(r"\W*(?:yes|no)\W*", q["expect"], re.I) for q in questions if q["kind"] == "answerable")
    assert_facts_read(questions, read)


# Held-out sets of questions whose answer is several facts (lists, comparisons, counts, superlatives, both/all/each),
# each question's kind in the comment above it ("# list: ...", "# near-topic comparison: ...", "# off-topic count").
MULTI_FACT_SETS = {"fresh19"}
MULTI_FACT_KINDS = ("list", "comparison", "count", "superlative", "both", "control")
MULTI_FACT_KIND = re.compile(r"#\s*(near-topic\s+|off-topic\s+)?(\w+)")


def question_comments(text: str) -> list[str]:
    """The first line of the comment block just above each `[[question]]` table ("" for none)."""
    lines, heads = text.splitlines(), []
    for n, line in enumerate(lines):
        if line.strip() != "[[question]]":
            continue
        first = n
        while first > 0 and lines[first - 1].startswith("#"):
            first -= 1
        heads.append(lines[first] if first < n else "")
    return heads


def question_kinds(text: str) -> list[tuple[str, str]]:
    """Each `[[question]]` table's (prefix, kind) from the first line of the comment block just above it: ("",
    "list") for "# list: ...", ("near-topic", "comparison") for "# near-topic comparison: ..."; ("", "") for none."""
    kinds = []
    for head in question_comments(text):
        found = MULTI_FACT_KIND.match(head)
        kinds.append(((found.group(1) or "").strip(), found.group(2)) if found else ("", ""))
    return kinds


@pytest.mark.parametrize("name", sorted(MULTI_FACT_SETS))
def test_answers_multi_fact_set_reads_back(name, tmp_path):
    """A multi-fact set: every question's kind is in the comment above it (each answerable one a list, comparison,
    count, superlative, both or control question, with at least 12 lists and 12 comparisons, 6 each of counts,
    superlatives and both/all/each questions, and controls a quarter or less; each near-topic and off-topic one of the
    five multi-fact kinds); at least half the answerable `expect`s require two facts or more (two lookaheads or more);
    its documents (Markdown, Word and a PDF), as materialised, are read by the appliance's parser with every answerable
    `expect`, and no near-topic question's `absent`."""

    held_out = answers.load_devset(quick=False, name=name)
    questions = held_out["questions"]
    kinds = question_kinds((answers.SETS[name].folder / "questions.toml").read_text(encoding="utf-8"))
    assert len(kinds) == len(questions)
    prefixes = {"answerable": "", "unanswerable": "near-topic", "off-topic": "off-topic"}
    for q, (prefix, kind) in zip(questions, kinds, strict=True):
        assert prefix == prefixes[q["kind"]], (q, prefix, kind)
        assert kind in (MULTI_FACT_KINDS if q["kind"] == "answerable" else MULTI_FACT_KINDS[:-1]), (q, kind)
    counted = Counter(kind for q, (_, kind) in zip(questions, kinds, strict=True) if q["kind"] == "answerable")
    assert counted["list"] >= 12 and counted["comparison"] >= 12, counted
    assert min(counted["count"], counted["superlative"], counted["both"]) >= 6, counted
    assert 0 < 4 * counted["control"] <= sum(counted.values()) + 4, counted  # about a quarter, not more
    answerable = [q for q in questions if q["kind"] == "answerable"]
    assert 2 * sum(q["expect"].count("(?=") >= 2 for q in answerable) >= len(answerable)
    for q, (_, kind) in zip(questions, kinds, strict=True):
        if q["kind"] == "answerable" and kind in ("list", "comparison", "both"):
            assert q["expect"].count("(?=") >= 2, q  # a list, comparison or both question needs two facts at least
    read = parsed(held_out, tmp_path)
    assert {Path(doc).suffix for doc in read} >= {".md", ".docx", ".pdf"}
    assert_facts_read(questions, read)


# Held-out sets of twins: each answerable question ("# answer: ...") is followed by near-topic unanswerable twins about
# the same document, each of a kind named in the comment above it ("# near-topic property: ...", "# near-topic
# thing: ...", "# near-topic condition: ..." or "# near-topic detail: ..."); off-topic ones are "# off-topic: ...".
TWIN_SETS = {"fresh20", "fresh21", "fresh22", "fresh23", "fresh24"}
TWIN_KINDS = ("property", "thing", "condition", "detail")
TWIN_KIND = re.compile(r"#\s*(answer|off-topic|near-topic\s+(\w+)):")


@pytest.mark.parametrize("name", sorted(TWIN_SETS))
def test_answers_twin_set_reads_back(name, tmp_path):
    """A twin set: every question's kind is in the comment above it; at least 40 answerable and 40 near-topic
    questions, each of the four near-topic kinds at least 8 times; every answerable question is directly followed by
    a near-topic twin of its document, and each near-topic question follows its answerable twin or another twin of
    it; both splits hold answerable questions and near-topic ones of every kind; its documents (Markdown, Word and a
    PDF), as materialised, are read by the appliance's parser with every answerable `expect`, and no near-topic
    question's `absent`."""

    held_out = answers.load_devset(quick=False, name=name)
    questions = held_out["questions"]
    heads = question_comments((answers.SETS[name].folder / "questions.toml").read_text(encoding="utf-8"))
    assert len(heads) == len(questions)
    words = {"answerable": "answer", "off-topic": "off-topic"}
    kinds = []
    for q, head in zip(questions, heads, strict=True):
        found = TWIN_KIND.match(head)
        assert found, (q, head)
        if q["kind"] == "unanswerable":
            assert found.group(2) in TWIN_KINDS, (q, head)
        else:
            assert found.group(1) == words[q["kind"]], (q, head)
        kinds.append(found.group(2) or found.group(1))
    counted = Counter(kinds)
    assert counted["answer"] >= 40 and sum(counted[kind] for kind in TWIN_KINDS) >= 40, counted
    assert min(counted[kind] for kind in TWIN_KINDS) >= 8, counted
    assert questions[0]["kind"] != "unanswerable" and questions[-1]["kind"] != "answerable"
    for before, after in pairwise(questions):
        if before["kind"] == "answerable":  # every answerable question has a twin right after it
            assert after["kind"] == "unanswerable" and after["document"] == before["document"], (before, after)
        if after["kind"] == "unanswerable":  # twins kept together
            assert before["kind"] != "off-topic" and before["document"] == after["document"], (before, after)
    splits = answers.SETS[name].splits
    for kind in ("answer", *TWIN_KINDS):
        assert {q["split"] for q, k in zip(questions, kinds, strict=True) if k == kind} == set(splits), kind
    read = parsed(held_out, tmp_path)
    assert {Path(doc).suffix for doc in read} >= {".md", ".docx", ".pdf"}
    assert_facts_read(questions, read)


# Held-out sets of scanned handouts (image-only PDFs made from scan/<stem>.txt), read back through OCR.
SCANNED_SETS = {"fresh16"}


def test_a_made_scan_is_pages_of_image_with_no_text_layer():
    """A scanned handout is made page by page as images only: the PDF has no text for the parser but OCR."""
    import pypdf

    data = answers.make_scan("The Halvard valve opens at three bar.\n<<<page>>>\nIt closes at one bar.\n")
    pages = pypdf.PdfReader(io.BytesIO(data)).pages
    assert len(pages) == 2 and all(not page.extract_text().strip() for page in pages)
    with pytest.raises(ValueError, match="does not fit"):
        answers.make_scan("\n".join(["A line"] * 40))


@pytest.mark.real
@pytest.mark.parametrize("name", sorted(SCANNED_SETS))
def test_answers_scanned_set_reads_back_by_ocr(name, tmp_path):
    """A scanned set's PDFs, as materialised, have no text layer; the appliance's parser reads every page by OCR
    with every answerable fact, and no near-topic question's `absent`."""
    pytest.importorskip("rapidocr_onnxruntime", exc_type=ImportError)
    from appliance.ingest.parse import parse

    held_out = answers.load_devset(quick=False, name=name)
    files = answers.materialise(held_out | {"distractors": []}, tmp_path)
    read = {}
    for path, doc in files:
        pages = parse(path.read_bytes(), doc).pages
        assert Path(doc).suffix != ".pdf" or all(page.ocr for page in pages), doc
        read[doc] = " ".join(page.text for page in pages)
    assert sum(Path(doc).suffix == ".pdf" for doc in read) >= 5
    assert_facts_read(held_out["questions"], read)


def test_answers_quick():
    """`answers.run(quick=True)`: every mode's figures exist and are sane (never judged against the targets)."""
    result = answers.run(quick=True)
    figures = result["figures"]
    assert set(figures["reported_modes"]) == set(answers.MODES)
    assert result["corpus"]["ingest"]["failed"] == 0 and result["corpus"]["ingest"]["done"] == 2
    for mode in answers.MODES:
        overall, tune, check = (figures[mode][s] for s in ("overall", *answers.SETS["dev"].splits))
        assert overall["questions"] == 6 == tune["questions"] + check["questions"]
        for name in ("answerable", "unanswerable", "off_topic", "sentences", "unsupported_sentences", "loops"):
            assert overall[name] == tune[name] + check[name], (mode, name)
        for key, value in overall.items():
            if key.endswith("_n"):
                assert value == tune[key] + check[key], (mode, key)
                fraction = overall[key[:-2]]
                assert fraction is None or 0 <= fraction <= 1, (mode, key)
        assert overall["correct_cited_supported_n"] <= overall["correct_n"] <= overall["answerable"]
        assert overall["unsupported_sentences"] <= overall["sentences"]
        assert overall["ttft_ms"]["median"] > 0 and overall["total_ms_median"] >= overall["ttft_ms"]["median"]
        rows = result["details"][mode]
        assert len(rows) == 6 and all(r["answer"] for r in rows)
    assert all(t["met"] in (True, False, None) for t in result["targets"])
    assert "correct+cited+supported" in answers.table(figures)


def test_answers_follow_up_is_asked_with_its_conversation():
    """A question with `earlier` is asked as the chat asks a follow-up whose caller keeps the conversation (the
    earlier questions as the user messages before it, over /v1 with an API key), its row records the search query
    the chat makes of it, and the evidence bench asks the answerer that same standalone question; one standing alone
    is asked in the web chat as before."""
    from types import SimpleNamespace

    import httpx

    from appliance.answer.chat import understood
    from bench import evidence

    sent = []
    source = {"n": 1, "filename": "arm.md", "cited": True, "text": "The Wren-7 arm reaches 80 cm."}

    def server(request: httpx.Request) -> httpx.Response:
        sent.append((request.url.path, json.loads(request.content), request.headers.get("authorization")))
        if request.url.path == "/v1/chat/completions":
            pieces = [
                {"choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]},
                {"choices": [{"index": 0, "delta": {"content": "It reaches 80 cm [1]."}}]},
                {
                    "choices": [
                        {"index": 0, "delta": {"content": "\n\nSources:\n[1] arm.md"}, "finish_reason": "stop"}
                    ],
                    "ragbot": {"sources": [source], "sentences": [], "covered": True, "mode": "grounded"},
                },
            ]
            body = "".join(f"data: {json.dumps(p)}\n\n" for p in [*pieces, "[DONE]"]).replace('"[DONE]"', "[DONE]")
        else:
            done = {"answer": "It reaches 80 cm [1].", "covered": True, "mode": "grounded", "sources": [source]}
            body = f"event: token\ndata: It reaches 80 cm [1].\n\nevent: done\ndata: {json.dumps(done)}\n\n"
        return httpx.Response(200, text=body, headers={"content-type": "text/event-stream"})

    client = httpx.Client(transport=httpx.MockTransport(server), base_url="http://appliance")
    question, earlier = "and how far can it reach?", ["How heavy is the Wren-7 arm?"]
    follow_up: dict = {"id": 1, "question": question, "earlier": earlier, "kind": "answerable", "split": "s"}
    follow_up |= {"document": "arm.md", "expect": "80 cm"}
    made = understood(question, earlier, "It reaches 80 cm [1].")
    assert "Wren-7" in made[0]  # the chat's standalone question names what "it" was
    row = answers.ask(client, follow_up, "the-key")
    path, body, authorization = sent.pop()
    assert path == "/v1/chat/completions" and authorization == "Bearer the-key"
    # the earlier question was asked first, and its answer is the assistant's message before the follow-up
    assert sent.pop()[1]["messages"] == [{"role": "user", "content": earlier[0]}]
    assert [(m["role"], m["content"]) for m in body["messages"]] == [
        ("user", earlier[0]),
        ("assistant", "It reaches 80 cm [1]."),
        ("user", question),
    ]
    assert (row["search_query"], row["focus"], row["earlier"]) == (*made, earlier)
    assert row["answered"] == "It reaches 80 cm [1]."
    assert row["answer"] == "It reaches 80 cm [1]." and row["correct_cited_supported"] and row["ttft_ms"] is not None
    with pytest.raises(ValueError, match="API key"):
        answers.ask(client, follow_up)
    alone = {k: v for k, v in follow_up.items() if k != "earlier"} | {"question": "How far can the Wren-7 arm reach?"}
    row = answers.ask(client, alone, "the-key")
    path, body, _ = sent.pop()
    assert path == "/api/v1/chat" and body["message"] == alone["question"] and row["search_query"] == alone["question"]
    assert row["correct_cited_supported"] and row["earlier"] is None

    asked = []

    def retrieve(question, n: int) -> list:
        asked.append(question)
        return []

    settings = SimpleNamespace(context_sources=3, evidence_passages=6, extractive_quotes=2)
    evidence.judge(SimpleNamespace(settings=settings, retrieve=retrieve), follow_up)
    assert (asked[0].text, asked[0].search_query, asked[0].focus) == (question, *made)


BAD_ARGUMENTS = [
    ("generalize", "--only=none"),
    ("retrieval", "--limit=0"),
    ("evidence", "--set=none"),
    ("search", "--x"),
    ("verifier", "--x"),
]


@pytest.mark.parametrize(("module", "bad"), BAD_ARGUMENTS)
def test_benchmarks_run_openblas_on_one_thread_as_the_appliance_does(module, bad):
    """OpenBLAS reads its thread count when numpy loads; its spinning helper thread doubled in-process search CPU."""
    code = (
        f"import os, sys; from bench import {module}\n"
        f"try:\n    {module}.main([{bad!r}])\nexcept SystemExit:\n    pass\n"
        "print(os.environ.get('OPENBLAS_NUM_THREADS'), 'numpy' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    assert out.stdout.split() == ["1", "False"], out.stderr  # set before anything loaded numpy


def test_generalize_quick_scores_both_collections(tmp_path):
    """`python -m bench.generalize --quick`: every variant scored on a synthetic Cranfield and a synthetic docs set."""
    out = tmp_path / "generalize.json"
    assert generalize.main(["--quick", "--quiet", "--output", str(out)]) == 0
    result = json.loads(out.read_text())
    assert [c["name"] for c in result["collections"]] == ["Cranfield", "synthetic docs"]
    variants = result["collections"][1]["variants"]
    assert {
        "keyword",
        "dense",
        "rrf",
        "shipped",
        "rrf + sentence re-rank w0.4",
        "shipped, fp32 queries",
        "shipped, feedback always",
        "shipped, plain int8 queries",
        "before (plain int8 queries, feedback always)",
        "hybrid hw3 feedback if dense and keyword disagree",
    } <= variants.keys()
    # The shipped default makes the feedback pass only where dense and keyword disagree: the same figures as
    # the explicit row, and the profile says for how many searches.
    assert variants["hybrid hw3 feedback if dense and keyword disagree"]["vs_shipped"]["delta"] == 0.0
    assert 0.0 <= result["collections"][1]["feedback_share"] <= 1.0
    assert "embed query (plain int8)" in result["collections"][1]["stages_cpu_ms"]
    served = result["collections"][1]["served_cpu_ms"]
    assert served.keys() == {"shipped", "feedback always", "before (plain int8 queries, feedback always)"}
    assert all(ms > 0 for ms in served.values())
    # The in-memory keyword copy ranks as SQLite's FTS5 does: the same figures on every query.
    assert variants["shipped, keyword ranks by FTS5"]["vs_shipped"] == variants["shipped"]["vs_shipped"]
    assert "keyword (in-memory BM25)" in result["collections"][1]["stages_cpu_ms"]
    assert all(0.0 <= v[half][m] <= 1.0 for v in variants.values() for half in "AB" for m in generalize.METRICS)
    assert variants["rrf"]["vs_rrf"]["delta"] == 0.0
    assert variants["shipped"]["timing"]["cpu_ms"] > 0


def test_generalize_metrics_on_a_known_ranking():
    """First-rank accuracy and the paired difference are computed per query, then averaged per half."""
    judged = {"a.rst": 1, "b.rst": 3}
    figures = generalize.per_query(["c.rst", "a.rst"], judged)
    assert figures["first"] == 0.0
    assert figures["mrr@10"] == 0.5
    better = {"1": {"ndcg@10": 1.0}, "2": {"ndcg@10": 0.5}}
    worse = {"1": {"ndcg@10": 0.5}, "2": {"ndcg@10": 0.5}}
    assert generalize.compare(better, worse, {"1": "A", "2": "B"}) == {
        "delta": 0.25,
        "delta_A": 0.5,
        "delta_B": 0.0,
        "stderr": 0.25,
    }


def test_engine_ceiling_times_steps_with_and_without_the_vocabulary_projection(tmp_path):
    """`bench.generation --engine --quick`: the llama.cpp context alone, 1 and 2 sequences."""
    assert generation.main(["--engine", "--quick", "--output", str(tmp_path)]) == 0
    figures = json.loads((tmp_path / "generation-engine.json").read_text())["figures"]
    assert set(figures) == {"1", "2"}
    # Both timed; which is faster is the benchmark's figure to read (the 262k-token projection costs a few per cent,
    # within the noise of a loaded machine: "25.6 < 25.6" failed once at load 4), not a timing a test can assert.
    for level in figures.values():
        assert level["step_ms_without_logits"] > 0 and level["step_ms"] > 0 and level["prompt_tokens_per_s"] > 0
    assert figures["1"]["ratio_to_one"] == 1.0


def test_soak_rise_measure_tells_a_leak_from_noise():
    assert classroom.second_half_rise([100, 120, 110, 121, 119, 118]) == 1.0
    assert classroom.second_half_rise([1, 2]) is None
    leak = [40 + 2 * n for n in range(30)]  # a descriptor lost every 4 s
    assert not classroom.flat(classroom.second_half_rise(leak), classroom.SOAK_FDS)
    assert classroom.flat(classroom.second_half_rise([40, 44, 42, 43, 41, 44, 42, 43]), classroom.SOAK_FDS)


def test_class_answers_are_told_apart_and_the_preparation_peak_counted():
    done = [
        {"covered": True, "model_busy": False},
        {"covered": True, "model_busy": True},
        {"covered": True, "model_busy": True},
        {"covered": False},
        {"covered": True, "cached": True},
    ]
    rows = [{"kind": classroom.answer_kind(d)} for d in done]
    counted = classroom.kinds(rows)
    assert [counted[k] for k in classroom.KINDS] == [1, 2, 1, 1]
    assert counted["share_quoted_busy"] == 0.4
    # Requests at 0, 0.5 and 3 s, each searched and weighed for 1 s: two at once at most.
    spans = [(0.0, 1000.0), (0.5, 1000.0), (3.0, 1000.0)]
    timed = [{"started": t, "timings": {"at_ms": {"evidence": ms}}} for t, ms in spans]
    assert classroom.peak_preparing([*timed, {"started": 0.2, "timings": {}}]) == 2


def test_one_minute_soak_samples_memory_and_open_files(tmp_path):
    """`bench.classroom --minutes 1` on the synthetic corpus and the real model: no errors, flatness judged."""
    status = classroom.main(["--quick", "--minutes", "1", "--output", str(tmp_path)])
    result = json.loads((tmp_path / "classroom.json").read_text())
    figures = result["figures"]
    assert figures["seconds"] == 60
    assert figures["errors"] == 0, figures["error_statuses"]
    assert figures["completed"] > 0
    assert len(figures["open_files_samples"]) >= 10
    assert figures["open_files_rise_second_half"] is not None
    assert figures["rss_rise_second_half_mb"] is not None
    judged = {t["name"]: t["met"] for t in result["targets"]}
    assert "open files rise in the second half" in judged
    assert "resident memory rise in the second half, MB" in judged
    assert status == (0 if all(judged.values()) else 1)


def test_search_saturation_is_the_busiest_level():
    from bench import search

    levels = {"1": {"rps": 30.0, "clients": 1}, "8": {"rps": 50.0, "clients": 8, "server_cpu_ms_per_request": 20.0}}
    assert search.saturation(levels) == {"searches_per_s": 50.0, "clients": 8, "cpu_ms": 20.0}


def test_verifier_quick_scans_changed_sentences(tmp_path):
    """`python -m bench.verifier --quick`: the material's sentences are accepted, each kind of change is made."""
    assert verifier.main(["--quick", "--output", str(tmp_path)]) == 0
    result = json.loads((tmp_path / "verifier.json").read_text())
    figures = result["figures"]
    assert figures["control_sentences"] > 20 and figures["control_accepted"] > 0.9
    for kind in verifier.KINDS:
        assert figures[kind]["sentences"] > 0 and 0.0 <= figures[kind]["passed"] <= 1.0, kind
    assert set(result["examples"]) == set(verifier.KINDS)
