"""The web app in Debian's Chromium (headless, offline) against the real appliance on loopback.

A teacher signs in, creates a course and uploads files; a student signs up with the join code, asks,
reads the cited passage and asks about a selected sentence; the teacher's dashboard shows it all.
Every request the page makes is recorded: anything not addressed to the appliance fails the test.
Screenshots of each main screen (desktop and phone) go to test-artifacts/screenshots/, and axe-core
(from the axe-playwright-python test package, never shipped) checks each screen for critical and serious violations.
"""

import base64
import contextlib
import json
import re
import time
from importlib import resources
from pathlib import Path

import httpx
import msgspec
import playwright.sync_api as playwright_api
import pytest
from litestar.testing import TestClient

from appliance import services as services_module
from appliance.answer import small_talk
from appliance.ingest.document import accepted_formats
from appliance.settings import load_settings
from appliance.web.app import create_app
from appliance.web.schemas import MAX_QUESTION
from tests.chatscript import ScriptedAnswerer, cited_list_item, not_covered, twice_quoted_answer
from tests.conftest import PASSWORD as ACCOUNT_PASSWORD
from tests.conftest import FakeModel
from tests.conftest import sign_in as account_headers
from tests.filemaker import (
    QUILLON_CODE,
    QUILLON_EQUATION,
    QUILLON_NOTES,
    QUILLON_TABLE,
    TWO_SLIDES,
    make_pptx,
    scanned_pdf,
)
from tests.pdfmaker import SYMBOL_BULLET, make_pdf
from tests.realserver import no_network, serve

real = pytest.mark.real
STATIC = Path(__file__).resolve().parent.parent / "appliance" / "web" / "static"

CHROMIUM = Path("/usr/bin/chromium")
MATHML_NS = "http://www.w3.org/1998/Math/MathML"
AXE = Path(str(resources.files("axe_playwright_python") / "axe.min.js"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
ANSWER_TIMEOUT = 180_000
CHAT_READY = "#main:not([aria-busy]) #question"  # the chat on screen and its top bar rebuilt
PASSWORD = "correct-horse-42"

PUMP_PAGES = [
    "Preface\nThese notes belong to the Hollowmere greenhouse robotics unit.",
    "Safety\nAlways unplug the bench supply before touching a pump.",
    "Chapter 1: Pumps\nThe Brindle-5 pump has a maximum flow rate of 18 litres per minute.\nIt weighs 2 kilograms.",
    "Chapter 2: Sensors\nThe Quorra soil probe measures moisture every 90 seconds.\n"
    "It sends its readings over a CAN bus.",
]
PUMP_LABELS = [{"start": 0, "style": "r"}, {"start": 2, "style": "D"}]
LIGHT_NOTES = (
    b"# Light sensors\n\nThe Velt light sensor saturates at 64000 lux.\n"
    b"It is mounted 30 centimetres above the seed trays.\n"
)
PUMP_QUESTION = "What is the maximum flow rate of the Brindle-5 pump?"
SELECTED = "The Quorra soil probe measures moisture every 90 seconds."
SELECTION_QUESTION = "How often does it measure?"


# ---------- served offline, to anyone (no browser needed) ----------


def test_page_and_assets_are_served_to_anonymous_users_with_a_self_only_policy(settings, services):
    with TestClient(create_app(settings, services)) as client:
        page = client.get("/")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        policy = page.headers["content-security-policy"]
        assert "default-src 'self'" in policy
        assert "connect-src 'self'" in policy
        assert "http" not in policy
        assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text)
        assert len(assets) >= 3
        for path in [*assets, "/static/js/views/chat.js"]:
            assert client.get(path).status_code == 200, path
        assert client.get("/api/v1/me").status_code == 401  # the API itself still needs a token


def test_web_app_names_no_other_host():
    """Nothing in the app's own files points off the box (the SVG and MathML namespaces are names, never fetched)."""
    offenders = []
    for path in STATIC.rglob("*"):
        if path.is_file() and "vendor" not in path.parts:
            text = path.read_text().replace("http://www.w3.org/2000/svg", "").replace(MATHML_NS, "")
            offenders += [f"{path.relative_to(STATIC)}: {url}" for url in re.findall(r"https?://[^\s\"'<>)]+", text)]
    assert offenders == []


# ---------- the appliance and the browser ----------


@pytest.fixture(scope="module")
def appliance(tmp_path_factory):
    """The real appliance, sign-up by join code, one teacher account; no connection may leave loopback."""
    with no_network() as attempts:
        settings = load_settings(
            environ={},
            data_dir=str(tmp_path_factory.mktemp("browser")),
            max_answer_tokens=48,
            temperature=0.0,
            signup="join_code",
            login_attempts_per_minute=1000,
        )
        with serve(settings) as server:
            server.services.accounts.add("ada", PASSWORD, "teacher", "expert", "intermediate")
            yield server
    assert attempts == [], f"the appliance tried to reach the network: {attempts}"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("the browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install chromium)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _json_or_raw(body: str | None):
    try:
        return json.loads(body) if body else None
    except ValueError:
        return body


class Visit:
    """One browser context on the appliance: records every request and fails on any that leaves it."""

    def __init__(self, browser, base_url: str, viewport: dict):
        self.base_url = base_url
        self.requests: list[tuple[str, str, str | None]] = []
        self.foreign: list[str] = []
        self.errors: list[str] = []
        self.console: list[str] = []  # errors the browser logged, failed requests among them
        self.context = browser.new_context(viewport=viewport, service_workers="block")
        self.context.on("request", self._record)
        # Anything not for the appliance is refused before it leaves the browser (and recorded above).
        self.context.route(lambda url: not self._ours(url), lambda route: route.abort())
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", self._logged)
        self.size = "phone" if viewport["width"] < 600 else "desktop"

    def _ours(self, url: str) -> bool:
        return (
            url == self.base_url or url.startswith(self.base_url + "/") or url.startswith(("data:", "blob:", "about:"))
        )

    def _logged(self, message) -> None:
        if message.type == "error":
            self.console.append(message.text)

    def _record(self, request) -> None:
        self.requests.append((request.method, request.url, request.post_data))
        if not self._ours(request.url):
            self.foreign.append(request.url)

    def open(self, hash_: str = "") -> None:
        self.page.goto(f"{self.base_url}/{hash_}")
        self.page.wait_for_selector("body[data-ready=true]")

    def calls(self, method: str, path: str) -> list:
        """Bodies of the calls made to one API path (parsed when JSON)."""
        url = self.base_url + path
        return [_json_or_raw(body) for m, u, body in self.requests if m == method and u.split("?")[0] == url]

    def close(self) -> None:
        self.context.close()
        assert self.foreign == [], f"the page reached beyond the appliance: {self.foreign}"
        assert self.errors == [], f"script errors on the page: {self.errors}"


@pytest.fixture
def visits(browser, appliance, request):
    """Open browser contexts for a test; each is checked for foreign requests and script errors at the end,
    and leaves a screenshot of how it ended (test-artifacts/screenshots/last/) to help read a failure."""
    opened = []

    def visit(viewport=DESKTOP) -> Visit:
        opened.append(Visit(browser, appliance.base_url, viewport))
        return opened[-1]

    yield visit
    for i, one in enumerate(opened):
        (SCREENSHOTS / "last").mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(playwright_api.Error):
            one.page.screenshot(path=str(SCREENSHOTS / "last" / f"{request.node.name}-{i}.png"))
        one.close()


# ---------- helpers ----------


def screenshot(visit: Visit, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    visit.page.wait_for_timeout(150)  # let transitions settle
    visit.page.screenshot(path=str(SCREENSHOTS / f"{name}-{visit.size}.png"))


def check_accessibility(visit: Visit, screen: str, rules: tuple[str, ...] = ()) -> None:
    """axe-core on the current screen: no critical or serious violations, nor any of the named `rules`."""
    page = visit.page
    if not page.evaluate("() => !!window.axe"):
        # Served from the test's own copy at a URL of the appliance, so the page's self-only CSP allows it.
        url = f"{visit.base_url}/axe-for-tests.js"
        page.route(url, lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"))
        page.add_script_tag(url=url)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['impact']}: {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("critical", "serious") or v["id"] in rules
    ]
    assert bad == [], f"accessibility violations on {screen} ({visit.size}): {bad}"


def nav(page, name: str):
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name)


def sign_in(visit: Visit, username: str, password: str = PASSWORD) -> None:
    visit.open("#/signin")
    page = visit.page
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector(CHAT_READY)


def ask(visit: Visit, question: str) -> "playwright_api.Locator":
    """Type a question, send it with Enter and wait for the answer to finish; returns the answer."""
    page = visit.page
    before = page.locator(".message.assistant").count()
    page.get_by_label("Your question").fill(question)
    page.get_by_label("Your question").press("Enter")
    answer = page.locator(".message.assistant").nth(before)
    answer.wait_for()
    page.wait_for_function(
        "n => { const a = document.querySelectorAll('.message.assistant')[n]; "
        "return a && a.dataset.state !== 'waiting' && a.dataset.state !== 'streaming'; }",
        arg=before,
        timeout=ANSWER_TIMEOUT,
    )
    return answer


def drop_files(visit: Visit, files: list[tuple[str, bytes, str]]) -> None:
    """Drag and drop files onto the drop zone, as a user's file manager would."""
    payload = [{"name": n, "b64": base64.b64encode(data).decode(), "type": t} for n, data, t in files]
    visit.page.evaluate(
        """files => {
        const transfer = new DataTransfer();
        for (const f of files) {
            const bytes = Uint8Array.from(atob(f.b64), c => c.charCodeAt(0));
            transfer.items.add(new File([bytes], f.name, {type: f.type}));
        }
        const zone = document.getElementById('drop-zone');
        for (const type of ['dragenter', 'dragover', 'drop']) {
            zone.dispatchEvent(new DragEvent(type, {dataTransfer: transfer, bubbles: true, cancelable: true}));
        }
    }""",
        payload,
    )


WATCH_PROGRESS = """() => {
    window.__progress = {};
    new MutationObserver(() => {
        for (const row of document.querySelectorAll('.upload')) {
            const value = Number(row.querySelector('[role=progressbar]').getAttribute('aria-valuenow'));
            (window.__progress[row.dataset.filename] ??= []).push(value);
        }
    }).observe(document.body, {subtree: true, attributes: true, attributeFilter: ['aria-valuenow']});
}"""

WATCH_STREAM = """() => {
    window.__lengths = [];
    new MutationObserver(() => {
        const answers = document.querySelectorAll('.message.assistant');
        const last = answers[answers.length - 1];
        if (last && last.dataset.state === 'streaming')
            window.__lengths.push(last.querySelector('.answer-text').textContent.length);
    }).observe(document.querySelector('.messages'), {subtree: true, childList: true, characterData: true});
}"""

# Resolves once the chat has not scrolled for ten frames (it scrolls smoothly).
SCROLL_SETTLED = """() => new Promise(resolve => {
    const box = document.querySelector('.chat-scroll');
    let last = -1, still = 0;
    const tick = () => {
        still = box.scrollTop === last ? still + 1 : 0;
        last = box.scrollTop;
        if (still >= 10) resolve(true); else requestAnimationFrame(tick);
    };
    tick();
})"""

SELECT_TEXT = """sentence => {
    const root = document.querySelector('.reader .page-text');
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.textContent.indexOf(sentence);
        if (at >= 0) {
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + sentence.length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            return true;
        }
    }
    return false;
}"""


# ---------- the classroom, start to finish ----------

FLOW: dict = {}


@real
def test_teacher_creates_course_and_uploads_with_progress(visits, appliance):
    teacher = visits()
    sign_in(teacher, "ada")
    page = teacher.page
    nav(page, "Courses").click()
    page.get_by_label("Course name").fill("Greenhouse robotics")
    page.get_by_role("button", name="Create course").click()
    code = page.locator(".course", has_text="Greenhouse robotics").locator("code")
    code.wait_for()
    FLOW["join_code"] = code.inner_text().strip()
    # Read aloud in class: two groups of five capitals and digits, none of I, L, O or U.
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}", FLOW["join_code"]), FLOW["join_code"]
    course_id = int(page.locator(".course", has_text="Greenhouse robotics").get_attribute("data-course"))
    FLOW["course_id"] = course_id
    assert page.locator("#course-select").input_value() == str(course_id)
    screenshot(teacher, "courses")
    check_accessibility(teacher, "courses")

    nav(page, "Material").click()
    page.wait_for_selector("#drop-zone")
    # The drop zone names what the server reads, from the server's own list.
    formats = page.locator("#drop-formats")
    formats.filter(has_text="PowerPoint").wait_for()
    for name in accepted_formats(appliance.services.ingestor.caps):
        assert name in formats.inner_text(), (name, formats.inner_text())
    page.evaluate(WATCH_PROGRESS)
    drop_files(
        teacher,
        [
            ("greenhouse.pdf", make_pdf(PUMP_PAGES, page_labels=PUMP_LABELS), "application/pdf"),
            ("light-sensors.md", LIGHT_NOTES, "text/markdown"),
            ("empty.md", b"", "text/markdown"),
        ],
    )
    uploads = page.locator(".upload")
    for name in ("greenhouse.pdf", "light-sensors.md"):
        page.wait_for_selector(f".upload[data-filename='{name}'][data-status=done]", timeout=120_000)
        assert (
            page.locator(f".upload[data-filename='{name}'] [role=progressbar]").get_attribute("aria-valuenow") == "100"
        )
    bad = page.locator(".upload[data-filename='empty.md']")
    bad.locator(".upload-status").filter(has_text=re.compile("empty", re.I)).wait_for()
    assert bad.get_attribute("data-status") == "failed"
    assert uploads.count() == 3
    screenshot(teacher, "upload")

    progress = page.evaluate("() => window.__progress")
    for name in ("greenhouse.pdf", "light-sensors.md"):
        # The bar moved through intermediate values (upload, then the job's polled progress) before 100.
        assert progress[name][-1] == 100, progress[name]
        assert any(0 < v < 100 for v in progress[name]), progress[name]
    uploads_sent = teacher.calls("POST", "/api/v1/documents")
    assert len(uploads_sent) == 3
    job_polls = [u for m, u, _ in teacher.requests if m == "GET" and "/api/v1/jobs/" in u]
    assert len(job_polls) >= 2

    listed = page.locator(".doc-list .doc")
    page.wait_for_function("() => document.querySelectorAll('.doc-list .doc').length === 2")
    assert {listed.nth(i).get_attribute("data-filename") for i in range(2)} == {"greenhouse.pdf", "light-sensors.md"}
    check_accessibility(teacher, "documents")

    # A third document, then deleted from the list (with a confirmation step).
    page.get_by_label("Choose files").set_input_files(
        files=[
            {
                "name": "spares.md",
                "mimeType": "text/markdown",
                "buffer": b"# Spares\n\nKeep two spare Brindle-5 seals.\n",
            }
        ]
    )
    page.wait_for_selector(".upload[data-filename='spares.md'][data-status=done]", timeout=120_000)
    page.wait_for_selector(".doc[data-filename='spares.md']")
    page.get_by_role("button", name="Delete spares.md").click()
    page.get_by_role("button", name="Delete spares.md").click()  # the confirm button has the same name
    page.wait_for_selector(".doc[data-filename='spares.md']", state="detached")
    assert page.locator(".doc-list .doc").count() == 2


@real
def test_student_signs_up_asks_reads_and_asks_about_a_selection(visits, appliance):
    assert "join_code" in FLOW, "needs the course from the teacher's test"
    student = visits()
    student.open("#/signup")
    page = student.page
    screenshot(student, "signup")
    check_accessibility(student, "sign-up")
    # Older join codes tell "a" from "A": a phone keyboard must not capitalise what the student types.
    code = page.get_by_label("Course join code")
    assert code.get_attribute("autocapitalize") == "none"
    # This appliance needs a join code to sign up, and the form says so.
    assert code.evaluate("input => input.required")
    assert page.locator(f"#{code.get_attribute('aria-describedby')}").inner_text() == (
        "From your teacher: you need it to sign up."
    )
    # A signed-out visitor's page made no failing request (no probe of a session it does not have).
    assert student.console == []
    page.get_by_label("Username").fill("bo")
    page.get_by_label("Password").fill(PASSWORD)
    # Typed as heard: lower case, a space for the dash, o for 0 and l for 1.
    typed = FLOW["join_code"].lower().replace("-", " ").replace("0", "o").replace("1", "l")
    code.fill(typed)
    page.get_by_role("group", name=re.compile("software background", re.I)).get_by_role(
        "radio", name=re.compile("^Intermediate")
    ).check()
    page.get_by_role("button", name="Create account").click()
    page.wait_for_selector(CHAT_READY)
    signup = student.calls("POST", "/api/v1/auth/signup")[0]
    assert signup["join_code"] == typed
    assert (signup["software_level"], signup["hardware_level"]) == ("intermediate", "beginner")
    assert page.locator("#course-select option:checked").inner_text() == "Greenhouse robotics"
    screenshot(student, "chat-empty")

    page.evaluate(WATCH_STREAM)
    answer = ask(student, PUMP_QUESTION)
    assert answer.get_attribute("data-state") == "done"
    assert "18" in answer.locator(".answer-text").inner_text()
    lengths = page.evaluate("() => window.__lengths")
    # Text streams in sentence by sentence, each verified before it is shown.
    assert lengths, f"the answer did not stream in: {lengths}"
    assert lengths == sorted(lengths), f"the answer did not stream in: {lengths}"
    assert int(answer.get_attribute("data-tokens") or 0) >= 1
    chat_call = student.calls("POST", "/api/v1/chat")[-1]
    assert chat_call["stream"] is True
    assert chat_call["course_id"] == FLOW["course_id"]
    # Sources panel: document, page label and snippet.
    cited = answer.locator(".source.cited").first
    assert "greenhouse.pdf" in cited.inner_text()
    assert "page 1" in cited.inner_text()
    assert "18 litres" in cited.locator(".snippet").inner_text()
    FLOW["answered_in"] = answer.locator(".answer-footer .muted").inner_text()
    assert re.fullmatch(r"Answered in \d+\.\d s", FLOW["answered_in"])
    answer.get_by_role("button", name="Helpful answer").click()
    page.wait_for_selector(".feedback[aria-pressed=true]")
    screenshot(student, "chat")
    check_accessibility(student, "chat")

    # The citation opens the reader at its page with the evidence sentences highlighted.
    link = answer.locator("a.cite").first
    assert (link.get_attribute("aria-label") or "").startswith("Source ")
    link.click()
    mark = page.locator(".reader mark")
    mark.first.wait_for()
    assert "18 litres" in " ".join(mark.all_inner_texts())
    assert "Page 1 (3 of 4)" in page.locator(".reader-where").inner_text()
    screenshot(student, "reader")
    check_accessibility(student, "reader")

    # On the next page, select a sentence, "Ask about this", and ask: the selection travels as selected_text.
    page.get_by_role("link", name="Next page").click()
    page.locator(".reader-where").filter(has_text="Page 2 (4 of 4)").wait_for()
    assert page.evaluate(SELECT_TEXT, SELECTED)
    page.get_by_role("button", name="Ask about this").wait_for()
    screenshot(student, "reader-selection")
    page.get_by_role("button", name="Ask about this").click()
    page.locator(".selection-chip").filter(has_text=SELECTED).wait_for()
    follow_up = ask(student, SELECTION_QUESTION)
    assert follow_up.get_attribute("data-state") == "done"
    asked = student.calls("POST", "/api/v1/chat")[-1]
    assert asked["selected_text"] == SELECTED
    # And where it was selected: the answer cites it there, as the material's own words (a thirteenth walkthrough).
    greenhouse = next(d for d in appliance.services.database.documents(None) if d["filename"] == "greenhouse.pdf")
    assert (asked["selected_document_id"], asked["selected_page"]) == (greenhouse["id"], 4)
    assert page.locator(".message.user .selection-quote").last.inner_text().endswith(SELECTED)
    assert SELECTED in follow_up.locator(".source").first.inner_text() or any(
        SELECTED in follow_up.locator(".snippet").nth(i).inner_text()
        for i in range(follow_up.locator(".snippet").count())
    )
    FLOW["student_questions"] = [PUMP_QUESTION, SELECTION_QUESTION]


@real
def test_dashboard_shows_the_students_questions(visits, appliance):
    assert "student_questions" in FLOW, "needs the student's questions"
    teacher = visits()
    sign_in(teacher, "ada")
    page = teacher.page
    nav(page, "Dashboard").click()
    page.wait_for_selector(".dashboard .stats-row")
    # The question about a selection asks about the selection, not about the pump question before it in its
    # conversation (tests/test_follow_ups.py): it is listed with the passage it asked about, and as the student put it.
    pump, selection = FLOW["student_questions"]
    listed = {
        item.locator(".bar-label").inner_text(): item.locator(".bar-note").all_inner_texts()
        for item in page.locator(".bar-list.top li").all()
    }
    assert listed == {pump: [], f"{selection} (about: “{SELECTED}”)": [f"asked as: {selection}"]}, listed
    stats = page.locator(".stats-row .stat")
    assert stats.nth(0).locator(".stat-value").inner_text() == "2"
    assert "1 up, 0 down" in stats.nth(2).inner_text()
    assert page.locator("svg.chart[role=img] rect.bar").count() >= 14
    screenshot(teacher, "dashboard")
    check_accessibility(teacher, "dashboard")

    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    assert download.value.suggested_filename.endswith(".csv")
    csv_text = Path(download.value.path()).read_text()
    assert csv_text.startswith("created_at,user,question")
    assert "brindle-5" in csv_text.lower()

    # Members by username: one that exists, one that does not (each form says how it went).
    appliance.services.accounts.add("dee", PASSWORD, "student")
    nav(page, "Courses").click()
    card = page.locator(".course", has_text="Greenhouse robotics")
    card.get_by_label("Add a member by username").fill("dee")
    card.get_by_role("button", name="Add").click()
    card.get_by_role("status").filter(has_text="dee is now in Greenhouse robotics").wait_for()
    card.get_by_label("Add a member by username").fill("nobody-here")
    card.get_by_role("button", name="Add").click()
    card.locator(".alert-error").wait_for()


# ---------- answers that do not go to plan ----------


@real
def test_stop_not_covered_busy_and_limit(visits, appliance):
    services = appliance.services
    student = visits()
    student.open("#/signup")
    page = student.page
    page.get_by_label("Username").fill("cy")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Course join code").fill(FLOW["join_code"])
    page.get_by_role("button", name="Create account").click()
    page.wait_for_selector(CHAT_READY)

    # Stop: the fetch is aborted while the answer is on its way (grounded answers show nothing until their first
    # sentence is verified, so Stop is pressed as soon as the stream has named its conversation), and the server
    # stops generating.
    page.get_by_label("Your question").fill("Describe the Brindle-5 pump and the Quorra soil probe in great detail.")
    page.get_by_role("button", name="Ask").click()
    page.wait_for_url(re.compile(r"#/chat/[0-9a-f]{32}$"), timeout=ANSWER_TIMEOUT)
    page.wait_for_selector(".message.assistant:is([data-state=waiting], [data-state=streaming])")
    page.get_by_role("button", name="Stop").click()
    page.wait_for_selector(".message.assistant[data-state=stopped]")
    assert page.get_by_role("button", name="Ask").is_visible()
    # The stream named its conversation before the answer: the stopped question is in it, and listed.
    assert re.search(r"#/chat/[0-9a-f]{32}$", page.url), page.url
    page.locator("#conversations").get_by_text("Describe the Brindle-5 pump").first.wait_for()
    gate = services.answerer.gate
    deadline = time.time() + 15
    while gate.busy or gate.waiting:
        assert time.time() < deadline, "generation kept running after Stop"
        time.sleep(0.05)
    # Reopened (a reload, the next day), the conversation shows the question and that its answer was stopped.
    conversation = page.url.rsplit("/", 1)[-1]
    while not services.conversations.questions(conversation):
        assert time.time() < deadline, "the stopped question was not recorded"
        time.sleep(0.05)
    page.reload()
    page.wait_for_selector(CHAT_READY)
    page.locator(".message.user").filter(has_text="Describe the Brindle-5 pump").wait_for()
    stopped = page.locator(".message.assistant").last
    assert stopped.get_attribute("data-state") == "stopped"
    assert stopped.locator(".answer-status").inner_text().startswith("Stopped")

    # Not covered: a clear message; any passages are related reading, never cited sources.
    answer = ask(student, "Who won the 1966 football World Cup final?")
    assert "not-covered" in (answer.get_attribute("class") or "")
    assert "No answer to this question was found in the course material." in answer.inner_text()
    assert answer.locator(".sources, .badge").count() == 0
    # Decided in a few milliseconds, a refusal said "Answered in 0.0 s" (a walkthrough's): too quick to count.
    took = answer.locator(".answer-footer .muted").inner_text()
    assert re.fullmatch(r"Answered in (under 0\.1|\d+\.\d) s", took) and took != "Answered in 0.0 s", took
    said = page.evaluate("async () => (await import('/static/js/views/chat.js')).answeredIn(40)")
    assert said == "Answered in under 0.1 s"
    # Near the material but not answered by it: its closest sentences, in its own words, as related reading.
    answer = ask(student, "What is the maximum operating temperature of the Brindle-5 pump?")
    assert "not-covered" in (answer.get_attribute("class") or "")
    closest = answer.locator(".related .closest")
    assert "18 litres per minute" in closest.first.inner_text()
    # A refusal is no proof the material has no answer: it says so, and points at the closest passages.
    assert "No answer to this question was found" in answer.inner_text()
    assert "the answer may be among them" in answer.inner_text()
    # Opened, those sentences are what is closest to the question, not what an answer rests on.
    answer.locator(".related .source-head a").first.click()
    page.locator(".reader mark").first.wait_for()
    assert "closest to your question" in page.locator(".reader-status").inner_text()
    page.get_by_role("button", name="Close the reader").click()
    page.locator(".reader").wait_for(state="hidden")

    # Busy: the model queue is full (503 with Retry-After) and the message says when to retry.
    tickets = [services.answerer.reserve() for _ in range(services.settings.max_preparing)]
    try:
        answer = ask(student, "What is a setpoint?")
        alert = answer.get_by_role("alert")
        assert alert.get_attribute("data-status") == "503"
        assert "busy" in alert.inner_text()
        assert re.search(r"Try again in \d+ seconds?", alert.inner_text())
        assert alert.get_by_role("button", name=re.compile("Try again")).is_disabled(), alert.inner_text()
        screenshot(student, "busy")
    finally:
        for ticket in tickets:
            ticket.leave()

    # Question limit: 429 with Retry-After, shown as a wait and a time of day.
    before = services.chat.settings
    services.chat.settings = msgspec.structs.replace(before, student_questions_per_hour=1)
    try:
        answer = ask(student, "What is a setpoint?")
        alert = answer.get_by_role("alert")
        assert alert.get_attribute("data-status") == "429"
        assert "Question limit reached" in alert.inner_text()
        assert re.search(r"ask again in \d+ (minutes|seconds?|hours) \(at \d", alert.inner_text())
    finally:
        services.chat.settings = before
    check_accessibility(student, "chat with errors")


# ---------- grounded answers: evidence and a sentence the material does not support ----------

WEIGHT_QUESTION = "How heavy is the Brindle-5 pump?"
# The text of an element as a reader sees it: a <q> shows quotation marks its text does not hold.
READ_WITH_QUOTE_MARKS = """element => {
    const copy = element.cloneNode(true);
    for (const q of copy.querySelectorAll('q')) q.replaceWith('“' + q.textContent + '”');
    return copy.textContent;
}"""


class InventingModel(FakeModel):
    """A deterministic model that states a number no source shows, whatever it is asked."""

    name = "inventing-llm"

    def stream(self, prompt: str, **decoding):
        yield from ["The Brindle-5 pump ", "weighs 7 kilograms."]


@contextlib.contextmanager
def signed_in(browser, server, viewport=DESKTOP):
    """The teacher ada signed in on `server`; the visit is checked for foreign requests and script errors."""
    visit = Visit(browser, server.base_url, viewport)
    try:
        sign_in(visit, "ada")
        yield visit
    finally:
        visit.close()


@contextlib.contextmanager
def with_documents(directory: Path, documents: dict[str, bytes], model=None, **overrides):
    """The appliance built the usual way (real embedder and stores; `model`, else the packaged one), the teacher
    ada in the default course and `documents` (filename: content) in; no connection may leave loopback."""
    with no_network() as attempts:
        settings = load_settings(
            environ={}, data_dir=str(directory), ingest_sample=False, login_attempts_per_minute=1000, **overrides
        )
        built = services_module.build(settings, model=model)
        teacher = built.accounts.add("ada", PASSWORD, "teacher", "expert", "intermediate")
        built.courses.add_member(1, teacher)
        for filename, body in documents.items():
            built.ingestor.ingest(body, filename, course_id=1)
        with serve(settings, services=built) as server:
            yield server
    assert attempts == [], f"the appliance tried to reach the network: {attempts}"


@pytest.fixture(scope="module")
def inventing(tmp_path_factory):
    """The appliance around the inventing model, pump notes in."""
    notes = {"pump-notes.md": "\n\n".join(PUMP_PAGES).encode()}
    with with_documents(tmp_path_factory.mktemp("inventing"), notes, InventingModel()) as server:
        yield server


def _last_answer(server, url: str) -> dict:
    """The last answer of the conversation at `url`, as the server recorded it."""
    found = re.search(r"#/chat/([0-9a-f]{32})", url)
    assert found, url
    return server.services.database.interactions(found.group(1))[-1]


def _evidence(server, url: str, item) -> list[dict]:
    """The evidence, as the server recorded it, of the source an evidence item of the last answer shows."""
    stored = _last_answer(server, url)
    source = next(s for s in json.loads(stored["sources"]) if s["n"] == int(item.get_attribute("data-source")))
    return source["evidence"]


@real
def test_evidence_is_highlighted_and_an_invented_number_is_withdrawn(browser, inventing):
    with signed_in(browser, inventing) as visit:
        page = visit.page
        answer = ask(visit, WEIGHT_QUESTION)
        assert "7 kilograms" not in answer.locator(".answer-text").inner_text()
        # The unsupported sentence is replaced by the material's words, or removed, and the note under the answer
        # counts each model sentence (not each quote in its place): a quote is set as a quote, with no warning in
        # front of the material's own words.
        note = answer.locator(".checked-note")
        quotes = answer.locator(".sentence.quoted").count()
        assert quotes + int(note.get_attribute("data-dropped") or 0) >= 1
        checked = json.loads(_last_answer(inventing, page.url)["sentences"])
        replaced = sum(s["stands_for"] == "model" and s["status"] == "quoted" for s in checked)
        assert note.get_attribute("data-quoted") == str(replaced) and bool(replaced) == bool(quotes)
        told = note.inner_text()
        assert "unconfirmed sentence" in told and ("replaced by the material's words" in told) == bool(quotes), told
        # A quote reads as the material's words once: not "what the material says: “The material says: “...””".
        for quoted in answer.locator(".sentence.quoted").all():
            read = quoted.evaluate(READ_WITH_QUOTE_MARKS)
            assert read.lower().count("the material says") == 1, read
            assert read.count("“") == 1, read
        # The notes' headings stand on lines of their own in the source's snippet, as in the material.
        snippet = answer.locator(".source .snippet").first.inner_text()
        assert "Chapter 1: Pumps\nThe Brindle-5 pump" in snippet, snippet
        screenshot(visit, "chat-evidence")
        # Each answer's evidence is no landmark named as every other's, and its heading follows the page's.
        check_accessibility(visit, "chat with evidence", ("landmark-unique", "heading-order"))
        item = answer.locator(".evidence-item").first
        evidence = _evidence(inventing, page.url, item)
        item.get_by_role("link", name="Show in the document").click()
        page.locator(".reader mark").first.wait_for()
        # Exactly the evidence is highlighted (a mark per piece of rendered text it spans: a line, a table cell),
        # and a sentence shown only for its sake is marked apart, as context.
        chosen = [e["text"] for e in evidence if not e.get("context")]
        context = [e["text"] for e in evidence if e.get("context")]
        assert context, '"It weighs 2 kilograms." is shown with the sentence naming the pump'
        assert "".join(page.locator(".reader mark.passage").all_inner_texts()) == "".join(chosen)
        assert "".join(page.locator(".reader mark.near").all_inner_texts()) == "".join(context)
        status = page.locator(".reader-status").inner_text()
        assert status.startswith("The sentence" if len(chosen) == 1 else "The sentences"), status
        assert "rests on" in status and ("context" in status) == bool(context), status
        check_accessibility(visit, "reader with evidence")


@real
def test_an_answer_quoted_because_the_model_was_busy_says_so_live_and_reopened(browser, inventing):
    answerer = inventing.services.answerer
    before = answerer.settings
    answerer.settings = msgspec.structs.replace(before, model_wait_seconds=0.2)
    held = [answerer.gate.reserve(f"other{n}") for n in range(answerer.gate.slots)]
    try:
        with signed_in(browser, inventing) as visit, contextlib.ExitStack() as busy:
            for ticket in held:
                assert busy.enter_context(ticket.hold(lambda: False))
            answer = ask(visit, "What does the Brindle-5 pump weigh?")
            note = answer.locator(".busy-note")
            assert "The model was busy" in note.inner_text()
            assert "It weighs 2 kilograms." in answer.locator(".answer-text").inner_text()
            assert "7 kilograms" not in answer.inner_text()  # the model was never asked
            screenshot(visit, "chat-model-busy")
            check_accessibility(visit, "chat with a quoted answer")
            visit.page.reload()  # the stored message keeps the note
            visit.page.locator(".message.assistant[data-state=done] .busy-note").wait_for()
    finally:
        answerer.settings = before


@pytest.fixture(scope="module")
def scripted(tmp_path_factory):
    """The appliance answering every question with one invented sentence replaced by two quotes, then that sentence
    written again (tests/chatscript.py), as the answerer gives them."""
    with with_documents(tmp_path_factory.mktemp("scripted"), {}, FakeModel()) as server:
        server.services.chat.answerer = ScriptedAnswerer(twice_quoted_answer())
        yield server


@real
def test_the_checked_note_counts_the_models_sentences_live_and_reopened(browser, scripted):
    """Two quotes in one wrong sentence's place are one sentence replaced, not two; a sentence dropped for repeating
    one already shown was never unconfirmed, so nothing is told removed."""
    told = "1 unconfirmed sentence replaced by the material's words"
    with signed_in(browser, scripted) as visit:
        answer = ask(visit, "How heavy is the P-9 pump?")
        assert answer.locator(".sentence.quoted").count() == 2
        assert answer.locator(".checked-note").inner_text() == told
        visit.page.reload()  # the stored message gives the same note
        reopened = visit.page.locator(".message.assistant[data-state=done] .checked-note")
        reopened.wait_for()
        assert reopened.inner_text() == told


@real
def test_the_dashboard_lists_a_follow_up_not_answered_as_it_asked_with_the_students_words(browser, inventing):
    """ "And its maximum operating temperature?" alone tells a teacher nothing: the not-answered list names the
    question it asked (its standalone form), with the student's words beneath."""
    services = inventing.services
    services.courses.add_member(1, services.accounts.add("mira", PASSWORD, "student"))
    student = Visit(browser, inventing.base_url, DESKTOP)
    try:
        sign_in(student, "mira")
        ask(student, WEIGHT_QUESTION)
        follow_up = ask(student, "And its maximum operating temperature?")
        assert "not-covered" in (follow_up.get_attribute("class") or "")
    finally:
        student.close()
    with signed_in(browser, inventing) as visit:  # the teacher, whose dashboard counts the students' questions
        page = visit.page
        nav(page, "Dashboard").click()
        entry = page.locator(".bar-list.warn li").filter(has_text="maximum operating temperature")
        entry.wait_for()
        understood = "How heavy is the Brindle-5 pump? And its maximum operating temperature?"
        assert entry.locator(".bar-label").inner_text() == understood
        assert entry.locator(".bar-note").inner_text() == "asked as: And its maximum operating temperature?"
        screenshot(visit, "dashboard-follow-up")
        check_accessibility(visit, "dashboard with a follow-up")


# The space between each two quotes of an answer and below its last one, in pixels.
QUOTE_GAPS = """text => {
    const edges = [...text.querySelectorAll('.sentence.quoted')].map(q => q.getBoundingClientRect());
    const gaps = edges.slice(1).map((edge, i) => edge.top - edges[i].bottom);
    return [...gaps, text.getBoundingClientRect().bottom - edges[edges.length - 1].bottom];
}"""


@real
def test_an_answers_quotes_are_followed_by_no_blank_line(browser, scripted):
    """Each "The material says: “...”" in an answer was followed by an empty line (a space set on a line of its own
    under the quote's block), so quotes stood apart by a blank band and the answer ended in one, live and reopened."""
    with signed_in(browser, scripted) as visit:
        answer = ask(visit, "How heavy is the P-9 pump?")
        gaps = answer.locator(".answer-text").evaluate(QUOTE_GAPS)
        assert len(gaps) == 2 and all(gap < 10 for gap in gaps), gaps
        visit.page.reload()
        visit.page.locator(".message.assistant[data-state=done]").wait_for()
        assert visit.page.locator(".message.assistant .answer-text").evaluate(QUOTE_GAPS) == gaps


@real
def test_a_finished_answer_is_scrolled_into_view_with_its_evidence_on_a_phone(browser, scripted):
    """The view followed the streamed text, then stopped short of the evidence and footer the finished answer added
    under it: a student saw half an answer."""
    visit = Visit(browser, scripted.base_url, PHONE)
    try:
        sign_in(visit, "ada")
        for question in ("How heavy is the P-9 pump?", "What does the P-9 pump weigh?", "Is the P-9 pump heavy?"):
            answer = ask(visit, question)
        visit.page.evaluate(SCROLL_SETTLED)
        box = visit.page.locator(".chat-scroll").bounding_box()
        top = answer.bounding_box()
        footer = answer.locator(".answer-footer").bounding_box()
        assert box and top and footer
        # Its footer in view, or, were it taller than the screen, its start at the top.
        assert footer["y"] + footer["height"] <= box["y"] + box["height"] + 1 or top["y"] <= box["y"] + 10, (
            box,
            top,
            footer,
        )
        assert top["y"] >= box["y"]  # its start is not scrolled away
    finally:
        visit.close()


@real
def test_a_greeting_gets_the_appliances_reply_not_a_no_answer_notice_live_and_reopened(browser, scripted):
    """ "hi" read "No answer to this question was found in the course material", with a time and thumbs to rate it,
    and its conversation was listed as "hi" whatever was asked in it next."""
    asked = len(scripted.services.chat.answerer.questions)
    with signed_in(browser, scripted) as visit:
        for shown in (ask(visit, "hi!"), None):
            if shown is None:
                visit.page.reload()  # the stored message reads the same
                shown = visit.page.locator(".message.assistant[data-state=done]").first
                shown.wait_for()
            assert shown.get_attribute("data-small-talk") == "true"
            assert shown.locator(".answer-text").inner_text() == small_talk.REPLIES["greeting"]
            assert shown.locator(".notice-title, .answer-footer, .feedback").count() == 0
        assert len(scripted.services.chat.answerer.questions) == asked  # nothing searched or asked of the model
        # Its conversation, begun with "hi!", takes its first question's title, in the heading and in the list.
        ask(visit, "How heavy is the P-9 pump?")
        title = visit.page.locator("h1.chat-title")
        title.filter(has_text="How heavy is the P-9 pump?").wait_for()
        listed = visit.page.locator(".conv-link[aria-current=page] .conv-title")
        listed.filter(has_text="How heavy is the P-9 pump?").wait_for()


@real
def test_a_cited_list_item_keeps_its_citation_on_its_line(browser, scripted):
    """An answer sentence written as a bullet showed its [1] alone on the line under it."""
    item = "The maximum working pressure of the Tidewell-3 is 6 bar."
    services = scripted.services
    answered = services.chat.answerer
    services.chat.answerer = ScriptedAnswerer(cited_list_item(item))
    try:
        with signed_in(browser, scripted) as visit:
            answer = ask(visit, "What is the maximum working pressure of the Tidewell-3?")
            listed = answer.locator(".answer-text li")
            assert listed.inner_text() == f"{item} [1]"
            assert listed.locator("a.cite").count() == 1
    finally:
        services.chat.answerer = answered


@real
def test_an_empty_or_too_long_question_is_not_sent_and_the_student_is_told_why(browser, scripted):
    """Nothing to send says so; near the server's limit a count shows; over it the whole text stays, marked, unsent
    (a paste is not cut short without a word)."""
    with signed_in(browser, scripted) as visit:
        page = visit.page
        box, note = page.get_by_label("Your question"), page.locator("#question-note")
        assert box.get_attribute("aria-describedby") == "question-note"
        box.fill("   ")
        box.press("Enter")
        assert note.inner_text() == "Type a question first."
        assert note.get_attribute("data-kind") == "error"
        box.fill("")
        page.get_by_role("button", name="Ask").click()
        assert note.inner_text() == "Type a question first."
        box.fill("How")
        assert not note.is_visible()
        box.fill("a" * (MAX_QUESTION - 10))
        note.filter(has_text=f"{MAX_QUESTION - 10:,} of {MAX_QUESTION:,} characters").wait_for()
        assert note.get_attribute("data-kind") == ""
        pasted = "é" * (MAX_QUESTION + 1)  # characters as the server counts them, not bytes or UTF-16 units
        box.fill(pasted)
        told = f"{MAX_QUESTION + 1:,} of {MAX_QUESTION:,} characters: shorten your question to ask it."
        assert note.inner_text() == told
        assert box.get_attribute("aria-invalid") == "true"
        box.press("Enter")
        assert box.input_value() == pasted and note.inner_text() == told
        box.fill("é" * MAX_QUESTION)
        assert box.get_attribute("aria-invalid") == "false"
        box.fill(pasted)
        screenshot(visit, "chat-long-question")
        check_accessibility(visit, "chat with a long question")
        assert visit.calls("POST", "/api/v1/chat") == []


@real
def test_a_question_too_long_for_the_server_shows_its_refusal(browser, scripted):
    """Had the web app not learnt the limit, the server's refusal is what the student reads."""
    visit = Visit(browser, scripted.base_url, DESKTOP)
    try:
        visit.context.route(f"{scripted.base_url}/api/v1/chat/limits", lambda route: route.abort())
        sign_in(visit, "ada")
        visit.page.get_by_label("Your question").fill("é" * (MAX_QUESTION + 1))
        visit.page.get_by_label("Your question").press("Enter")
        alert = visit.page.locator(".message.assistant").get_by_role("alert")
        alert.wait_for()
        assert alert.get_attribute("data-status") == "400"
        assert f"message: Expected `str` of length <= {MAX_QUESTION}" in alert.inner_text()
    finally:
        visit.close()


@real
def test_the_dashboard_counts_every_question_not_answered_not_only_the_ten_listed(browser, scripted):
    """Twelve different questions the material did not answer: the tile says twelve, though the list shows ten."""
    services = scripted.services
    answered = services.chat.answerer
    services.chat.answerer = ScriptedAnswerer(not_covered())
    try:
        with httpx.Client(base_url=scripted.base_url) as client:
            client.headers.update(account_headers(client, services, "eve"))
            for n in range(12):
                assert client.post("/api/v1/chat", json={"message": f"What colour is the P-{n} pump?"}).is_success
    finally:
        services.chat.answerer = answered
    with signed_in(browser, scripted) as visit:
        page = visit.page
        nav(page, "Dashboard").click()
        page.locator(".bar-list.warn li").nth(9).wait_for()
        assert page.locator(".bar-list.warn li").count() == 10
        stats = page.locator(".stats-row .stat")
        total = int(stats.nth(0).locator(".stat-value").inner_text())
        assert stats.nth(1).locator(".stat-value").inner_text() == "12"
        assert f"{round(1200 / total)}% of questions" in stats.nth(1).inner_text()


@contextlib.contextmanager
def dashboard_of(browser, server, teacher: str, asked: list[tuple[str, str]]):
    """The dashboard of a new course of `teacher`'s, once each (username, question) was asked in it and not answered
    from the material; a username not yet known is made a student of the course."""
    services = server.services
    with httpx.Client(base_url=server.base_url) as client:
        headers = {teacher: account_headers(client, services, teacher, "teacher", None)}
        course = services.courses.create(f"Course of {teacher}", services.accounts.named(teacher)["id"])["id"]
        answered, services.chat.answerer = services.chat.answerer, ScriptedAnswerer(not_covered())
        try:
            for username, question in asked:
                if username not in headers:
                    headers[username] = account_headers(client, services, username, "student", course)
                ask = {"message": question, "course_id": course}
                client.post("/api/v1/chat", json=ask, headers=headers[username]).raise_for_status()
        finally:
            services.chat.answerer = answered
    visit = Visit(browser, server.base_url, DESKTOP)
    try:
        sign_in(visit, teacher, ACCOUNT_PASSWORD)
        nav(visit.page, "Dashboard").click()
        visit.page.wait_for_selector(f".dashboard[data-course='{course}'] .stats-row")
        yield visit
    finally:
        visit.close()


@real
def test_the_dashboard_counts_the_students_questions_not_the_teachers_own_tries(browser, scripted):
    """A teacher's test questions were counted with the students': in the total and the most frequent list."""
    asked = [("sol", "What voltage does the D-3 drive take?"), ("tess", "Teacher test: is this thing on?")]
    with dashboard_of(browser, scripted, "tess", asked) as visit:
        page = visit.page
        assert "teachers' and admins' own questions are not counted" in page.locator(".page-head p").inner_text()
        assert page.locator(".bar-list.top .bar-label").all_inner_texts() == [asked[0][1]]
        assert page.locator(".stats-row .stat").nth(0).locator(".stat-value").inner_text() == "1"


@real
def test_a_question_answered_when_asked_again_says_so_in_the_not_answered_list(browser, scripted):
    """The teacher added material for a question not answered and the student asked again and was answered: the
    dashboard still offered it, unmarked, as a candidate for new material."""
    question = "What does the D-3 drive weigh?"
    with dashboard_of(browser, scripted, "uli", [("ulla", question)]) as visit:
        answered_on_the_dashboard(visit, scripted, "ulla", question)
        listed = visit.page.locator(".bar-list.warn li")
        listed.filter(has_text="answered when asked again since").wait_for()
        assert listed.locator(".bar-label").all_inner_texts() == [question]


@real
def test_the_not_answered_tile_leaves_out_a_question_answered_when_asked_again(browser, scripted):
    """The tile said "1 not answered" beside a list whose only question was marked answered since: it counts the
    questions still unanswered, and says how many more were answered when asked again."""
    question = "What does the D-3 drive draw?"
    with dashboard_of(browser, scripted, "una", [("uwe", question)]) as visit:
        answered_on_the_dashboard(visit, scripted, "uwe", question)
        tile = visit.page.locator(".stats-row .stat").nth(1)
        assert tile.locator(".stat-value").inner_text() == "0"
        assert "0% of questions" in tile.inner_text()
        assert "plus 1 answered when asked again since" in tile.inner_text()


@real
def test_the_dashboard_names_the_documents_the_answers_cited(browser, scripted):
    """A teacher could not see which documents the students' answers rested on."""
    with dashboard_of(browser, scripted, "vic", []) as visit:
        cited = visit.page.locator("section[aria-labelledby=cited]")
        assert "None so far." in cited.inner_text()
        answered_on_the_dashboard(visit, scripted, "vera", "How heavy is the P-9 pump?")
        cited.locator(".bar-list li").first.wait_for()
        assert cited.locator(".bar-label").all_inner_texts() == ["pump.md"]
        assert cited.locator(".bar-value").all_inner_texts() == ["1"]
        # The scripted answer cites a pump.md this course does not have (any more): the list says so.
        assert cited.locator(".bar-note").all_inner_texts() == ["no longer in the course"]


def answered_on_the_dashboard(visit: Visit, server, username: str, question: str) -> None:
    """`username`, a student of the dashboard's course (made one if new), asks `question` and is answered from the
    material; the dashboard is loaded again."""
    course = int(visit.page.locator(".dashboard").get_attribute("data-course"))
    services = server.services
    with httpx.Client(base_url=server.base_url) as client:
        if services.accounts.find(username) is None:
            headers = account_headers(client, services, username, "student", course)
        else:
            signed = client.post("/api/v1/auth/login", json={"username": username, "password": ACCOUNT_PASSWORD})
            headers = {"Authorization": f"Bearer {signed.json()['access_token']}"}
        ask = {"message": question, "course_id": course}
        assert client.post("/api/v1/chat", json=ask, headers=headers).json()["covered"]
    visit.page.reload()
    visit.page.wait_for_selector(f".dashboard[data-course='{course}'] .stats-row")


@real
def test_the_dashboards_days_end_on_the_schools_today_not_utcs(browser, scripted):
    """At 8 in the morning in Auckland (20:00 UTC the day before) the chart of questions per day ended on yesterday."""
    with dashboard_of(browser, scripted, "wes", [("wyn", "What colour is the D-3 drive?")]) as visit:
        page = visit.page
        evening = time.strftime("%Y-%m-%dT20:00:00Z", time.gmtime())  # the next day in Auckland
        page.context.new_cdp_session(page).send("Emulation.setTimezoneOverride", {"timezoneId": "Pacific/Auckland"})
        page.clock.set_fixed_time(evening)
        page.reload()
        labels = page.locator("svg.chart text.axis-label")
        labels.last.wait_for()
        auckland_today = page.evaluate(
            "() => new Date().toLocaleDateString(undefined, "
            "{day: 'numeric', month: 'short', timeZone: 'Pacific/Auckland'})"
        )
        assert labels.last.text_content() == auckland_today


@real
def test_a_dashboard_with_no_students_questions_shows_no_answer_time(browser, scripted):
    """A new course's dashboard said its median and 95th percentile answer times were "0 ms"."""
    with dashboard_of(browser, scripted, "tia", [("tia", "Teacher test: does the D-3 drive take 24 V?")]) as visit:
        latency = visit.page.locator("section[aria-labelledby=latency]")
        latency.wait_for()
        assert "ms" not in latency.inner_text()
        assert latency.locator("p").inner_text() == "No answers yet."
        typical = visit.page.locator(".stats-row .stat").nth(3)
        assert typical.locator(".stat-value").inner_text() == "–"
        assert "within" not in typical.inner_text()  # not "95% within –"


@real
def test_the_dashboard_shortens_a_long_question_and_shows_it_whole_on_request(browser, scripted):
    """A 2,300-character question pasted by a student filled the whole page under "Not answered from the material"."""
    pasted = "Please explain this part of the lab sheet: " + " ".join(f"step {n} turns valve V{n}." for n in range(95))
    asked = [("pia", pasted), ("pia", "What does valve V3 do?")]
    with dashboard_of(browser, scripted, "tom", asked) as visit:
        unanswered = visit.page.locator(".bar-list.warn li", has_text="lab sheet")
        label = unanswered.locator(".question-text")
        shown = label.inner_text()
        assert len(pasted) > 2000 and len(shown) <= 201 and shown.endswith("…"), shown
        assert pasted.startswith(shown[:-1]) and label.get_attribute("title") == pasted
        toggle = unanswered.locator("button[aria-expanded]")
        assert toggle.inner_text() == "Show all"
        toggle.click()
        assert label.inner_text() == pasted
        assert toggle.get_attribute("aria-expanded") == "true" and toggle.inner_text() == "Show less"
        assert visit.page.locator(".bar-list.warn .bar-label", has_text="What does").inner_text() == asked[1][1]
        check_accessibility(visit, "dashboard with a long question")


@pytest.fixture(scope="module")
def small_uploads(tmp_path_factory):
    """The appliance taking uploads of up to 1 MB."""
    with with_documents(tmp_path_factory.mktemp("small-uploads"), {}, FakeModel(), max_upload_mb=1) as server:
        yield server


@real
def test_an_upload_over_the_limit_says_how_big_it_is_and_what_the_limit_is(browser, small_uploads):
    with signed_in(browser, small_uploads) as visit:
        page = visit.page
        nav(page, "Material").click()
        big = {"name": "lecture.txt", "mimeType": "text/plain", "buffer": b"word " * 300_000}  # 1.5 MB
        page.get_by_label("Choose files").set_input_files(files=[big])
        row = page.locator(".upload[data-filename='lecture.txt'][data-status=failed]")
        row.wait_for()
        told = (
            "The upload is 1.5 MB, more than the 1 MB this appliance accepts; make the file smaller, or ask the lab "
            "admin to raise the limit (setting max_upload_mb)"
        )
        assert row.locator(".upload-status").inner_text() == told


# ---------- code, tables and equations: rendered in answers and in the reader ----------

SELECT_BETWEEN = """([first, last]) => {
    const root = document.querySelector('.reader .page-text');
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let start = null, end = null;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!start && node.data.includes(first)) start = [node, node.data.indexOf(first)];
        if (start && node.data.includes(last)) end = [node, node.data.indexOf(last) + last.length];
    }
    if (!start || !end) return false;
    const range = document.createRange();
    range.setStart(...start);
    range.setEnd(...end);
    window.getSelection().removeAllRanges();
    window.getSelection().addRange(range);
    return true;
}"""

VALVE = "The Halvard valve opens at three bar."
RICH_SHOWN = """root => ({
    cells: root.querySelectorAll('table.rich-table td').length,
    code: [...root.querySelectorAll('pre code')].map(c => getComputedStyle(c).fontFamily).join(),
    math: [...root.querySelectorAll('math')].map(m => m.namespaceURI),
    elements: root.querySelectorAll('script, b, img, iframe').length,
})"""


@pytest.fixture(scope="module")
def quoting(tmp_path_factory):
    """The appliance answering by quoting its evidence (extractive: no model writes the markup), with notes holding
    an equation, a table and a code block, and a scanned page."""
    directory = tmp_path_factory.mktemp("quoting")
    documents = {"quillon.md": QUILLON_NOTES.encode(), "valve-scan.pdf": scanned_pdf([VALVE])}
    with with_documents(directory, documents, answer_mode="extractive", extractive_quotes=3) as server:
        yield server


@real
def test_code_tables_and_equations_are_rendered_in_answers_and_the_reader(browser, quoting):
    with signed_in(browser, quoting) as visit:
        page = visit.page
        # Each answer quotes its evidence as the page shows it: a table row under its head, code, an equation.
        answers = [ask(visit, question) for question in (QUILLON_CODE, QUILLON_TABLE, QUILLON_EQUATION)]
        shown = [answer.locator(".answer-text").evaluate(RICH_SHOWN) for answer in answers]
        assert sum(one["cells"] for one in shown) >= 2
        assert any("monospace" in one["code"] for one in shown)
        assert {namespace for one in shown for namespace in one["math"]} == {MATHML_NS}
        assert not any("null" in answer.locator(".answer-text").inner_text() for answer in answers)
        equation = answers[2]
        answers[0].evaluate("el => el.scrollIntoView({block: 'start'})")
        screenshot(visit, "chat-rich")
        check_accessibility(visit, "chat with code, a table and an equation")

        # The citation opens the page with its structure, the quoted sentences highlighted (the equation whole).
        equation.locator("a.cite").first.click()
        page.locator(".reader mark").first.wait_for()
        reader = page.locator(".reader .page-text").evaluate(RICH_SHOWN)
        assert (reader["cells"], "monospace" in reader["code"], reader["math"]) == (4, True, [MATHML_NS])
        assert reader["elements"] == 0  # no element from the notes' <b>raw HTML</b>
        assert page.locator(".reader mark math").count() == 1
        assert "It costs $5 to $10" in page.locator(".reader .page-text").inner_text()
        screenshot(visit, "reader-rich")
        check_accessibility(visit, "reader with code, a table and an equation")

        # A selection across a table row asks about the page's own text, not what the cells look like.
        assert page.evaluate(SELECT_BETWEEN, ["large Quillon spring", "480 N/m"])
        page.get_by_role("button", name="Ask about this").click()
        ask(visit, "What is its stiffness?")
        assert visit.calls("POST", "/api/v1/chat")[-1]["selected_text"] == "large Quillon spring | 480 N/m"


# A kit table whose columns are things, named by model in its head and by kind in its first row.
KIT_TABLE = b"""# Brewhouse kit

| | Stallard HK-60 | Thewlis GC-3 |
|---|---|---|
| What it is | mash tun and kettle | glycol chiller |
| Power | 3 elements of 2.5 kW | 1.4 kW |
| Weight, empty | 41 kg | 62 kg |

Rinse the kettle with hot water after every brew.
"""


@pytest.fixture(scope="module")
def kit_table(tmp_path_factory):
    """The appliance quoting its evidence from a kit guide whose table's columns are things."""
    with with_documents(tmp_path_factory.mktemp("kit"), {"kit.md": KIT_TABLE}, answer_mode="extractive") as server:
        yield server


@real
def test_a_quoted_row_of_a_table_of_things_shows_the_row_naming_its_columns(browser, kit_table):
    """ "how heavy is the glycol chiller" is answered by the weight row, shown under the head of model names with the
    row saying which is the glycol chiller (not the power row between them); the reader marks the weight row alone."""
    with signed_in(browser, kit_table) as visit:
        answer = ask(visit, "how heavy is the glycol chiller thing")
        rows = answer.locator(".answer-text table tr").all_inner_texts()
        assert [" ".join(row.split()) for row in rows] == [
            "Stallard HK-60 Thewlis GC-3",
            "What it is mash tun and kettle glycol chiller",
            "Weight, empty 41 kg 62 kg",
        ]
        answer.locator("a.cite").first.click()
        visit.page.locator(".reader mark").first.wait_for()
        marked = " ".join(visit.page.locator(".reader mark").all_inner_texts())
        assert "62 kg" in marked and "glycol chiller" not in marked


# What a model writes in Markdown, cited: as a stronger model in `generative` mode would answer.
WRITTEN = (
    "The stored energy is $E = \\frac{1}{2} k x^2$ [1].\n\n"
    "| size | stiffness |\n|---|---|\n| large | 480 N/m |\n\n"
    "```python\nenergy = springs[1]\n```\n"
)


@pytest.fixture(scope="module")
def writing(tmp_path_factory):
    """The appliance around a model that answers in Markdown, unverified (generative), the Quillon notes in."""
    directory = tmp_path_factory.mktemp("writing")
    model = FakeModel(script=WRITTEN)
    with with_documents(directory, {"quillon.md": QUILLON_NOTES.encode()}, model, answer_mode="generative") as server:
        yield server


@real
def test_a_models_markdown_answer_is_rendered_with_its_citations_linked(browser, writing):
    with signed_in(browser, writing) as visit:
        answer = ask(visit, QUILLON_EQUATION)
        shown = answer.locator(".answer-text").evaluate(RICH_SHOWN)
        assert (shown["cells"], "monospace" in shown["code"], shown["math"]) == (2, True, [MATHML_NS])
        # The [1] after the equation is a link to the source; springs[1] in the code stays code.
        assert answer.locator(".answer-text a.cite").count() == 1
        assert answer.locator(".answer-text pre code").inner_text().strip() == "energy = springs[1]"


@pytest.fixture(scope="module")
def citing(tmp_path_factory):
    """The appliance around a model that cites its second source (generative), two documents in."""
    directory = tmp_path_factory.mktemp("citing")
    documents = {"quillon.md": QUILLON_NOTES.encode(), "light.md": LIGHT_NOTES}
    model = FakeModel(script="Both are in the notes [2].")
    with with_documents(directory, documents, model, answer_mode="generative") as server:
        yield server


@real
def test_sources_are_listed_in_the_order_of_their_numbers_with_the_cited_one_marked(browser, citing):
    with signed_in(browser, citing) as visit:
        answer = ask(visit, "What does the Quillon spring store, and where is the Velt light sensor mounted?")
        numbers = answer.locator(".source-list .source-n").all_inner_texts()
        assert numbers == [f"[{n}]" for n in range(1, len(numbers) + 1)] and len(numbers) > 1, numbers
        assert answer.locator(".source-list .source.cited .source-n").all_inner_texts() == ["[2]"]


@real
def test_a_passage_from_a_scanned_page_is_marked_as_read_by_ocr(browser, quoting):
    with signed_in(browser, quoting) as visit:
        answer = ask(visit, "At what pressure does the Halvard valve open?")
        source = answer.locator(".source", has_text="valve-scan.pdf")
        assert source.locator(".badge-ocr").inner_text().lower() == "scan (ocr)"
        assert answer.locator(".source", has_text="quillon.md").locator(".badge-ocr").count() == 0


LONG_CODE_NOTES = (
    b"# Telemetry\n\nThe Ostrava logger writes one telemetry record with this Python call:\n\n"
    b"```python\nlogger.write_record(timestamp=clock.now(), battery_voltage=pack.voltage(), "
    b"wheel_speeds=(left.speed(), right.speed()))\n```\n"
)


@pytest.fixture(scope="module")
def long_code(tmp_path_factory):
    """The appliance quoting its evidence (extractive), with notes holding a code line far wider than a phone."""
    documents = {"telemetry.md": LONG_CODE_NOTES}
    with with_documents(tmp_path_factory.mktemp("long-code"), documents, answer_mode="extractive") as server:
        yield server


@real
def test_a_quoted_code_line_scrolls_in_its_block_on_a_phone(browser, long_code):
    visit = Visit(browser, long_code.base_url, PHONE)
    try:
        sign_in(visit, "ada")
        answer = ask(visit, "How does the Ostrava logger write a telemetry record?")
        assert answer.locator(".evidence pre, .related pre").count() >= 1, answer.inner_text()
        # Each code block ends inside the answer (it scrolls in itself), and the chat does not scroll sideways.
        edges = answer.evaluate(
            "a => ({answer: a.getBoundingClientRect().right,"
            " code: Math.max(...[...a.querySelectorAll('pre')].map(p => p.getBoundingClientRect().right))})"
        )
        assert edges["code"] <= edges["answer"], edges
        scroller = visit.page.locator(".chat-scroll")
        assert scroller.evaluate("s => s.scrollWidth <= s.clientWidth"), "the chat scrolls sideways on a phone"
        screenshot(visit, "chat-long-code")
    finally:
        visit.close()


# Numbered steps: evidence starts after a step's number (answer/evidence.py), its quote shows it.
VARN_STEPS = (
    b"# Varn boiler shutdown\n\n1. Close the inlet tap of the Varn boiler.\n"
    b"2. Drain the Varn boiler tank into the floor drain.\n3. Turn off the main gas valve of the Varn boiler.\n"
)
# A PDF page keeps its line breaks (pypdf): one stands inside the sentence on charging, one after its heading.
TOLLAN_PAGE = (
    "Battery care\nLook after the Tollan battery pack.\nThe Tollan battery pack charges fully in\n"
    "ninety minutes at the bench charger.\nStore it half charged over the summer."
)
# PDFs of slides: bullets set in the Symbol font, as PowerPoint sets them, and points with no mark at all.
SLIDE_PAGES = [
    f"Charging LiPo packs\n{SYMBOL_BULLET} Charge only on the safe mat in B-203\n{SYMBOL_BULLET} Never leave a "
    f"charging pack alone\n{SYMBOL_BULLET} Store packs at 3.8 V per cell",
    "Wren-7 arm\nPayload 2.5 kg\nReach 700 mm\nSupply 24 V DC\nMounts on the rail of bench 3",
]
# A longer PDF: a page to be reached without turning every one before it.
TRAY_PAGES = [f"Seed trays, part {n}\nTray row {n} holds brassica seedlings." for n in range(1, 13)]
# A text file of rules: a title, a blank line, then one numbered rule a line.
WORKSHOP_RULES = (
    "Workshop rules (Year 9)\n\n1. Tie back long hair before using the pillar drill.\n"
    "2. The first-aid box hangs beside the door of room C4. Tell a teacher when you use it.\n"
    "3. Sweep the swarf from your bench before the bell.\n"
)


@pytest.fixture(scope="module")
def paged(tmp_path_factory):
    """The appliance quoting its evidence (extractive), with a two-page PDF that has no page labels, slides,
    numbered steps, a PDF page's broken lines, a PDF of slides, a text file of numbered rules and a 12-page PDF."""
    pages = ["The Kestrel-3 rover weighs 1.4 kilograms.", "Late lab reports lose 10 percent of the mark per day."]
    slides = [("Lab 5", ["Line following"], ""), ("Motors", ["The Corvel N20 gear motor turns at 300 rpm."], "")]
    documents = {"kestrel.pdf": make_pdf(pages), "lab5.pptx": make_pptx(slides)}
    documents |= {"varn.md": VARN_STEPS, "tollan.pdf": make_pdf([TOLLAN_PAGE]), "slides.pdf": make_pdf(SLIDE_PAGES)}
    documents |= {"rules.txt": WORKSHOP_RULES.encode(), "trays.pdf": make_pdf(TRAY_PAGES)}
    with with_documents(tmp_path_factory.mktemp("paged"), documents, answer_mode="extractive") as server:
        yield server


@real
def test_a_source_on_the_first_page_of_a_pdf_names_its_page(browser, paged):
    with signed_in(browser, paged) as visit:
        answer = ask(visit, "How much does the Kestrel-3 rover weigh?")
        cited = answer.locator(".source.cited").first
        assert "page 1" in cited.locator(".source-where").inner_text(), cited.inner_text()
        assert "kestrel.pdf, page 1" in answer.locator(".evidence-head").first.inner_text()


@real
def test_a_slide_is_named_as_a_slide_not_a_page(browser, paged):
    with signed_in(browser, paged) as visit:
        answer = ask(visit, "How fast does the Corvel N20 gear motor turn?")
        cited = answer.locator(".source.cited", has_text="lab5.pptx")
        assert cited.locator(".source-where").inner_text().startswith("slide 2"), cited.inner_text()
        assert "page slide" not in answer.inner_text()
        cited.locator(".source-head a").click()
        where = visit.page.locator(".reader-where")
        where.filter(has_text="(2 of 2)").wait_for()
        assert where.inner_text().endswith("Slide 2 (2 of 2)"), where.inner_text()


# ---------- a quote shows the material's own words as the material shows them ----------


@real
def test_a_quoted_step_keeps_its_number(browser, paged):
    with signed_in(browser, paged) as visit:
        answer = ask(visit, "What must be done with the main gas valve of the Varn boiler?")
        for where in (".answer-text", ".evidence-quote"):
            quoted = answer.locator(where).locator("ol", has_text="main gas valve").first
            assert quoted.evaluate("ol => ol.start") == 3, where  # the third step, as the page numbers it


@real
def test_a_how_to_question_quotes_the_whole_procedure_as_its_numbered_list(browser, paged):
    """ "How do I shut down the Varn boiler?" quoted its step 1 and step 2 as two quotes, not the procedure."""
    with signed_in(browser, paged) as visit:
        answer = ask(visit, "How do I shut down the Varn boiler?")
        steps = answer.locator(".answer-text ol li")
        assert steps.count() == 3, answer.inner_text()
        assert answer.locator(".answer-text ol").first.evaluate("ol => ol.start") == 1
        assert steps.nth(2).inner_text().startswith("Turn off the main gas valve")


@real
def test_a_pdf_line_break_inside_a_quoted_sentence_reads_as_a_space(browser, paged):
    with signed_in(browser, paged) as visit:
        answer = ask(visit, "How long does the Tollan battery pack take to charge?")
        for where in (".answer-text", ".evidence-quote"):
            shown = answer.locator(where).first.inner_text()
            assert "charges fully in ninety minutes" in shown, (where, shown)
        # The page's heading stands on a line of its own in its snippet, as on the page; its wrapped lines run on.
        snippet = answer.locator(".source", has_text="tollan.pdf").locator(".snippet").first.inner_text()
        assert snippet.startswith("Battery care\nLook after") and "fully in ninety" in snippet, snippet
        answer.locator(".evidence-link").first.click()  # the reader shows the page as it is
        visit.page.locator(".reader mark").first.wait_for()
        shown = visit.page.locator(".reader .page-text").inner_text()
        assert "Battery care\nLook after" in shown and "fully in\nninety" in shown, shown


@real
def test_a_text_files_numbered_rules_stay_on_their_lines_in_a_source(browser, paged):
    """A teacher's lab-rules.txt was shown under Sources as one run-on paragraph ("Robotics lab rules (Year 11)
    1. Wear safety glasses ... 2. The emergency stop ..."), while the reader showed its list: its blank line and
    each rule's line are kept."""
    with signed_in(browser, paged) as visit:
        answer = ask(visit, "Where does the first-aid box hang?")
        snippet = answer.locator(".source", has_text="rules.txt").locator(".snippet").first.inner_text()
        assert snippet == WORKSHOP_RULES.strip(), snippet


@real
def test_the_reader_opened_from_the_material_list_is_under_material_in_the_menu(browser, paged):
    """A handout read from the Material list was marked as the Ask screen in the menu (aria-current): a screen
    reader said "Ask, current page" while she was reading the list's documents, whichever page she turned to."""
    with signed_in(browser, paged) as visit:
        page = visit.page
        nav(page, "Material").click()
        page.get_by_role("link", name="Read kestrel.pdf").click()
        for turned in ("1 of 2", "2 of 2"):
            if turned != "1 of 2":
                page.get_by_role("link", name="Next page").click()
            page.locator(".reader-where").filter(has_text=turned).wait_for()
            page.wait_for_selector("#main:not([aria-busy])")
            assert nav(page, "Material").get_attribute("aria-current") == "page", turned
            assert nav(page, "Ask").get_attribute("aria-current") is None, turned
        page.keyboard.press("Escape")
        page.wait_for_selector(".doc[data-filename='kestrel.pdf']")


@real
def test_the_reader_goes_to_a_page_by_its_number(browser, paged):
    """A student told "read page 9" of a 12-page handout had to press Next page eight times: the reader goes to a
    page by its number, typed, and says which page it is on."""
    with signed_in(browser, paged) as visit:
        page = visit.page
        nav(page, "Material").click()
        page.get_by_role("link", name="Read trays.pdf").click()
        number = page.get_by_label("Go to page")
        page.locator(".reader-where").filter(has_text="1 of 12").wait_for()
        assert number.input_value() == "1"
        number.fill("9")
        number.press("Enter")
        page.locator(".reader .page-text").filter(has_text="Tray row 9 holds").wait_for()
        assert number.input_value() == "9"
        assert number.evaluate("input => input.max") == "12"  # the browser refuses a page past the last
        page.keyboard.press("Escape")
        page.wait_for_selector(".doc[data-filename='trays.pdf']")


@real
def test_a_pdf_slides_points_are_quoted_one_by_one_and_shown_as_the_slide_shows_them(browser, paged):
    """A slide's points ran into one "sentence" quoted whole, and its Symbol-font bullets showed as boxes."""
    with signed_in(browser, paged) as visit:
        answer = ask(visit, "At what voltage per cell are LiPo packs stored?")
        # Quoted as the slide shows it: with its bullet.
        assert answer.locator(".evidence-quote").first.inner_text().strip() == "\u2022 Store packs at 3.8 V per cell"
        answer.locator(".evidence-link").first.click()
        visit.page.locator(".reader mark").first.wait_for()
        shown = visit.page.locator(".reader .page-text").inner_text()
        assert "\u2022 Never leave a charging pack alone\n\u2022 Store packs" in shown, shown
        assert SYMBOL_BULLET not in shown
        assert visit.page.locator(".reader mark").first.inner_text() == "Store packs at 3.8 V per cell"
        answer = ask(visit, "How far does the Wren-7 arm reach?")
        assert answer.locator(".evidence-quote").first.inner_text().strip() == "Reach 700 mm"


# ---------- conversations, tokens, keyboard ----------


@real
def test_conversations_list_rename_reopen_and_delete(visits, appliance):
    student = visits()
    sign_in(student, "bo")
    page = student.page
    items = page.locator(".conv")
    items.first.wait_for()
    count = items.count()
    assert page.locator(".conv-link", has_text="What is the maximum flow rate").count() == 1

    page.get_by_role("button", name=re.compile("^Rename .What is the maximum flow rate")).click()
    page.get_by_label("New title").fill("Pump questions")
    page.get_by_label("New title").press("Enter")
    page.locator(".conv-link", has_text="Pump questions").wait_for()

    page.get_by_role("button", name="New chat").click()
    assert page.locator(".message").count() == 0
    page.locator(".conv-link", has_text="Pump questions").click()
    page.wait_for_selector(".message.assistant[data-state=done]")
    assert page.locator(".chat-title").inner_text() == "Pump questions"
    assert page.locator(".message.user").first.inner_text() == PUMP_QUESTION
    assert page.locator(".message.assistant a.cite").count() >= 1
    assert page.locator(".feedback[aria-pressed=true]").count() == 1  # the thumbs-up given earlier
    # The reopened answer says how long it took, as it did live.
    assert page.locator(".message.assistant .answer-footer .muted").first.inner_text() == FLOW["answered_in"]

    # Joining another course with a wrong code says so.
    nav(page, "Courses").click()
    assert page.get_by_label("Join code").get_attribute("autocapitalize") == "none"  # codes tell "a" from "A"
    page.get_by_label("Join code").fill("NOT-A-CODE")
    page.get_by_role("button", name="Join").click()
    page.get_by_role("status").filter(has_text="join code does not match").wait_for()
    # The code of a course the student is in already says so (a walkthrough's "You joined ..." again).
    page.get_by_label("Join code").fill(FLOW["join_code"])
    page.get_by_role("button", name="Join").click()
    page.get_by_role("status").filter(has_text="You are already in").wait_for()
    check_accessibility(student, "student courses")
    nav(page, "Ask").click()

    page.get_by_role("button", name="Delete “Pump questions”").click()
    page.get_by_role("group", name="Confirm delete").get_by_role("button", name="Delete “Pump questions”").click()
    page.wait_for_function(f"() => document.querySelectorAll('.conv').length === {count - 1}")
    assert page.locator(".message").count() == 0


@real
def test_a_conversation_gone_back_to_from_another_screen_keeps_its_address(visits, appliance):
    """Back on "Ask" from another screen, the conversation still shown goes on, and the address names it: a reload
    or a bookmark reopens it, not an empty new chat, however many questions were asked after coming back."""
    appliance.services.accounts.add("eli", PASSWORD, "student")
    student = visits()
    sign_in(student, "eli")
    page = student.page
    ask(student, PUMP_QUESTION)
    page.wait_for_url(re.compile(r"#/chat/[0-9a-f]{32}$"))
    address = page.url
    nav(page, "Courses").click()
    page.get_by_label("Join code").wait_for()
    nav(page, "Ask").click()
    page.wait_for_selector(".message.assistant[data-state=done]")
    ask(student, SELECTION_QUESTION)
    assert page.locator(".message.user").count() == 2  # the same conversation went on
    assert page.url == address
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_function("() => document.querySelectorAll('.message.user').length === 2")
    assert page.locator(".message.user").all_inner_texts() == [PUMP_QUESTION, SELECTION_QUESTION]


@real
def test_a_reopened_conversation_selects_its_course_and_the_list_names_each_ones_course(visits, appliance):
    """A student in two courses reopened a conversation of the other one and the header still named the first:
    reopening selects the conversation's course, and the list says which course each conversation is in."""
    services = appliance.services
    two = services.accounts.add("two", PASSWORD, "student")
    lab = services.courses.create("Fluid Lab 101", services.accounts.named("ada")["id"])
    services.courses.add_member(1, two)
    services.courses.add_member(lab["id"], two)
    conversation = services.conversations.create(two, lab["id"], "What is the Tidewell-3?")
    student = visits()
    sign_in(student, "two")
    page = student.page
    page.locator("#course-select").select_option("1")
    link = page.locator(".conv-link", has_text="What is the Tidewell-3?")
    assert link.locator(".conv-course").inner_text() == "Fluid Lab 101"
    link.click()
    page.wait_for_function(f"() => document.querySelector('#course-select').value === '{lab['id']}'")
    assert page.url.endswith(f"#/chat/{conversation.id}")
    assert page.locator(".chat-title").inner_text() == "What is the Tidewell-3?"
    check_accessibility(student, "chat with conversations of two courses")


@real
def test_a_course_chosen_while_an_answer_comes_is_the_one_the_next_question_asks(visits, appliance):
    """A student who chose another course while an answer was coming had the top bar name the new course while the
    next question went on in the old one's conversation, answered from the old course's material: the next question
    begins a conversation in the course the top bar names."""
    services = appliance.services
    student = services.accounts.add("switcher", PASSWORD, "student")
    lab = services.courses.create("Hydro Lab", services.accounts.named("ada")["id"])
    services.courses.add_member(1, student)
    services.courses.add_member(lab["id"], student)
    visit = visits()
    sign_in(visit, "switcher")
    page = visit.page
    page.locator("#course-select").select_option("1")
    held = []
    page.route("**/api/v1/chat", lambda route: held.append(route))  # the first answer held while the course changes
    page.get_by_label("Your question").fill("What does a servo do?")
    page.get_by_label("Your question").press("Enter")
    page.wait_for_function("() => document.querySelector('.message.assistant[data-state=waiting]')")
    page.locator("#course-select").select_option(str(lab["id"]))
    held[0].continue_()
    page.unroute("**/api/v1/chat")
    page.locator(".message.assistant[data-state=done]").wait_for(timeout=ANSWER_TIMEOUT)
    page.get_by_label("Your question").fill("What does the pump do?")
    page.get_by_label("Your question").press("Enter")
    page.locator(".message.assistant[data-state=done]").wait_for(timeout=ANSWER_TIMEOUT)  # the only one: a new chat
    sent = visit.calls("POST", "/api/v1/chat")[-1]
    assert (sent.get("course_id"), sent.get("conversation_id")) == (lab["id"], None), sent
    assert page.locator("#course-select").input_value() == str(lab["id"])
    assert page.locator(".message.user").all_inner_texts() == ["What does the pump do?"]
    page.locator(".conv-link", has_text="What does a servo do?").wait_for()


@real
def test_the_keyboard_stays_on_the_course_select_as_its_arrow_keys_change_the_course(visits, appliance):
    """The header was built anew on every change, the select with it: an arrow key that changed the course sent
    the keyboard back to the page's start."""
    services = appliance.services
    wyn = services.accounts.add("wyn", PASSWORD, "student")
    services.courses.add_member(1, wyn)
    services.courses.add_member(services.courses.create("Second course", None)["id"], wyn)
    student = visits()
    sign_in(student, "wyn")
    page = student.page
    for screen, key in (("Ask", "ArrowDown"), ("Material", "ArrowUp")):
        nav(page, screen).click()
        select = page.locator("#course-select")
        before = select.input_value()
        select.focus()
        page.keyboard.press(key)
        page.wait_for_timeout(200)
        assert select.input_value() != before, screen
        assert page.evaluate("() => document.activeElement.id") == "course-select", screen


@real
def test_a_reader_opened_on_a_deleted_document_says_it_is_no_longer_in_the_course(visits, appliance):
    """A link to a deleted document opened an empty page with arrows and "Select any text to ask about it."."""
    services = appliance.services
    gone = services.ingestor.ingest(b"# Withdrawn\n\nLast year's handout.\n", "withdrawn.md", course_id=1).document
    services.ingestor.delete(gone["id"])
    services.courses.add_member(1, services.accounts.add("yul", PASSWORD, "student"))
    student = visits()
    sign_in(student, "yul")
    student.open(f"#/read/{gone['id']}/1")
    reader = student.page.locator(".reader")
    reader.locator(".reader-status").filter(has_text="no longer in the course").wait_for()
    for part in (".reader-body", ".reader-pages", ".reader-hint"):
        assert reader.locator(part).is_hidden(), part


@real
def test_the_question_box_has_the_keyboard_after_sign_in(visits, appliance):
    services = appliance.services
    services.courses.add_member(1, services.accounts.add("zed", PASSWORD, "student"))
    student = visits()
    sign_in(student, "zed")
    student.page.wait_for_function("() => document.activeElement.id === 'question'", timeout=5000)


def _student_with_a_conversation(visits, appliance, name: str) -> Visit:
    """A student of course 1 with one conversation, "Old question", signed in."""
    services = appliance.services
    user = services.accounts.add(name, PASSWORD, "student")
    services.courses.add_member(1, user)
    services.conversations.create(user, 1, "Old question")
    student = visits()
    sign_in(student, name)
    return student


@real
def test_a_conversation_is_deleted_after_an_inline_confirmation(visits, appliance):
    """Deleting a conversation asked in a browser dialog, a document on the page: both ask on the page."""
    page = _student_with_a_conversation(visits, appliance, "ana").page
    page.on("dialog", lambda dialog: dialog.dismiss())  # a dialog would keep the conversation
    page.get_by_role("button", name="Delete “Old question”").click()
    page.get_by_role("group", name="Confirm delete").get_by_role("button", name="Delete “Old question”").click()
    page.locator(".conv").wait_for(state="detached")
    assert page.evaluate("() => document.activeElement.textContent") == "Conversations"  # the list's heading


@real
def test_the_keyboard_stays_on_a_conversation_renamed_or_not(visits, appliance):
    """Renaming with Enter (or giving up with Escape) leaves the keyboard on that conversation's rename button,
    not thrown back to the top of the page."""
    page = _student_with_a_conversation(visits, appliance, "kai").page
    page.get_by_role("button", name="Rename “Old question”").focus()
    page.keyboard.press("Enter")
    page.keyboard.type("Motor questions")
    page.keyboard.press("Enter")
    renamed = page.get_by_role("button", name="Rename “Motor questions”")
    renamed.wait_for()
    page.wait_for_function("() => document.activeElement !== document.body")
    assert renamed.evaluate("button => button === document.activeElement")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.wait_for_function(
        "() => document.activeElement !== document.body && document.activeElement.tagName !== 'INPUT'"
    )
    assert renamed.evaluate("button => button === document.activeElement")


@real
def test_expired_token_is_refreshed_and_sign_out_revokes(visits, appliance):
    student = visits()
    sign_in(student, "bo")
    page = student.page
    page.evaluate("""() => {
        const session = JSON.parse(sessionStorage.getItem('ragbot.session'));
        session.access_token = 'expired.token.value';
        sessionStorage.setItem('ragbot.session', JSON.stringify(session));
        location.hash = '#/documents';
    }""")
    page.reload()
    page.wait_for_selector(".doc[data-filename='greenhouse.pdf']")
    assert len(student.calls("POST", "/api/v1/auth/refresh")) == 1
    page.locator(".user-link").click()
    page.get_by_role("main").get_by_role("button", name="Sign out").click()
    page.wait_for_selector("#auth-title")
    assert len(student.calls("POST", "/api/v1/auth/logout")) == 1
    assert page.evaluate("() => sessionStorage.getItem('ragbot.session')") is None


@real
def test_keyboard_only_sign_in_and_question(visits, appliance):
    student = visits()
    student.open("#/signin")
    page = student.page
    keyboard = page.keyboard
    assert page.evaluate("() => document.activeElement.name") == "username"
    keyboard.type("bo")
    keyboard.press("Tab")
    keyboard.type(PASSWORD)
    keyboard.press("Enter")
    page.wait_for_selector(CHAT_READY)
    # After a reload: the skip link first, then into the app; the question box is reachable and Enter sends.
    page.reload()
    page.wait_for_selector(CHAT_READY)
    keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip"
    for _ in range(40):
        keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "question":
            break
    else:
        pytest.fail("the question box is not reachable with Tab")
    keyboard.type("What does the Velt light sensor saturate at?")
    keyboard.press("Enter")
    page.wait_for_selector(".message.assistant[data-state=done]", timeout=ANSWER_TIMEOUT)
    assert student.calls("POST", "/api/v1/chat")[-1]["message"] == "What does the Velt light sensor saturate at?"


# ---------- every main screen at phone size ----------


@real
def test_phone_screens_are_usable_and_accessible(visits, appliance):
    phone = visits(PHONE)
    phone.open("#/signin")
    screenshot(phone, "signin")
    check_accessibility(phone, "sign-in")
    phone.open("#/signup")
    screenshot(phone, "signup")

    sign_in(phone, "ada")
    page = phone.page
    no_sideways_scroll = "() => document.documentElement.scrollWidth <= window.innerWidth"
    answer = ask(phone, PUMP_QUESTION)
    assert page.evaluate(no_sideways_scroll)
    screenshot(phone, "chat")
    check_accessibility(phone, "chat")
    answer.locator("a.cite").first.click()
    page.locator(".reader mark").first.wait_for()
    assert page.locator(".reader").bounding_box()["width"] == PHONE["width"]  # full screen on a phone
    screenshot(phone, "reader")
    check_accessibility(phone, "reader")
    page.get_by_role("button", name="Close the reader").click()
    page.locator(".reader").wait_for(state="hidden")

    for screen, ready in (
        ("documents", ".doc"),
        ("courses", ".course"),
        ("dashboard", ".stats-row"),
        ("profile", "#levels"),
    ):
        phone.open(f"#/{screen}")
        page.wait_for_selector(ready)
        assert page.evaluate(no_sideways_scroll), f"{screen} scrolls sideways on a phone"
        screenshot(phone, screen)
        check_accessibility(phone, screen)


@real
def test_a_sign_up_error_is_shown_where_the_student_tapped_on_a_phone(visits, appliance):
    phone = visits(PHONE)
    phone.open("#/signup")
    page = phone.page
    page.get_by_label("Username").fill("Lee Park")  # a space, as a student might type their name: refused
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Course join code").fill("abcde fghjk")
    page.get_by_role("button", name="Create account").click()  # at the foot of a form taller than the screen
    alert = page.locator(".auth-card .alert-error")
    alert.wait_for()
    page.wait_for_function(
        "() => { const r = document.querySelector('.auth-card .alert-error').getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= innerHeight; }",
        timeout=5000,
    )
    assert alert.inner_text()[0].isupper(), alert.inner_text()  # a sentence, as the other forms show theirs


@real
def test_a_field_the_browser_refuses_on_a_phone_is_not_hidden_under_the_top_bar(visits, appliance):
    """A password too short: the browser scrolls to the field and points at it, below the bar that stays on top."""
    phone = visits(PHONE)
    phone.open("#/signup")
    page = phone.page
    page.get_by_label("Username").fill("lee")
    page.get_by_label("Password").fill("short")
    page.get_by_label("Course join code").fill("abcde fghjk")
    page.get_by_role("button", name="Create account").click()  # at the foot of a form taller than the screen
    page.wait_for_function("() => document.activeElement.name === 'password'")
    page.wait_for_timeout(300)  # the scroll to it
    field = page.get_by_label("Password").bounding_box()
    bar = page.locator(".topbar").bounding_box()
    assert field["y"] >= bar["y"] + bar["height"], (field, bar)


@real
def test_the_question_box_shows_its_whole_usual_hint_on_a_narrow_phone(visits, appliance):
    """At 375 px "Ask a question about the course…" wrapped to a second line the one-line box cut in half."""
    visit = visits({"width": 375, "height": 740})
    sign_in(visit, "ada")
    box = visit.page.get_by_label("Your question")
    assert box.evaluate("box => box.scrollHeight <= box.clientHeight"), box.evaluate(
        "box => [box.scrollHeight, box.clientHeight]"
    )


@real
def test_the_sign_in_page_says_how_the_first_admin_is_made_and_offers_no_closed_sign_up(browser, tmp_path):
    """On a new box a would-be admin was told only "That username and password do not match.", under an offer to
    create an account that sign-up, closed, then refused."""
    with with_documents(tmp_path, {}, FakeModel(), signup="closed") as server:
        visit = Visit(browser, server.base_url, DESKTOP)
        try:
            visit.open("#/signin")
            page = visit.page
            hint = page.locator(".auth-card .alert-warn")
            hint.filter(has_text="ragbot users add NAME --role admin").wait_for()
            assert page.locator(".auth-switch").inner_text() == "No account? Ask your teacher for one."
            assert page.get_by_role("link", name="Create an account").count() == 0
            check_accessibility(visit, "sign-in on a new box")
            server.services.accounts.add("boss", PASSWORD, "admin")
            page.reload()
            page.locator(".auth-switch", has_text="Ask your teacher").wait_for()
            assert hint.is_hidden()
        finally:
            visit.close()


@real
def test_desktop_signin_and_profile_screens(visits, appliance):
    desktop = visits()
    desktop.open("#/signin")
    screenshot(desktop, "signin")
    check_accessibility(desktop, "sign-in")
    sign_in(desktop, "bo")
    desktop.open("#/profile")
    page = desktop.page
    page.get_by_label("Hardware background").select_option("expert")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved.").wait_for()
    assert desktop.calls("PATCH", "/api/v1/me")[-1]["hardware_level"] == "expert"
    screenshot(desktop, "profile")
    check_accessibility(desktop, "profile")


@real
def test_an_api_key_is_made_shown_once_used_and_revoked_on_the_profile(visits, appliance):
    desktop = visits()
    sign_in(desktop, "ada")
    desktop.open("#/profile")
    page = desktop.page
    page.get_by_label("What the key is for").fill("Moodle")
    page.get_by_role("button", name="Create key").click()
    key = page.locator("#new-key").inner_text()
    assert re.fullmatch(r"rbk_[\w-]{43}", key), key
    page.get_by_role("button", name="Copy the new key").click()
    page.locator(".toast").first.wait_for()  # copied, or (without clipboard access) told to copy it by hand
    screenshot(desktop, "profile-keys")
    check_accessibility(desktop, "profile with a new key")
    models = httpx.get(f"{appliance.base_url}/v1/models", headers={"Authorization": f"Bearer {key}"})
    ada = appliance.services.accounts.named("ada")
    assert [m["id"] for m in models.json()["data"]] == [f"course-{c}" for c in appliance.services.courses.visible(ada)]

    page.reload()  # shown once: never again, only its name and first characters
    listed = page.locator(".api-key", has_text="Moodle")
    listed.wait_for()
    assert page.locator("#new-key").count() == 0 and key not in page.content() and key[:10] in listed.inner_text()
    page.get_by_role("button", name="Revoke the key Moodle").click()
    listed.wait_for(state="detached")
    again = httpx.get(f"{appliance.base_url}/v1/models", headers={"Authorization": f"Bearer {key}"})
    assert again.status_code == 401


@real
def test_a_long_course_name_is_shown_whole(visits, appliance):
    name = "ROB210 Robot Manipulation and Grasping"
    teacher = appliance.services.accounts.named("ada")
    course = appliance.services.courses.create(name, teacher["id"])
    fits = """select => {
        const style = getComputedStyle(select);
        const context = document.createElement("canvas").getContext("2d");
        context.font = style.font;
        const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 16;
        return context.measureText(select.selectedOptions[0].text).width <= room;  // 16 px: the arrow
    }"""
    for viewport in (DESKTOP, {"width": 375, "height": 740}):
        visit = visits(viewport)
        sign_in(visit, "ada")
        page = visit.page
        page.locator("#course-select").select_option(str(course["id"]))
        select = page.locator("#course-select")
        assert select.get_attribute("title") == name  # whole, however narrow the select
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
        box = select.bounding_box()
        assert box["x"] + box["width"] <= viewport["width"]
        if viewport is DESKTOP:
            assert select.evaluate(fits), "the course name is cut on a desktop screen"
        else:
            assert page.evaluate(
                "() => { const nav = document.querySelector('.nav'); return nav.scrollWidth <= nav.clientWidth; }"
            ), "the links scroll on a phone"


@real
def test_a_screen_is_busy_until_it_and_its_top_bar_are_whole(visits, appliance):
    """The top bar is rebuilt once a screen has loaded: until then the screen says it is busy, so a screen reader
    (and a test choosing a course) waits rather than act on a control about to be replaced."""
    appliance.services.courses.create("Busy robotics", appliance.services.accounts.named("ada")["id"])
    visit = visits()
    sign_in(visit, "ada")
    page = visit.page
    held = []

    def hold(route):  # the chat's conversations, held back
        held.append(route)

    page.route("**/api/v1/conversations*", hold)
    visit.open("#/documents")
    page.wait_for_selector("#main:not([aria-busy]) h1")
    visit.open("#/chat")
    page.wait_for_function("() => document.getElementById('main').getAttribute('aria-busy') === 'true'")
    while not held:  # the request was made and is held
        page.wait_for_timeout(50)
    assert page.locator("#main").get_attribute("aria-busy") == "true"
    for route in held:
        route.continue_()
    page.unroute("**/api/v1/conversations*")
    page.wait_for_selector(CHAT_READY)
    select = page.locator("#course-select").element_handle()
    page.wait_for_timeout(200)
    assert select.evaluate("s => s.isConnected"), "the course select was replaced after the screen said it was whole"


@real
def test_the_course_chosen_is_selected_again_in_a_new_tab_and_after_signing_out(visits, appliance):
    """A teacher back the next day is in the course she left, not the first she belongs to, where a corrected
    handout would be added as a new document while the students' course keeps the old one."""
    ada = appliance.services.accounts.named("ada")["id"]
    made = [appliance.services.courses.create(name, ada)["id"] for name in ("Orchard robotics", "Vineyard robotics")]
    visit = visits()
    sign_in(visit, "ada")
    first = visit.page
    course = {"id": next(i for i in made if str(i) != first.locator("#course-select").input_value())}
    first.locator("#course-select").select_option(str(course["id"]))
    visit.page = visit.context.new_page()  # the next day: a new tab (its session storage empty), signed in again
    first.close()
    sign_in(visit, "ada")
    assert visit.page.locator("#course-select").input_value() == str(course["id"])
    visit.page.locator(".user-link").click()
    visit.page.get_by_role("main").get_by_role("button", name="Sign out").click()
    visit.page.wait_for_selector("#auth-title")
    sign_in(visit, "ada")
    assert visit.page.locator("#course-select").input_value() == str(course["id"])


@real
def test_an_upload_to_one_course_is_listed_under_that_course_only(visits, appliance):
    """A teacher who uploads to one course and then picks another saw the first course's uploads ("Done: 5
    passages") under the second's material, as if they were its own: each course lists only its own uploads."""
    appliance.services.accounts.add("gus", PASSWORD, "teacher")
    gus = appliance.services.accounts.named("gus")
    workshop = appliance.services.courses.create("Soldering workshop", gus["id"])
    scratch = appliance.services.courses.create("Scratch course", gus["id"])
    teacher = visits()
    sign_in(teacher, "gus")
    page = teacher.page
    page.locator("#course-select").select_option(str(scratch["id"]))
    nav(page, "Material").click()
    page.get_by_label("Choose files").set_input_files(
        files=[{"name": "scratch.md", "mimeType": "text/markdown", "buffer": b"# Scratch\n\nA note for one course.\n"}]
    )
    row = page.locator(".upload[data-filename='scratch.md']")
    page.wait_for_selector(".upload[data-filename='scratch.md'][data-status=done]", timeout=120_000)
    assert row.is_visible()

    page.locator("#course-select").select_option(str(workshop["id"]))
    page.locator(".page-head").filter(has_text="Documents of Soldering workshop").wait_for()
    assert not row.is_visible()
    assert not page.get_by_role("heading", name="Uploads").is_visible()

    page.locator("#course-select").select_option(str(scratch["id"]))
    page.locator(".page-head").filter(has_text="Documents of Scratch course").wait_for()
    assert row.is_visible()


KIT_NOTES = """# Kits

Kits are sold at the front desk:

| Kit | Contents | Price | Used in |
|---|---|---|---|
| Kestrel-3 | practice board, 40 through-hole resistors, 6 LEDs | 18 euros | weeks 1 to 3 |
| Marten-SMD | surface-mount board, 24 SMD parts, stencil | 32 euros | weeks 4 and 5 |
| Heron-Amp | audio amplifier board, potentiometer, 2 speakers | 47 euros | week 6 project |
"""
KIT_QUESTION = "How much does the Marten-SMD kit cost?"
# Each word of a table cell that the browser set on more than one line (a hyphen is a fair place to break).
SPLIT_WORDS = """root => {
    const split = [];
    for (const cell of root.querySelectorAll('td, th')) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const word of node.data.matchAll(/[^\\s-]+/g)) {
                const range = document.createRange();
                range.setStart(node, word.index);
                range.setEnd(node, word.index + word[0].length);
                const lines = new Set([...range.getClientRects()].map(rect => Math.round(rect.top)));
                if (lines.size > 1) split.push(word[0]);
            }
        }
    }
    return split;
}"""


@pytest.fixture(scope="module")
def kits(tmp_path_factory):
    """The appliance quoting its evidence (extractive), with a four-column table of kits."""
    with with_documents(
        tmp_path_factory.mktemp("kits"), {"kits.md": KIT_NOTES.encode()}, answer_mode="extractive"
    ) as server:
        yield server


@real
def test_the_question_box_shows_its_whole_hint_for_a_selection_on_a_phone(browser, kits):
    """Asking about a selection on a phone, the box's hint "What would you like to know about it?" wrapped to a
    second line the one-line box cut in half."""
    visit = Visit(browser, kits.base_url, PHONE)
    try:
        sign_in(visit, "ada")
        page = visit.page
        ask(visit, KIT_QUESTION).locator("a.cite").first.click()
        page.locator(".reader mark").first.wait_for()
        assert page.evaluate(SELECT_TEXT, "Kits are sold at the front desk")
        page.get_by_role("button", name="Ask about this").click()
        box = page.get_by_label("Your question")
        assert box.get_attribute("placeholder") == "What would you like to know about it?"
        assert box.evaluate("box => box.scrollHeight <= box.clientHeight"), box.evaluate(
            "box => [box.scrollHeight, box.clientHeight]"
        )
        page.get_by_role("button", name="Do not ask about the selection").click()
        assert box.evaluate("box => box.clientHeight") < 50  # one line again for the usual hint
    finally:
        visit.close()


@real
def test_the_reader_opened_from_the_material_list_closes_back_to_it(browser, kits):
    """A teacher read a handout from Material and closed it: she was put in the Ask screen's empty new chat, not
    back in the list she was going through. A citation opened afterwards still closes back to the chat."""
    with signed_in(browser, kits) as visit:
        page = visit.page
        nav(page, "Material").click()
        page.get_by_role("link", name="Read kits.md").click()
        page.locator(".reader .page-text").filter(has_text="front desk").wait_for()
        page.keyboard.press("Escape")
        page.wait_for_selector(".doc[data-filename='kits.md']")
        assert page.url.endswith("#/documents"), page.url
        nav(page, "Ask").click()
        page.wait_for_selector(CHAT_READY)
        ask(visit, KIT_QUESTION).locator("a.cite").first.click()
        page.locator(".reader mark").first.wait_for()
        page.get_by_role("button", name="Close the reader").click()
        page.wait_for_selector(CHAT_READY)
        assert "#/chat" in page.url, page.url


@real
def test_a_quoted_table_keeps_its_words_whole_on_a_phone(browser, kits):
    """On a phone a quoted table row was squeezed into the answer until its words broke mid-word ("Pri ce",
    "eur os", "wee ks"), in the answer and in the reader: a cell keeps its words whole and the table scrolls."""
    visit = Visit(browser, kits.base_url, PHONE)
    try:
        sign_in(visit, "ada")
        page = visit.page
        answer = ask(visit, KIT_QUESTION)
        assert "32 euros" in answer.locator(".answer-text").inner_text()
        for where in (answer.locator(".answer-text"), answer.locator(".evidence")):
            assert where.locator("td").count() >= 4
            assert where.evaluate(SPLIT_WORDS) == []
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
        check_accessibility(visit, "chat with a quoted table")

        answer.locator("a.cite").first.click()
        page.locator(".reader mark").first.wait_for()
        reader = page.locator(".reader .page-text")
        assert reader.locator("td").count() == 12
        assert reader.evaluate(SPLIT_WORDS) == []
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
        check_accessibility(visit, "reader with a table")
    finally:
        visit.close()


def _teacher_on_material(visits, appliance, username: str, course: str):
    """A new teacher of a new course, signed in on its Material page (the page)."""
    appliance.services.accounts.add(username, PASSWORD, "teacher")
    made = appliance.services.courses.create(course, appliance.services.accounts.named(username)["id"])
    teacher = visits()
    sign_in(teacher, username)
    teacher.page.locator("#course-select").select_option(str(made["id"]))
    nav(teacher.page, "Material").click()
    return teacher.page


@real
def test_the_same_file_under_another_name_says_which_document_it_already_is(visits, appliance):
    """A teacher who uploaded a copy of a handout under another name read "Done: already in the library, unchanged"
    and found no document of that name in the list: the row names the document the copy already is."""
    page = _teacher_on_material(visits, appliance, "hal", "Copies")
    handout = b"# Fees\n\nThe workshop fee is 145 euros.\n"
    for name in ("handout.md", "handout-copy.md"):
        page.get_by_label("Choose files").set_input_files(
            files=[{"name": name, "mimeType": "text/markdown", "buffer": handout}]
        )
        page.wait_for_selector(f".upload[data-filename='{name}'][data-status=done]", timeout=120_000)
    copy = page.locator(".upload[data-filename='handout-copy.md'] .upload-status")
    copy.filter(has_text="already in this course as handout.md").wait_for()
    page.get_by_label("Choose files").set_input_files(
        files=[{"name": "handout.md", "mimeType": "text/markdown", "buffer": handout}]
    )
    page.locator(".upload[data-filename='handout.md'] .upload-status").first.filter(
        has_text="already in this course, unchanged"
    ).wait_for()
    assert page.locator(".doc-list .doc").count() == 1


@real
def test_an_upload_done_or_refused_is_told_to_a_screen_reader(visits, appliance):
    """A teacher with a screen reader heard nothing when a file was added or refused (an empty file, say): its row's
    words changed silently. Each file's outcome is said in the page's status region."""
    page = _teacher_on_material(visits, appliance, "orla", "Heard")
    page.get_by_label("Choose files").set_input_files(
        files=[
            {"name": "fees.md", "mimeType": "text/markdown", "buffer": b"# Fees\n\nThe workshop fee is 145 euros.\n"},
            {"name": "blank.md", "mimeType": "text/markdown", "buffer": b""},
        ]
    )
    said = page.get_by_role("main").get_by_role("status")
    said.filter(has_text="fees.md: Done: 1 passage").wait_for(timeout=120_000)
    said.filter(has_text=re.compile(r"blank\.md: .*empty", re.I)).wait_for()


@real
def test_a_slide_deck_is_listed_with_its_slides_not_pages(visits, appliance):
    """A deck of two slides was listed as "pptx · 2 pages", though every citation of it names a slide."""
    appliance.services.accounts.add("jo", PASSWORD, "teacher")
    course = appliance.services.courses.create("Decks", appliance.services.accounts.named("jo")["id"])
    deck = make_pptx(TWO_SLIDES)
    appliance.services.ingestor.ingest(deck, "week3.pptx", course_id=course["id"])
    teacher = visits()
    sign_in(teacher, "jo")
    page = teacher.page
    page.locator("#course-select").select_option(str(course["id"]))
    nav(page, "Material").click()
    facts = page.locator(".doc[data-filename='week3.pptx'] .doc-facts")
    assert facts.inner_text().startswith("pptx · 2 slides · "), facts.inner_text()


@real
def test_an_uploaded_decks_status_counts_its_slides_not_pages(visits, appliance):
    """A deck uploaded on the Material page read "Done: 2 passages from 2 pages" (and "Reading pages" before): its
    job did not say what kind of file it was. Its status counts slides, as its entry in the list does."""
    page = _teacher_on_material(visits, appliance, "kes", "Slides")
    deck = make_pptx(TWO_SLIDES)
    page.get_by_label("Choose files").set_input_files(
        files=[{"name": "week4.pptx", "mimeType": "application/octet-stream", "buffer": deck}]
    )
    page.wait_for_selector(".upload[data-filename='week4.pptx'][data-status=done]", timeout=120_000)
    status = page.locator(".upload[data-filename='week4.pptx'] .upload-status").inner_text()
    assert re.fullmatch(r"Done: \d+ passages? from 2 slides", status), status


@real
def test_a_document_replaced_by_a_newer_upload_says_it_was_updated(visits, appliance):
    """A handout uploaded again with changes was listed as "added" on the day of the new version only: a teacher
    could not tell it was replaced. Its entry says it was updated."""
    page = _teacher_on_material(visits, appliance, "rue", "Versions")
    for text in (b"# Fees\n\nThe workshop fee is 145 euros.\n", b"# Fees\n\nThe workshop fee is 150 euros.\n"):
        time.sleep(1)  # versions are stamped to the second
        page.get_by_label("Choose files").set_input_files(
            files=[{"name": "fees.md", "mimeType": "text/markdown", "buffer": text}]
        )
        page.wait_for_selector(".upload:first-child[data-filename='fees.md'][data-status=done]", timeout=120_000)
    facts = page.locator(".doc[data-filename='fees.md'] .doc-facts")
    facts.filter(has_text="updated").wait_for()
    assert re.search(r"· added [^·]+ · updated [^·]+$", facts.inner_text()), facts.inner_text()


@real
def test_a_deleted_document_is_no_longer_done_in_the_uploads_and_the_keyboard_stays_on_the_list(visits, appliance):
    """After deleting a document its upload still read "Done: 1 passage", and a keyboard user who confirmed the
    delete was sent back to the top of the page (the button pressed was gone): the row says it was deleted and
    the focus stays on the document list."""
    page = _teacher_on_material(visits, appliance, "ida", "Deletions")
    page.get_by_label("Choose files").set_input_files(
        files=[{"name": "old.md", "mimeType": "text/markdown", "buffer": b"# Old\n\nLast year's rules.\n"}]
    )
    page.wait_for_selector(".upload[data-filename='old.md'][data-status=done]", timeout=120_000)
    page.get_by_role("button", name="Delete old.md").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Shift+Tab")  # from Cancel back to the confirming button
    page.keyboard.press("Enter")
    page.wait_for_selector(".doc[data-filename='old.md']", state="detached")
    row = page.locator(".upload[data-filename='old.md']")
    row.locator(".upload-status").filter(has_text="deleted from the course").wait_for()
    assert row.get_attribute("data-status") == "deleted"
    assert page.evaluate("() => document.activeElement.id") == "docs-title"


@real
def test_a_sign_up_error_goes_once_the_field_it_was_about_is_changed(visits, appliance):
    """A student told "The username 'ada' is taken" chose another name, and the old message stayed above the form
    while the browser complained about the password: an error goes once the form is edited."""
    course = appliance.services.courses.create("Sign-ups", appliance.services.accounts.named("ada")["id"])
    visit = visits()
    visit.open("#/signup")
    page = visit.page
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Course join code").fill(course["join_code"])
    page.get_by_role("button", name="Create account").click()
    alert = page.locator(".auth-card .alert-error")
    alert.filter(has_text="taken").wait_for()
    page.get_by_label("Username").fill("ada-two")
    assert alert.is_hidden()


@real
def test_the_sign_up_form_says_which_letters_a_username_takes(visits, appliance):
    """A student named Ömer typed his name and was told usernames are "letters, digits, ...": the form says which
    letters before he sends it, and the refusal says it again."""
    course = appliance.services.courses.create("Names", appliance.services.accounts.named("ada")["id"])
    visit = visits()
    visit.open("#/signup")
    page = visit.page
    username = page.get_by_label("Username")
    assert "letters a–z" in page.locator(f"#{username.get_attribute('aria-describedby')}").inner_text().lower()
    username.fill("ömer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Course join code").fill(course["join_code"])
    page.get_by_role("button", name="Create account").click()
    page.locator(".auth-card .alert-error").filter(has_text="no spaces or accents").wait_for()


@real
def test_a_teacher_sees_who_is_in_a_course(visits, appliance):
    """A teacher could add a member by username but nowhere see who had joined with the code: each course card
    lists its members, and one just added appears in the list."""
    services = appliance.services
    services.accounts.add("kit", PASSWORD, "teacher")
    course = services.courses.create("Members", services.accounts.named("kit")["id"])
    services.accounts.add("lou", PASSWORD, "student")
    services.accounts.add("max", PASSWORD, "student")
    services.courses.add_member(course["id"], services.accounts.named("lou"))
    teacher = visits()
    sign_in(teacher, "kit")
    page = teacher.page
    nav(page, "Courses").click()
    card = page.locator(f".course[data-course='{course['id']}']")
    card.locator("summary").filter(has_text="Members (2)").click()
    assert set(card.locator(".member").evaluate_all("items => items.map(i => i.dataset.username)")) == {"kit", "lou"}
    card.get_by_label("Add a member by username").fill("max")
    card.get_by_role("button", name="Add").click()
    card.locator("summary").filter(has_text="Members (3)").wait_for()
    assert card.get_by_role("status").inner_text() == "max is now in Members."  # a username keeps its case
    card.locator(".member[data-username='max']").wait_for()
    card.get_by_label("Add a member by username").fill("lou")
    card.get_by_role("button", name="Add").click()
    card.get_by_role("status").filter(has_text="lou is already in Members.").wait_for()
    assert card.locator("summary").inner_text() == "Members (3)"
    check_accessibility(teacher, "courses with members")


@real
def test_a_question_in_a_course_without_material_says_the_course_has_none(visits, appliance):
    """A student whose teacher had not yet uploaded anything was told "No answer to this question was found ... Try
    other words": the answer says the course has no material yet."""
    services = appliance.services
    services.accounts.add("ned", PASSWORD, "teacher")
    course = services.courses.create("Starts next week", services.accounts.named("ned")["id"])
    services.accounts.add("ona", PASSWORD, "student")
    services.courses.add_member(course["id"], services.accounts.named("ona"))
    student = visits()
    sign_in(student, "ona")
    page = student.page
    page.locator("#course-select").select_option(str(course["id"]))
    answer = ask(student, "How much is the workshop fee?")
    answer.locator(".notice-title").filter(has_text="This course has no material yet.").wait_for()
    assert "Starts next week" in answer.locator(".hint").inner_text()
    assert "Try other words" not in answer.inner_text()


@real
def test_the_reader_closes_with_escape_and_the_keyboard_returns_to_the_citation(browser, kits):
    """A keyboard user who opened a citation could not close the reader with Escape, and closing it with its button
    left the focus on the page's body, the answer lost: Escape closes it, and either way the focus is back on the
    citation it was opened from."""
    for viewport in (DESKTOP, PHONE):
        visit = Visit(browser, kits.base_url, viewport)
        try:
            sign_in(visit, "ada")
            page = visit.page
            answer = ask(visit, KIT_QUESTION)
            cite = answer.locator("a.cite").first
            for close in ("Escape", "button"):
                cite.focus()
                page.keyboard.press("Enter")
                page.locator(".reader mark").first.wait_for()
                if close == "Escape":
                    page.keyboard.press("Escape")
                else:
                    page.get_by_role("button", name="Close the reader").focus()
                    page.keyboard.press("Enter")
                page.locator(".reader").wait_for(state="hidden")
                assert "#/read/" not in page.url
                assert cite.evaluate("link => document.activeElement === link"), (viewport, close)
        finally:
            visit.close()


@real
def test_a_citation_opened_again_shows_no_marks_while_its_page_loads(browser, kits):
    """Under load the reader showed the last page's marks while the next loaded, with the keyboard still on the
    citation: a test pressing Escape then closed nothing (the reader's Escape is its own)."""
    visit = Visit(browser, kits.base_url, DESKTOP)
    try:
        sign_in(visit, "ada")
        page = visit.page
        cite = ask(visit, KIT_QUESTION).locator("a.cite").first
        cite.focus()
        page.keyboard.press("Enter")
        page.locator(".reader mark").first.wait_for()
        page.keyboard.press("Escape")
        page.locator(".reader").wait_for(state="hidden")
        held = []

        def hold(route):  # the page's answer, held back
            held.append(route)

        page.route("**/api/v1/documents/*/pages/*", hold)
        cite.focus()
        page.keyboard.press("Enter")
        page.get_by_role("status").filter(has_text="Opening").wait_for()
        page.wait_for_function("() => document.querySelector('.reader') && !document.querySelector('.reader').hidden")
        assert page.locator(".reader mark").count() == 0
        held[0].continue_()
        page.unroute("**/api/v1/documents/*/pages/*")
        page.locator(".reader mark").first.wait_for()
        page.keyboard.press("Escape")
        page.locator(".reader").wait_for(state="hidden")
    finally:
        visit.close()


@real
def test_a_page_reloaded_while_reading_a_citation_keeps_its_conversation(browser, kits):
    """A phone reloads a tab left in the background: a student reading a citation came back to the reader beside an
    empty new chat, and closing it left the conversation (the next question began a new one). The reader's address
    names the conversation: reloaded, it opens beside it again and closes back to it."""
    for viewport in (DESKTOP, PHONE):
        with signed_in(browser, kits, viewport) as visit:
            page = visit.page
            ask(visit, KIT_QUESTION).locator("a.cite").first.click()
            page.locator(".reader mark").first.wait_for()
            conversation = re.search(r"[?&]chat=([0-9a-f]{32})", page.url)
            assert conversation, page.url
            page.reload()
            page.locator(".message.assistant[data-state=done]").wait_for()
            page.locator(".reader mark").first.wait_for()
            page.get_by_role("button", name="Close the reader").click()
            page.wait_for_url(re.compile(f"#/chat/{conversation.group(1)}$"))
            assert page.locator(".message.user").all_inner_texts() == [KIT_QUESTION], viewport


@real
def test_a_question_about_a_selection_shows_the_selection_when_reopened(browser, kits):
    """A student who selected a sentence in the reader and asked "why?" reopened the conversation the next day to a
    bare "why?": the question shows the passage it was about, as it did when asked."""
    with signed_in(browser, kits) as visit:
        page = visit.page
        ask(visit, KIT_QUESTION).locator("a.cite").first.click()
        page.locator(".reader mark").first.wait_for()
        assert page.evaluate(SELECT_TEXT, "Kits are sold at the front desk")
        page.get_by_role("button", name="Ask about this").click()
        ask(visit, "why?")
        page.get_by_role("button", name="Close the reader").click()  # the address is the conversation's again
        page.wait_for_url(re.compile(r"#/chat/[0-9a-f]{32}$"))
        page.reload()
        page.wait_for_selector(CHAT_READY)
        asked = page.locator(".message.user").last
        asked.locator(".bubble").filter(has_text="why?").wait_for()
        assert asked.locator(".selection-quote").inner_text() == "About the selection:\nKits are sold at the front desk"


@real
def test_the_admin_sees_the_accounts_and_the_audit_log_and_a_teacher_no_admin_screen(visits, appliance):
    services = appliance.services
    services.accounts.add("root", PASSWORD, "admin")
    with httpx.Client(base_url=appliance.base_url) as client:
        signed = client.post("/api/v1/auth/login", json={"username": "ada", "password": PASSWORD}).json()
        client.headers["Authorization"] = f"Bearer {signed['access_token']}"
        course = client.post("/api/v1/courses", json={"name": "Audited robotics"}).json()["id"]
    teacher = visits()
    sign_in(teacher, "ada")
    assert nav(teacher.page, "Admin").count() == 0
    teacher.open("#/admin")
    teacher.page.wait_for_function("() => location.hash === '#/chat'")
    admin = visits()
    sign_in(admin, "root")
    page = admin.page
    nav(page, "Admin").click()
    accounts = page.get_by_role("region", name="Accounts")
    accounts.locator("td", has_text="root").wait_for()
    rows = {
        cells[0]: cells for cells in (row.locator("td").all_inner_texts() for row in accounts.locator("tbody tr").all())
    }
    assert rows["ada"][1:3] == ["teacher", "active"] and rows["root"][1] == "admin", rows
    audit = page.get_by_role("region", name=re.compile("^Audit log"))
    created = audit.locator("tbody tr", has_text="course.create").first.locator("td").all_inner_texts()
    assert created[1:] == ["ada", "course.create", f"course {course} (Audited robotics)"], created
    screenshot(admin, "admin")
    check_accessibility(admin, "admin")


@real
def test_the_admin_audit_log_says_who_was_added_and_which_course_a_document_went_to(visits, appliance):
    """The log showed "membership.add | course 2 (RX-214 Robotics Lab)" without who was added, and an upload
    without its course."""
    services = appliance.services
    services.accounts.add("root4", PASSWORD, "admin")
    services.accounts.add("uma", PASSWORD, "student")
    course = services.courses.create("RX-214 Robotics Lab", services.accounts.named("ada")["id"])["id"]
    with httpx.Client(base_url=appliance.base_url) as client:
        signed = client.post("/api/v1/auth/login", json={"username": "ada", "password": PASSWORD}).json()
        client.headers["Authorization"] = f"Bearer {signed['access_token']}"
        for _ in range(2):  # the second changes nothing and is not logged
            client.post(f"/api/v1/courses/{course}/members", json={"username": "uma"}).raise_for_status()
        files = {"files": ("rx-notes.txt", b"The RX-214 arm has six joints.", "text/plain")}
        client.post("/api/v1/documents", files=files, data={"course_id": str(course)}).raise_for_status()
    services.jobs.wait(120)
    admin = visits()
    sign_in(admin, "root4")
    admin.open("#/admin")
    audit = admin.page.get_by_role("region", name=re.compile("^Audit log"))
    audit.locator("td", has_text="rx-notes.txt").wait_for()
    shown = [row.locator("td").all_inner_texts()[2:] for row in audit.locator("tbody tr").all()]
    assert shown.count(["membership.add", f"uma to course {course} (RX-214 Robotics Lab)"]) == 1, shown
    assert ["document.upload", f"rx-notes.txt to course {course} (RX-214 Robotics Lab)"] in shown, shown


@real
def test_the_admin_sees_each_last_sign_in_and_pages_back_through_the_audit_log(visits, appliance):
    """An account never signed in says "never"; "Show older" appends the log's older events until there are none."""
    services = appliance.services
    services.accounts.add("root2", PASSWORD, "admin")
    services.accounts.add("quiet", PASSWORD, "student")
    for number in range(105):  # more than the screen's first page, the oldest of them on no page but the last
        services.audit.record({"id": None, "username": "filler"}, "test.filler", f"filler {number}")
    admin = visits()
    sign_in(admin, "root2")
    page = admin.page
    admin.open("#/admin")
    accounts = page.get_by_role("region", name="Accounts")
    accounts.locator("td", has_text="quiet").wait_for()
    rows = {
        cells[0]: cells for cells in (row.locator("td").all_inner_texts() for row in accounts.locator("tbody tr").all())
    }
    assert rows["quiet"][4] == "never" and re.search(r"\d", rows["root2"][4]), rows
    # Created and last signed in, both when to the minute, written the same way.
    at = re.compile(r"\d{1,2}:\d{2}")
    assert at.search(rows["root2"][3]) and at.search(rows["root2"][4]), rows
    audit = page.get_by_role("region", name=re.compile("^Audit log"))
    assert audit.locator("tbody tr").count() == 100
    assert audit.locator("td", has_text=re.compile("^filler 0$")).count() == 0
    older = page.get_by_role("button", name="Show older")
    assert older.is_visible()
    for _ in range(10):  # a hundred a page: these and what the module's other tests recorded take two or three
        if older.is_hidden():
            break
        shown = audit.locator("tbody tr").count()
        older.click()
        page.wait_for_function(
            "n => document.querySelectorAll('#audit ~ .table-scroll tbody tr').length > n || "
            "document.querySelector('.admin-more button').hidden",
            arg=shown,
        )
    assert older.is_hidden()
    assert audit.locator("tbody tr").count() == len(services.audit.entries(limit=1000))
    assert audit.locator("td", has_text=re.compile("^filler 0$")).count() == 1
    screenshot(admin, "admin-older")
    check_accessibility(admin, "admin")


@real
def test_the_admin_makes_an_account_resets_its_password_changes_its_role_and_disables_it(visits, appliance):
    """Accounts were made and changed only with `ragbot users` on the box: the admin screen does it, shows the
    one-time password the appliance made once, and logs each change."""
    appliance.services.accounts.add("root5", PASSWORD, "admin")
    admin = visits()
    sign_in(admin, "root5")
    page = admin.page
    admin.open("#/admin")
    form = page.get_by_role("region", name="New account")
    form.get_by_label("Username").fill("wen")
    form.get_by_label("Role").select_option("teacher")
    form.get_by_role("button", name="Create account").click()
    password = page.locator(".one-time-password")
    password.wait_for()
    first = password.inner_text()
    row = page.locator("tr[data-username=wen]")
    assert row.locator("td").all_inner_texts()[1:3] == ["teacher", "active"]
    audit = page.get_by_role("region", name=re.compile("^Audit log"))
    audit.locator("tr", has_text="account.create").filter(has_text="user wen").wait_for()
    newcomer = visits()
    sign_in(newcomer, "wen", first)

    row.get_by_role("button", name="Reset password").click()
    page.get_by_role("button", name="Give wen a new password and sign them out").click()
    page.wait_for_function("old => document.querySelector('.one-time-password').textContent !== old", arg=first)
    second = password.inner_text()
    assert second != first and "signed out" in page.locator(".account-note").inner_text()
    assert page.evaluate("() => document.activeElement.textContent") == "Reset password"

    row.get_by_label("Role of wen").select_option("student")
    page.locator(".account-note", has_text="wen is now a student").wait_for()
    audit.locator("td", has_text="user wen: teacher → student").wait_for()
    row.get_by_role("button", name="Disable").click()
    row.get_by_role("button", name="Enable").wait_for()
    assert row.locator("td").all_inner_texts()[1:3] == ["student", "disabled"]
    # The keyboard stays on the button it pressed, made anew with the row.
    assert page.evaluate("() => document.activeElement.textContent") == "Enable"
    audit.locator("tr", has_text="account.disable").filter(has_text="user wen").wait_for()
    assert page.locator("tr[data-username=root5] td").nth(5).inner_text() == "you"
    check_accessibility(admin, "admin")
    with httpx.Client(base_url=appliance.base_url) as client:
        refused = client.post("/api/v1/auth/login", json={"username": "wen", "password": second})
        assert refused.status_code == 401 and "disabled" in refused.json()["error"]


@real
def test_the_admin_screen_fits_a_phone(visits, appliance):
    """On a 390 px phone the admin's tables made the page scroll sideways and cut the "Admin" link: the tables
    scroll in their boxes and the links fit."""
    appliance.services.accounts.add("root3", PASSWORD, "admin")
    phone = visits(PHONE)
    sign_in(phone, "root3")
    page = phone.page
    nav(page, "Admin").click()
    page.get_by_role("region", name="Accounts").locator("td", has_text="root3").wait_for()
    # At 375 px too: the narrowest phone the other screens are checked at.
    for width in (PHONE["width"], 375):
        page.set_viewport_size({"width": width, "height": PHONE["height"]})
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        assert page.locator(".nav").evaluate("nav => nav.scrollWidth <= nav.clientWidth")
    screenshot(phone, "admin")


@real
def test_a_student_changes_their_password_on_the_profile(visits, appliance):
    appliance.services.accounts.add("pat", PASSWORD, "student")
    student = visits()
    sign_in(student, "pat")
    page = student.page
    # Read as one phrase: it was "pat , student: profile", a space before the comma.
    assert page.get_by_role("link", name="pat, student: profile", exact=True).count() == 1
    student.open("#/profile")
    card = page.locator("section", has=page.get_by_role("heading", name="Password"))
    card.get_by_label("Current password").fill("not-my-password")
    card.get_by_label("New password").fill("a-new-pass-42")
    card.get_by_role("button", name="Change password").click()
    card.get_by_role("status").filter(has_text="Not changed: your current password").wait_for()
    card.get_by_label("Current password").fill(PASSWORD)
    card.get_by_role("button", name="Change password").click()
    card.get_by_role("status").filter(has_text="Password changed").wait_for()
    check_accessibility(student, "profile")
    # Still signed in here, with the new session.
    nav(page, "Ask").click()
    page.wait_for_selector(CHAT_READY)
    page.reload()
    page.wait_for_selector(CHAT_READY)
    other = visits()
    sign_in(other, "pat", "a-new-pass-42")


@real
def test_a_citation_of_a_document_uploaded_again_opens_its_current_version(browser, kits):
    """A teacher who fixed a typo and uploaded the handout again made it a new document: every earlier answer's
    citation then opened "This document or page is no longer in the library". It opens the file's current version
    and says the quoted passage may have changed, so it is not highlighted."""
    visit = Visit(browser, kits.base_url, DESKTOP)
    try:
        sign_in(visit, "ada")
        page = visit.page
        answer = ask(visit, KIT_QUESTION)
        updated = KIT_NOTES + "\nKits are paid for at the front desk.\n"
        assert kits.services.ingestor.ingest(updated.encode(), "kits.md", course_id=1).outcome == "replaced"
        answer.locator("a.cite").first.click()
        status = page.locator(".reader .reader-status")
        status.filter(has_text="kits.md was updated after this answer").wait_for()
        assert "Kits are paid for at the front desk." in page.locator(".reader .page-text").inner_text()
        assert page.locator(".reader mark").count() == 0
    finally:
        visit.close()


@real
def test_a_reopened_answer_says_its_document_changed_since(browser, kits):
    """A student reopening last week's conversation read "The material says: ... 14 kilograms" after the teacher had
    corrected the handout to 15: nothing by the answer said the material had changed until a citation was opened.
    The answer now says its document changed since and to ask again; a fresh answer says nothing of the kind."""
    visit = Visit(browser, kits.base_url, DESKTOP)
    try:
        sign_in(visit, "ada")
        page = visit.page
        answer = ask(visit, KIT_QUESTION)
        assert answer.locator(".outdated-note").count() == 0
        updated = KIT_NOTES.replace("32 euros", "34 euros")
        assert kits.services.ingestor.ingest(updated.encode(), "kits.md", course_id=1).outcome == "replaced"
        page.reload()
        page.wait_for_selector(CHAT_READY)
        note = page.locator(".message.assistant .outdated-note")
        note.filter(has_text="kits.md has changed since this answer").wait_for()
        assert "Ask again" in note.inner_text()
        assert ask(visit, KIT_QUESTION).locator(".outdated-note").count() == 0
    finally:
        visit.close()


@real
def test_a_reopened_refusal_says_its_related_reading_changed_since(browser, kits):
    """A refusal whose related reading's document changed since said "what it quotes may no longer be in the
    course", though a refusal quotes nothing: it says the related passages listed may have changed."""
    visit = Visit(browser, kits.base_url, DESKTOP)
    try:
        sign_in(visit, "ada")
        page = visit.page
        refused = ask(visit, "What colour is the Heron-Amp kit's board?")
        assert "not-covered" in (refused.get_attribute("class") or "") and refused.locator(".related").count()
        updated = KIT_NOTES.replace("47 euros", "49 euros")
        assert kits.services.ingestor.ingest(updated.encode(), "kits.md", course_id=1).outcome == "replaced"
        page.reload()
        page.wait_for_selector(CHAT_READY)
        note = page.locator(".message.assistant.not-covered .outdated-note")
        note.filter(has_text="kits.md has changed since this answer").wait_for()
        assert "the related passages listed may have changed" in note.inner_text()
        assert "quotes" not in note.inner_text()
    finally:
        visit.close()


@real
def test_a_teacher_removes_a_member_and_archives_a_course_which_leaves_the_students_picker(visits, appliance):
    services = appliance.services
    lab = services.courses.create("Term Lab", services.accounts.named("ada")["id"])
    leaver = services.accounts.add("leaver", PASSWORD, "student")
    stayer = services.accounts.add("stayer", PASSWORD, "student")
    for student in (leaver, stayer):
        services.courses.add_member(1, student)
        services.courses.add_member(lab["id"], student)
    teacher = visits()
    sign_in(teacher, "ada")
    page = teacher.page
    nav(page, "Courses").click()
    card = page.locator(".course", has_text="Term Lab")
    card.locator("summary", has_text="Members").click()
    card.get_by_role("button", name="Remove leaver from Term Lab").click()
    card.get_by_role("button", name="Remove leaver").click()
    card.locator("summary", has_text="Members (2)").wait_for()
    assert [m["username"] for m in services.courses.members(lab["id"])] == ["ada", "stayer"]
    card.get_by_role("button", name="Archive at end of term").click()
    page.locator(".course", has_text="Term Lab").locator(".status-pill", has_text="archived").wait_for()
    assert page.locator("#course-select option", has_text="Term Lab (archived)").count() == 1
    check_accessibility(teacher, "courses with an archived one")
    student = visits()
    sign_in(student, "stayer")
    options = student.page.locator("#course-select option").all_inner_texts()
    assert "Term Lab" not in " ".join(options) and options


@real
def test_an_admin_deletes_a_course_once_its_name_is_typed_and_a_teacher_is_offered_no_delete(visits, appliance):
    """A course at the end of its life could only be archived: an admin deletes it on the Courses screen, typing its
    name first; its teacher, and the default course, are offered no delete."""
    services = appliance.services
    services.accounts.add("dean", PASSWORD, "admin")
    lab = services.courses.create("Old Lab 2025", services.accounts.named("ada")["id"])
    services.ingestor.ingest(b"# Old\n\nThe Vesper rig is retired.\n", "old.md", course_id=lab["id"])
    on_courses = {}
    for username in ("ada", "dean"):
        on_courses[username] = visits()
        sign_in(on_courses[username], username)
        nav(on_courses[username].page, "Courses").click()
        on_courses[username].page.locator(".course", has_text="Old Lab 2025").wait_for()
    assert on_courses["ada"].page.get_by_role("button", name=re.compile("^Delete")).count() == 0
    admin = on_courses["dean"]
    page = admin.page
    card = page.locator(".course", has_text="Old Lab 2025")
    card.get_by_role("button", name="Delete Old Lab 2025").click()
    assert page.locator(".course[data-course='1']").get_by_role("button", name=re.compile("^Delete")).count() == 0
    typed = card.get_by_label("Type “Old Lab 2025” to delete it")
    typed.fill("Old Lab")
    card.get_by_role("button", name="Delete for good").click()
    card.get_by_role("status").filter(has_text="confirm with its name: Old Lab 2025").wait_for()
    check_accessibility(admin, "courses, deleting one")
    typed.fill("Old Lab 2025")
    card.get_by_role("button", name="Delete for good").click()
    card.wait_for(state="detached")
    assert services.database.documents([lab["id"]]) == []
    assert "Old Lab 2025" not in " ".join(page.locator("#course-select option").all_inner_texts())
