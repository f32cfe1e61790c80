"""The page builds and its buttons work, without a browser (``solara.render``, then the widgets
are clicked as a browser's events would)."""

import ipyvuetify as v
import pytest
import solara

from sim.app import classroom
from sim.app.library import library
from sim.app.page import Page

KEY = "teacher-key-for-page-tests"


@pytest.fixture
def page():
    classroom.set_teacher_key(KEY)
    box, rc = solara.render(Page(), handle_error=False)
    yield rc
    rc.close()


def button(rc, label):
    return rc.find(v.Btn, children=[label])


def text_of(rc) -> str:
    return " ".join(str(w.children) for w in rc.find(v.Html).widgets) + " ".join(
        str(getattr(w, "v_model", "")) for w in rc.find(v.TextField).widgets
    )


def status(rc) -> str:
    return " ".join(str(w.children) for w in rc.find(v.Html).widgets if "Step " in str(w.children))


def test_page_builds_and_steps_with_default_parameters(page):
    assert "Step 0 of 22" in status(page)
    button(page, "Step").widget.click()
    assert "Step 1 of 22" in status(page)
    button(page, "Choose wait").widget.click()  # the play panel: a human step as Russia
    assert "Step 2 of 22" in status(page)
    button(page, "Reset").widget.click()
    assert "Step 0 of 22" in status(page)


@pytest.mark.parametrize("name", library())
def test_page_builds_for_every_scenario_and_after_reset(page, name):
    select = page.find(v.Select, label="Scenario").widget
    select.v_model = name
    assert f"{name}: Step 0" in status(page)
    button(page, "Step").widget.click()
    assert f"{name}: Step 1" in status(page)
    button(page, "Reset").widget.click()
    assert f"{name}: Step 0" in status(page)


def fill(rc, label, value):
    rc.find(v.TextField, label=label).widget.v_model = value


def test_teacher_opens_a_room_a_student_joins_plays_and_cannot_inject(page):
    button(page, "Teacher").widget.click()
    fill(page, "Teacher key", KEY)
    button(page, "Open room").widget.click()
    code = next(
        str(w.children).split("Room code: ")[1][:5]
        for w in page.find(v.Html).widgets
        if "Room code: " in str(w.children)
    )
    room = classroom.room(code)
    student_box, student = solara.render(Page(), handle_error=False)
    try:
        button(student, "Student").widget.click()
        fill(student, "Join code", code.lower())
        button(student, "Join").widget.click()
        assert room.human_states() == ["RUS"]
        button(student, "Choose wait").widget.click()
        assert room.session.step_number == 1  # the only held state chose: the step resolved
        assert room.session.history[0].label == "wait" and room.session.history[0].human
        student.find(v.Select, label="Event type").widget.v_model = "oil_shock"
        fill(student, "change", "0.5")
        fill(student, "Teacher key (for shocks)", "guess")
        button(student, "Inject shock").widget.click()
        assert room.session.injected == []
        assert student.find(v.Alert).widget  # the refusal is shown
        # the teacher's form holds the key: the shock goes in
        page.find(v.Select, label="Event type").widget.v_model = "oil_shock"
        fill(page, "change", "0.5")
        button(page, "Inject shock").widget.click()
        assert len(room.session.injected) == 1
        button(page, "Advance step").widget.click()
        assert room.session.step_number == 2
    finally:
        student.close()


def test_debrief_is_offered_for_download(page):
    for _ in range(3):
        button(page, "Choose wait").widget.click()
    button(page, "Debrief").widget.click()
    assert button(page, "Debrief").widget.disabled  # the replays run in a thread meanwhile
    page.find(v.ProgressLinear).assert_single()
    page.find(v.Btn, children=["Debrief"], disabled=False).wait_for(timeout=60)  # done
    labels = [w.children for w in page.find(v.Btn).widgets]
    assert any("Download debrief" in c for c in labels)
    shown = " ".join(w.unsafe_innerHTML or "" for w in page.find(solara.widgets.HTML).widgets)
    assert "The players against the model" in shown and "Russia (RUS)" in shown


def test_play_steps_until_pause(page):
    import time

    button(page, "Play").widget.click()
    deadline = time.monotonic() + 20
    while "Step 0 of" in status(page) and time.monotonic() < deadline:
        time.sleep(0.1)
    button(page, "Pause").widget.click()
    time.sleep(1.0)  # a step under way finishes
    paused = status(page)
    assert "Step 0 of" not in paused
    time.sleep(1.5)
    assert status(page) == paused


def test_a_step_leaves_nothing_for_the_collector_at_the_servers_thresholds(page):
    """``sim.app.server.GC_THRESHOLDS``: a teacher's steps hold their objects only until the
    render pass ends; at Python's thresholds (700, 10, 10) collections find them alive and
    promote them (which, with 30 rooms, led to full collections of 0.4-1.5 s), at the server's
    none runs at all."""
    import collections
    import gc

    from sim.app import server

    button(page, "Teacher").widget.click()
    fill(page, "Teacher key", KEY)
    button(page, "Open room").widget.click()
    step = button(page, "Advance step").widget
    step.click()
    seen = {}
    before = gc.get_threshold()
    try:
        for thresholds in [(700, 10, 10), server.GC_THRESHOLDS]:
            gc.collect()
            gc.set_threshold(*thresholds)
            count = collections.Counter()

            def note(phase, info, count=count):
                if phase == "start":
                    count[info["generation"]] += 1

            gc.callbacks.append(note)
            try:
                for _ in range(8):
                    step.click()
            finally:
                gc.callbacks.remove(note)
            seen[thresholds] = sum(count.values())
    finally:
        gc.set_threshold(*before)
    assert seen[(700, 10, 10)] >= 2, seen
    assert seen[server.GC_THRESHOLDS] == 0, seen


def test_a_students_note_names_their_move_and_whom_the_step_waits_for():
    from sim.app.page import waiting_note

    names = {"RUS": "Russia", "ISR": "Israel", "IRN": "Iran"}
    status = {"humans": {"RUS": 1, "ISR": 2, "IRN": 1}, "chosen": ["RUS"]}
    assert waiting_note(status, "RUS", names, "mediate:IRN-USA") == (
        "Your choice is in: mediate:IRN-USA; you can change it until the step resolves. "
        "Waiting for: Israel (ISR), Iran (IRN)."
    )
    assert waiting_note(status, "ISR", names) == (
        "Choose a move for Israel. Waiting for: Iran (IRN)."
    )
    alone = {"humans": {"RUS": 1}, "chosen": ["RUS"]}
    assert waiting_note(alone, "RUS", names, "wait").endswith(
        "Waiting for the teacher to advance the step."
    )
