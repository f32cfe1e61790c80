"""The journeys of issue 15 on the real page, in a real browser (``harness.py``), offline.

Each test drives the page by its visible labels (``sim/app/page.py``'s docstring) and asserts on
what a person would see change: the status line, the offers' probabilities, the why sentence,
the events timeline, the teacher's table, the red message, the downloaded debrief. Every
distinct view is saved by ``snap`` into ``outputs/test-artefacts/app/``. Each ``new_page`` is a
new browser context: another person (a teacher, a student) with cookies of its own.
"""

import re
from pathlib import Path

import pytest
from harness import UI_TIMEOUT, has_real_page, snap, solara_ready
from playwright.sync_api import expect
from test_upload import GOOD  # the valid scenario file of the upload tests

pytestmark = pytest.mark.skipif(not has_real_page(), reason="sim/app/page.py does not exist yet")

STATUS = re.compile(r"Step (\d+) of (\d+), date (\d{4}-\d\d-\d\d)")
VIEWPORT = {"width": 1280, "height": 900}


# -- driving the page ------------------------------------------------------------------------------


def shot(page, name: str) -> None:
    """``snap`` of the whole view: Solara scrolls inside its main area (``full_page`` alone gives
    the window), so the window is stretched to the content's height for the picture."""
    size = page.viewport_size
    height = page.evaluate(
        "() => (document.querySelector('.solara-content-main > div') || {}).scrollHeight || 0"
    )
    if height > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": min(height, 8000)})
    snap(page, name)
    page.set_viewport_size(size)


def open_page(new_page, server):
    """The page at its first view ("Play alone"), rendered."""
    page = new_page(server.url, viewport=VIEWPORT)
    solara_ready(page)
    page.get_by_text(STATUS).wait_for()
    return page


def status(page) -> tuple[int, int, str]:
    """(step, steps, date) of the status line."""
    m = STATUS.search(page.get_by_text(STATUS).inner_text())
    return int(m[1]), int(m[2]), m[3]


def wait_step(page, step: int) -> None:
    page.get_by_text(re.compile(rf"Step {step} of \d+, date")).wait_for()


def button(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def select(page, label: str, option: str) -> None:
    """Pick ``option`` in the v-select labelled ``label``."""
    field = page.get_by_role("combobox").filter(has_text=re.compile(rf"^{re.escape(label)}"))
    field.click()
    page.get_by_role("option", name=option, exact=True).click()
    field.filter(has_text=option).wait_for()


def slider(page, label: str):
    return page.locator(".sim-slider, .v-slider", has_text=label).get_by_role("slider")


def pick_column(page):
    """The cells of the "the model would pick it" column of the play panel's table."""
    table = page.locator("table", has_text="the model would pick it")
    return table.locator("tbody tr td:last-child")


def probabilities(page) -> list[int]:
    """That column, in percent."""
    pick_column(page).first.wait_for()
    return [int(t.rstrip("%")) for t in pick_column(page).all_inner_texts()]


def why_sentence(page) -> str:
    """The sentence under "Why" (its paragraph starts with the step's date in bold)."""
    card = page.locator(".v-card", has_text="Why: state")
    return card.locator("p", has=page.locator("strong")).first.inner_text()


def events(page) -> list[str]:
    """The lines of the "Events" timeline."""
    timeline = page.locator("ul", has=page.locator("li", has_text="◀ now"))
    return timeline.locator("li").all_inner_texts()


def error_box(page):
    """The page's red message box (Vuetify's inputs have empty role=alert parts of their own)."""
    return page.locator(".v-alert.text-error")


def open_room(new_page, server, name: str):
    """A teacher's page with a room opened; (page, code)."""
    page = open_page(new_page, server)
    button(page, "Teacher").click()
    page.get_by_label("Teacher key", exact=True).fill(server.key)
    button(page, "Open room").click()
    room = page.get_by_text(re.compile(r"^Room code: [A-Z0-9]{5}$"))
    room.wait_for()
    wait_step(page, 0)
    shot(page, name)
    return page, room.inner_text().split()[-1]


def join(new_page, server, code: str, state: str):
    """A student's page joined to room ``code`` playing ``state``."""
    page = open_page(new_page, server)
    button(page, "Student").click()
    page.get_by_label("Join code").fill(code)
    select(page, "State to play", state)
    button(page, "Join").click()
    page.get_by_text(f"in room {code}.").wait_for()
    wait_step(page, 0)
    return page


def inject(page, kind: str, fields: dict, key: str | None = None) -> None:
    """Fill the shock form and press "Inject shock"."""
    select(page, "Event type", kind)
    for name, text in fields.items():
        page.get_by_label(name, exact=True).fill(text)
    if key is not None:
        page.get_by_label("Teacher key (for shocks)").fill(key)
    button(page, "Inject shock").click()


def in_view(locator) -> bool:
    """The element is (at least partly) inside the window, as scrolled now."""
    return locator.evaluate(
        "e => { const r = e.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; }"
    )


def table_row(page, state: str) -> str:
    """The row of ``state`` ("Russia (RUS)") in the teacher's "States and choices" table."""
    table = page.locator("table", has_text="the model decides")
    return table.get_by_role("row").filter(has_text=state).inner_text()


# -- play alone ------------------------------------------------------------------------------------


def test_a_slider_applies_when_reset_is_pressed(app_server, new_page):
    """lam at 0 is a uniform choice: after Reset every offer has the same probability."""
    page = open_page(new_page, app_server)
    shot(page, "alone-loaded")
    before = probabilities(page)
    assert len(set(before)) > 1, before  # lam 2.5: some alternatives far likelier than others
    assert page.locator(".sim-slider").count() == 0  # the sliders are shown on request
    page.get_by_label("Change the parameters").check()
    lam = slider(page, "How carefully states choose (lam")
    assert lam.get_attribute("aria-valuenow") == "2.5"  # the default, configs/decision/logit.yaml
    lam.focus()
    page.keyboard.press("Home")
    page.wait_for_function(
        "(e) => e.getAttribute('aria-valuenow') === '0'", arg=lam.element_handle()
    )
    page.wait_for_timeout(500)
    assert probabilities(page) == before  # "Sliders apply when you press Reset."
    button(page, "Reset").click()
    share = round(100 / len(before))
    expect(pick_column(page)).to_have_text([f"{share}%"] * len(before))
    assert probabilities(page) == [share] * len(before)
    assert status(page)[0] == 0
    assert lam.get_attribute("aria-valuenow") == "0"  # the slider keeps the value it set
    page.get_by_label("Change the parameters").uncheck()
    expect(page.get_by_text("Played with 1 changed: How carefully")).to_be_visible()
    shot(page, "alone-after-reset-lam-0")


def drop_file(page, name: str, text: str) -> None:
    """Drop a file on the page's "Upload a scenario file" zone: a drop event carrying the file.

    A headless browser cannot be dragged a file from the desktop, and Playwright's
    set_input_files needs an <input>, which Solara's zone has not. A file put into a
    DataTransfer by a script has no file-system entry (``webkitGetAsEntry()`` is null for it,
    which Solara's zone reads), so the test gives such an item the entry a dragged file has;
    everything after it (reading the file in chunks over the websocket, our parsing and
    validation, the page's message) is the real path."""
    zone = page.locator(".solara-file-drop")  # its text is the last file's name once dropped
    transfer = page.evaluate_handle(
        """([name, text]) => {
          const t = new DataTransfer();
          const file = new File([text], name, {type: "application/x-yaml"});
          t.items.add(file);
          const entry = DataTransferItem.prototype.webkitGetAsEntry;
          DataTransferItem.prototype.webkitGetAsEntry = function () {
            const found = entry.call(this);
            const own = this.getAsFile();
            return found || (own && { isFile: true, file: (done) => done(own) });
          };
          return t;
        }""",
        [name, text],
    )
    zone.dispatch_event("drop", {"dataTransfer": transfer})


def test_an_uploaded_scenario_runs_and_a_bad_one_is_one_line(app_server, new_page):
    page = open_page(new_page, app_server)
    drop_file(page, "my_class.yaml", GOOD)
    page.get_by_text(re.compile(r"^my_class: Step 0 of \d+")).wait_for()
    expect(error_box(page)).to_have_count(0)
    button(page, "Step").click()
    page.get_by_text(re.compile(r"^my_class: Step 1 of")).wait_for()
    field = page.get_by_role("combobox").filter(has_text=re.compile(r"^Scenario"))
    expect(field).to_contain_text("my_class")  # the list shows what is played
    shot(page, "alone-uploaded-scenario")
    button(page, "Reset").click()  # starts the uploaded scenario again, not the library's
    page.get_by_text(re.compile(r"^my_class: Step 0 of")).wait_for()
    expect(error_box(page)).to_have_count(0)
    button(page, "Step").click()
    page.get_by_text(re.compile(r"^my_class: Step 1 of")).wait_for()
    drop_file(page, "evil.yaml", GOOD + "x:\n  _target_: os.system\n")
    expect(error_box(page)).to_have_count(1)
    message = error_box(page).inner_text()
    assert "_target_" in message and "\n" not in message.strip(), message
    assert status(page)[0] == 1  # the run in play is left as it was
    shot(page, "alone-upload-refused")


def test_step_advances_the_status_line(app_server, new_page):
    page = open_page(new_page, app_server)
    step, steps, date = status(page)
    assert (step, steps, date) == (0, 22, "2019-11-04")
    button(page, "Step").click()
    wait_step(page, 1)
    assert status(page) == (1, 22, "2019-11-11")
    button(page, "Step").click()
    wait_step(page, 2)
    assert status(page)[0] == 2 and status(page)[2] > "2019-11-11"
    shot(page, "alone-after-step")


def chart_texts(page, title: str) -> list[dict]:
    """The texts of the Vega-Lite chart titled ``title`` as the browser drew them (SVG), each
    with its box on the screen."""
    chart = page.locator(".vega-embed", has_text=title)
    chart.locator("svg").wait_for()
    return chart.locator("svg text").evaluate_all(
        """ts => ts.filter(t => t.textContent.trim()).map(t => {
               const r = t.getBoundingClientRect();
               return {text: t.textContent, x0: r.left, y0: r.top, x1: r.right, y1: r.bottom};
           })"""
    )


def test_the_board_is_drawn_by_the_browser_and_follows_the_steps(app_server, new_page):
    """The three charts are Vega-Lite, drawn as SVG in the page: the stances graph's values and
    state codes do not overlap, and a step adds a point to every relation's line."""
    page = open_page(new_page, app_server)
    button(page, "Step").click()
    wait_step(page, 1)
    graph = chart_texts(page, "Stances (arrow")
    shown = {t["text"] for t in graph}
    assert {"RUS", "ISR", "IRN", "USA"} <= shown
    values = [t for t in graph if re.fullmatch(r"[+-]\d\.\d\d", t["text"])]
    assert len(values) >= 6  # the arrows drawn, each with its value
    for k, a in enumerate(graph):
        for b in graph[k + 1 :]:
            apart = (a["x1"] <= b["x0"] + 1 or b["x1"] <= a["x0"] + 1
                     or a["y1"] <= b["y0"] + 1 or b["y1"] <= a["y0"] + 1)  # fmt: skip
            assert apart, (a, b)
    lines = page.locator(".vega-embed", has_text="Relations (the mean").locator("g.mark-line path")
    expect(lines).to_have_count(6)  # one per pair of the four states
    first = lines.first.get_attribute("d")
    button(page, "Step").click()  # the same chart, new rows: swapped into the drawn view
    wait_step(page, 2)
    expect(lines.first).not_to_have_attribute("d", first)
    assert lines.first.get_attribute("d").count("L") > first.count("L")  # a point more
    assert "no step played yet" not in {t["text"] for t in chart_texts(page, "Payoffs")}
    button(page, "Reset").click()
    wait_step(page, 0)
    page.locator(".vega-embed", has_text="no step played yet").first.wait_for()
    shot(page, "alone-board-after-reset")


def test_the_why_panel_explains_a_states_choice(app_server, new_page):
    page = open_page(new_page, app_server)
    page.get_by_text("Play a step first").wait_for()
    button(page, "Step").click()
    wait_step(page, 1)
    page.get_by_role("combobox").filter(has_text="Why: state").wait_for()
    first = why_sentence(page)
    assert first.startswith("2019-11-04. Russia "), first  # the first state, by default
    select(page, "Why: state", "IRN")
    page.locator(".v-card", has_text="Why: state").get_by_text("2019-11-04. Iran ").wait_for()
    sentence = why_sentence(page)
    assert re.search(r"\b(because|even though|came to the same)\b", sentence), sentence
    assert "expected utility" in sentence and "probability" in sentence, sentence
    assert "(a player's choice)" not in sentence  # the model chose for Iran
    chosen = page.locator(".v-card", has_text="Why: state").get_by_role("row", name="chosen")
    assert chosen.count() == 1
    shot(page, "why-panel")


RUSSIA_PLAYS = [  # (button, what the why sentence says Russia did); none the model's favourite
    ("Choose strike:USA", "struck the United States"),
    ("Choose condemn:ISR", "condemned Israel"),
    ("Choose sanction:IRN", "sanctioned Iran"),
]


def test_three_turns_as_russia(app_server, new_page):
    page = open_page(new_page, app_server)
    select(page, "Play as", "ISR")
    page.get_by_text("Your move as Israel").wait_for()
    select(page, "Play as", "RUS")
    page.get_by_text("Your move as Russia").wait_for()
    for turn, (name, _) in enumerate(RUSSIA_PLAYS, start=1):
        button(page, name).click()
        wait_step(page, turn)
    assert status(page)[0] == 3
    shot(page, "alone-three-turns-as-russia")
    card = page.locator(".v-card", has_text="Why: state")
    step = slider(page, "Why: step")
    dates = []
    for turn, (_, did) in enumerate(RUSSIA_PLAYS, start=1):
        if turn > 1:
            step.focus()
            page.keyboard.press("ArrowRight")
        card.get_by_text(re.compile(rf"Russia \(a player's choice\) {did} ")).wait_for()
        sentence = why_sentence(page)
        assert f"Russia (a player's choice) {did} " in sentence, (turn, sentence)
        chosen = card.locator("tr", has_text="chosen").inner_text().split("\t")[0]
        assert chosen == RUSSIA_PLAYS[turn - 1][0].removeprefix("Choose "), chosen
        dates.append(sentence[:10])
        shot(page, f"alone-why-russia-step-{turn}")
    assert dates == sorted(set(dates)), dates  # three different steps


def test_debrief_downloads_as_one_self_contained_html_file(app_server, new_page):
    page = open_page(new_page, app_server)
    button(page, "Choose strike:USA").click()
    wait_step(page, 1)
    button(page, "Step").click()
    wait_step(page, 2)
    page.get_by_label("Replays").fill("3")
    button(page, "Debrief").click()
    page.get_by_role("heading", name="Debrief: jan2020").wait_for(timeout=90_000)
    body = page.locator(".debrief")
    assert "3 replays with other seeds" in body.inner_text()
    shot(page, "debrief")
    with page.expect_download() as download:
        button(page, "Download debrief").click()
    assert download.value.suggested_filename == "debrief.html"
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    for heading in ("<h1>Debrief: jan2020</h1>", "<h2>The players against the model</h2>",
                    "<h2>Turning points</h2>", "<h2>Why the others acted</h2>"):  # fmt: skip
        assert heading in text, heading
    assert "2 of 22 steps played" in text
    assert "<b>Russia (RUS)</b>: the class earned" in text
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", text, re.I)
    assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", text, re.I)
    images = re.findall(r"<img [^>]*src='([^']*)'", text)
    assert images and all(src.startswith("data:image/png;base64,") for src in images)
    offline = new_page(viewport=VIEWPORT)  # guarded: a request for anything outside is counted
    offline.set_content(text)
    offline.get_by_role("heading", name="Turning points").wait_for()
    snap(offline, "debrief-file")


# -- a class: teacher and students -----------------------------------------------------------------


def test_the_teacher_injects_a_shock(app_server, new_page):
    page, _ = open_room(new_page, app_server, "teacher-room")
    label = "Teacher's sanctions on Iran"
    assert not [e for e in events(page) if label in e]
    select(page, "Event type", "sanctions")
    form = page.locator(".v-card", has_text="Shock (teacher only)")
    fields = form.locator(".v-text-field:not(.v-select) label.v-field-label--floating")
    names = ["label", "imposer", "target", "level", "action"]  # the fields, no class constants
    expect(fields).to_have_text(names, timeout=UI_TIMEOUT)
    inject(page, "sanctions", {"imposer": "USA", "target": "IRN", "level": "40", "label": label})
    line = page.locator("li", has_text=label)
    line.wait_for()
    assert error_box(page).count() == 0
    assert re.fullmatch(
        rf"· 2019-11-04 \(step 1\): {label} \(teacher's shock\)", line.inner_text().strip()
    ), line.inner_text()
    shot(page, "teacher-shock-injected")
    button(page, "Advance step").click()
    wait_step(page, 1)
    page.locator("li", has_text=label).filter(has_text="✔").wait_for()  # it happened
    shot(page, "teacher-shock-happened")


def test_a_student_cannot_inject_a_shock(app_server, new_page):
    teacher, code = open_room(new_page, app_server, "teacher-room-for-student")
    student = join(new_page, app_server, code, "ISR")
    page_events = events(student)
    shot(student, "student-joined")
    label = "A student's oil shock"
    for key, name in ((None, "no-key"), ("not-the-key", "wrong-key")):
        inject(student, "oil_shock", {"change": "5", "label": label}, key)
        box = error_box(student)
        box.wait_for()
        text = box.inner_text().strip()
        assert text == "only the teacher can inject a shock (wrong or missing teacher key)"
        color = box.evaluate("e => getComputedStyle(e).color")  # rgb(r, g, b)
        r, g, b = (int(x) for x in re.findall(r"\d+", color)[:3])
        assert r > 150 and g < 80 and b < 80, color  # red
        assert "\n" not in text
        assert box.is_visible() and in_view(box)  # kept in sight while scrolled to the form
        assert student.get_by_label("label", exact=True).input_value() == label  # not dropped
        assert events(student) == page_events
        shot(student, f"student-shock-refused-{name}")
    assert status(student)[0] == 0 and status(teacher)[0] == 0
    button(teacher, "Advance step").click()  # both views redrawn from the room as it is now
    for page in (teacher, student):
        wait_step(page, 1)
        assert not [e for e in events(page) if label in e]
    assert len(events(student)) == len(page_events)  # the same events, "now" one line further


def test_two_students_in_one_room_resolve_a_step_together(app_server, new_page):
    teacher, code = open_room(new_page, app_server, "teacher-room-two-students")
    russia = join(new_page, app_server, code, "RUS")
    israel = join(new_page, app_server, code, "ISR")
    russia.get_by_text("You play Russia in room").wait_for()
    israel.get_by_text("You play Israel in room").wait_for()
    teacher.locator("table").get_by_role("row", name=re.compile(r"Israel \(ISR\) 1")).wait_for()
    assert "waiting for a choice" in table_row(teacher, "Russia (RUS)")
    button(russia, "Choose strike:USA").click()
    russia.get_by_text("Your choice is in: strike:USA;").wait_for()
    russia.get_by_text("Waiting for: Israel (ISR).").wait_for()  # the other human state
    israel.get_by_text("Choose a move for Israel.").wait_for()
    teacher.locator("table").get_by_role("row", name=re.compile("strike:USA")).wait_for()
    assert status(teacher)[0] == status(russia)[0] == status(israel)[0] == 0
    assert "waiting for a choice" in table_row(teacher, "Israel (ISR)")
    shot(russia, "student-russia-chose")
    shot(teacher, "teacher-one-of-two-chose")
    button(israel, "Choose engage:RUS").click()
    for page in (israel, russia, teacher):
        wait_step(page, 1)
    last = {c: table_row(teacher, c).split("\t") for c in ("Russia (RUS)", "Israel (ISR)")}
    assert last["Russia (RUS)"][1:] == ["1", "waiting for a choice", "strike:USA"], last
    assert last["Israel (ISR)"][1:] == ["1", "waiting for a choice", "engage:RUS"], last
    assert "the model decides" in table_row(teacher, "Iran (IRN)")
    shot(teacher, "teacher-step-resolved")
    shot(israel, "student-israel-after-step")


def test_two_rooms_do_not_affect_each_other(app_server, new_page):
    first, code_a = open_room(new_page, app_server, "two-rooms-first-teacher")
    second, code_b = open_room(new_page, app_server, "two-rooms-second-teacher")
    assert code_a != code_b
    inject(first, "oil_shock", {"change": "3", "label": "Only in the first room"})
    first.locator("li", has_text="Only in the first room").wait_for()
    button(first, "Advance step").click()
    wait_step(first, 1)
    button(first, "Advance step").click()
    wait_step(first, 2)
    inject(second, "oil_shock", {"change": "-0.5", "label": "Only in the second room"})
    second.locator("li", has_text="Only in the second room").wait_for()  # redrawn since
    assert status(second)[0] == 0
    assert not [e for e in events(second) if "first room" in e]
    assert status(first)[0] == 2
    assert not [e for e in events(first) if "second room" in e]
    shot(first, "two-rooms-first-after-advancing")
    shot(second, "two-rooms-second-untouched")
    # the first teacher looks at the second room (drawn afresh from the server's rooms)
    select(first, "Room", code_b)
    first.get_by_text(f"Room code: {code_b}").wait_for()
    wait_step(first, 0)
    first.locator("li", has_text="Only in the second room").wait_for()
    assert not [e for e in events(first) if "first room" in e]
    select(first, "Room", code_a)
    first.get_by_text(f"Room code: {code_a}").wait_for()
    wait_step(first, 2)
    shot(first, "two-rooms-first-teacher-back-in-first")
