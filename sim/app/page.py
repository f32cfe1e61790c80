"""The classroom page (``sim-app`` serves ``sim.app.page:Page``): a plain Solara page.

Not Mesa's SolaraViz, which renders only its sidebar with the pinned ipyvue 3 (mesa issue
#3806); the play loop follows Mesa's ModelController (a thread that steps while playing). Every
model is built per browser session (``use_memo`` in the component) or belongs to a room
(``sim.app.classroom``): nothing is built at module level, so two browsers never share one by
accident. What a teacher may do is checked by ``sim.app.classroom``, not by this page.

Labels (stable visible texts, for the browser tests):

- mode buttons: "Play alone", "Teacher", "Student"
- controls: select "Scenario"; buttons "Reset", "Step" ("Advance step" in a teacher's room),
  "Play", "Pause"; switch "Change the parameters", which shows the sliders, each in a
  ``.sim-slider`` box under a line "<label>: <value>"
  ("How carefully states choose (lam: ...)", "Russia: weight of prestige", "Brent up 4%:
  change", ...); file drop "Upload a scenario file (YAML)"
- status line: text "<scenario>: Step T of N, date YYYY-MM-DD" (a game: "round R")
- board: Vega-Lite charts (SVG) titled "Stances (arrow: ...", "Relations (the mean ...",
  "Payoffs (...", the stances beside the move panel; "Events" timeline (current date marked
  "◀ now")
- why panel: select "Why: state", slider "Why: step", the sentence under "Why"
- play panel: select "Play as" (alone), switch "Show predicted payoffs"; one button per
  available action, "Choose <label>" (e.g. "Choose wait", "Choose mediate:IRN-USA")
- teacher: input "Teacher key", button "Open room" (then text "Room code: XXXXX"), select
  "Room", button "Advance step", switch "Show predicted payoffs to students", the table
  "States and choices"
- student: the note over the moves: "Choose a move for <state>." or "Your choice is in; ...",
  then "Waiting for: <state> (<code>), ..." (the other human states still to choose)
- student: input "Join code", select "State to play", button "Join" (then text "You play ...")
- shock form: select "Event type", one input per parameter of the type ("change",
  "imposer", "target", "level", "label", ...),
  input "Teacher key (for shocks)" where the page does not hold the key, button "Inject shock"
- debrief: input "Replays", button "Debrief", button "Download debrief"
- messages: errors shown in a red box, one line
"""

from contextlib import contextmanager
from dataclasses import fields as fields_of

import reacton.core
import solara

from sim.app import classroom, markup
from sim.app.chart import Chart as ChartWidget
from sim.app.charts import payoffs_over_time, relations_over_time, stance_graph
from sim.app.debrief import debrief
from sim.app.explain import explain_state
from sim.app.library import DEFAULT_SCENARIO, library
from sim.app.session import Session
from sim.app.upload import load as load_upload
from sim.core.events import EVENT_TYPES
from sim.errors import ConfigError

REFUSED = (ConfigError, classroom.ClassroomError, ValueError)
PLAY_INTERVAL = 0.6  # seconds between steps while playing: slow enough to read the board


def _message(set_error, action):
    """Run ``action()``; a refusal becomes the page's one-line message. True when it ran."""
    try:
        action()
    except REFUSED as e:
        set_error(str(e).splitlines()[0])
        return False
    set_error("")
    return True


@solara.component
def Message(error: str):
    """The red one-line message, in a slot of its own that is always there: a message appearing
    or going does not shift the view's other parts (which would remount them and drop what was
    typed in them), and it sticks to the top while the page scrolls, so it is seen."""
    with solara.Column(style={"position": "sticky", "top": "0", "z-index": "5"}):
        if error:
            solara.Error(error)


class Tick:
    """A view's redraw counter. Only the parts that read it while drawing (``tick.read()``:
    the status, the board, the move panel) are drawn again on ``tick.redraw()``: Solara
    subscribes a component to the reactive values its render reads. The sliders and forms
    around them are not, which keeps a step's work on the server small (every room's step
    waits on the one Python process)."""

    def __init__(self):
        self.count = solara.reactive(0)
        self.context = None  # the render context of the view, set as it draws

    def read(self) -> int:
        return self.count.value

    def redraw(self) -> None:
        """In one render pass: without the render context's batch, each part that reads the
        counter would start a pass of its own over the whole page."""
        with self.context:
            self.count.value += 1


def use_tick() -> Tick:
    tick = solara.use_memo(Tick, [])
    tick.context = reacton.core.get_render_context()
    return tick


@solara.component
def Status(session: Session, tick: Tick):
    tick.read()
    kind = "round" if session.is_game else "date"
    date = session.date.removeprefix("round ")
    over = " (the scenario is over)" if session.done else ""
    solara.Text(
        f"{session.scenario}: Step {session.step_number} of {session.steps}, {kind} {date}{over}"
    )


def use_room_tick(room):
    """The room's redraw counter and a function that redraws at once (after this view's own
    change). A thread redraws when the room changes otherwise (another browser chose, the
    teacher advanced); it compares with the version last drawn, so one change is drawn once.
    No room (a teacher who has not opened one): nothing to wait for."""
    tick = use_tick()
    drawn = solara.use_memo(lambda: [room.version if room else 0], [room])

    def now():
        drawn[0] = room.version if room else 0
        tick.redraw()

    def poll(cancel):
        while room is not None and not cancel.wait(0.5):
            if room.version != drawn[0]:
                now()

    solara.use_thread(poll, dependencies=[room], intrusive_cancel=False)
    return tick, now


@solara.component
def Controls(
    session: Session, tick: Tick, on_reset, on_step, playing, set_playing, set_error,
    step_label: str = "Step",
):  # fmt: skip
    """Scenario, parameters and the run's buttons; ``on_reset(scenario, values, config)``."""
    values, set_values = solara.use_state({})
    applied, set_applied = solara.use_state({})  # the values of the last Reset
    names = solara.use_memo(library, [])

    def choose_scenario(name):
        if name not in names:  # the uploaded scenario, shown in the list while it is played
            return
        set_values({})
        set_applied({})
        _message(set_error, lambda: on_reset(name, {}, None))

    def reset():
        if _message(set_error, lambda: on_reset(session.scenario, values, None)):
            set_applied(values)

    def upload(info):
        data = info["file_obj"].read(200_000)
        _message(set_error, lambda: on_reset(None, {}, load_upload(data, info["name"])))

    with solara.Card("Scenario and parameters"):
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
            with solara.Column(style={"min-width": "260px"}):
                ScenarioSelect(session, tick, names, choose_scenario)
            solara.Button("Reset", on_click=reset)
            StepButton(session, tick, step_label, lambda: _message(set_error, on_step), playing)
            solara.Button("Play", on_click=lambda: set_playing(True), disabled=playing)
            solara.Button("Pause", on_click=lambda: set_playing(False), disabled=not playing)
        Parameters(session, values, set_values, applied)
        solara.FileDrop(label="Upload a scenario file (YAML)", on_file=upload, lazy=True)


@solara.component
def ScenarioSelect(session: Session, tick: Tick, names: list, on_value):
    """The library's scenarios, and an uploaded one while it is played (drawn again at every
    reset: the upload changes what it shows)."""
    tick.read()
    solara.Select(
        "Scenario",
        value=session.scenario,
        values=names if session.scenario in names else [*names, session.scenario],
        on_value=on_value,
    )


@solara.component
def Parameters(session: Session, values: dict, set_values, applied: dict):
    """The sliders, shown on request. They are set before a run, not during it; and hidden
    they cost a step nothing: Reacton re-checks every widget on the page at every redraw, and
    the sliders were half of a teacher's step on the server (18 ms against 9 ms, in-process)."""
    shown, set_shown = solara.use_state(False)
    changed = [f"{p.label} {values[p.key]:.3g}" for p in session.parameters() if p.key in values]
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Switch(label="Change the parameters", value=shown, on_value=set_shown)
        if values != applied:
            solara.Text(f"Changed: {len(changed)}. They apply when you press Reset.")
        elif values:
            solara.Text(f"Played with {len(changed)} changed: {'; '.join(changed)}.")
    if not shown:
        return
    with solara.Row(style={"flex-wrap": "wrap"}):
        for p in session.parameters():
            value = values.get(p.key, p.value)
            with solara.Column(
                classes=["sim-slider"], style={"min-width": "270px", "flex": "1", "gap": "0"}
            ):
                solara.Text(f"{p.label}: {value:.3g}", style={"font-size": "0.9em"})
                solara.SliderFloat(
                    "",
                    value=value,
                    min=p.lo,
                    max=p.hi,
                    step=p.step,
                    on_value=lambda x, k=p.key: set_values({**values, k: x}),
                )


@solara.component
def StepButton(session: Session, tick: Tick, label: str, on_click, playing: bool):
    """The one button of the controls that a step changes (disabled at the end)."""
    tick.read()
    solara.Button(label, on_click=on_click, disabled=session.done or playing)


def use_play(playing, set_playing, step, done, bump):
    """Mesa's ModelController loop: step every PLAY_INTERVAL seconds while playing."""

    def loop(cancel):
        while playing and not cancel.wait(PLAY_INTERVAL):
            try:
                if done():
                    break
                step()
            except REFUSED:
                break
            bump()
        if playing:
            set_playing(False)

    solara.use_thread(loop, dependencies=[playing], intrusive_cancel=False)


class Sealed:
    """A value handed down the page that reacton does not look into. Reacton walks every
    list and dict among a component's arguments, looking for elements, and compares them item
    by item; a chart's spec holds hundreds of rows, and walking them was the largest part of a
    step's work on the server (py-spy, bench_app). Never equal to another: the chart is
    given its new spec on every draw, and the widget sends it only if it changed."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


@solara.component
def Chart(spec: Sealed):
    """A Vega-Lite chart (``sim.app.charts``): the browser draws it from the numbers."""
    element = ChartWidget.element()

    def draw():
        solara.get_widget(element).spec = spec.value

    solara.use_effect(draw, [spec])


@contextmanager
def beside_the_graph(session: Session, tick: Tick):
    """A row: what the ``with`` block draws (the move panel), then the stances graph; a choice
    next to what it acts on."""
    with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
        with solara.Column(style={"min-width": "380px", "flex": "1"}):
            yield
        StanceGraph(session, tick)


@solara.component
def StanceGraph(session: Session, tick: Tick):
    tick.read()
    if not session.is_game:
        Chart(Sealed(stance_graph(session.codes, session.stance())))


@solara.component
def Board(session: Session, tick: Tick):
    """The relation and payoff plots and the event timeline."""
    version = tick.read()
    codes, t, steps = session.codes, session.step_number, session.steps
    with solara.Row(style={"flex-wrap": "wrap"}):
        if not session.is_game:
            Chart(Sealed(relations_over_time(codes, session.model.record.stance[:t], steps)))
        ylabel = "cumulative payoff" if session.is_game else "cumulative utility"
        Chart(Sealed(payoffs_over_time(codes, session.cumulative(), ylabel, steps)))
    Timeline(session, version)


@solara.component
def Timeline(session: Session, version: int):
    events = session.timeline()
    if not events:
        return
    now = session.step_number + 1
    items, marked = [], False
    for e in events:
        if not marked and e["step"] >= now:
            items.append((f"◀ now: step {now}, {session.date}", True))
            marked = True
        done = "✔" if e["happened"] else "·"
        extra = f" ({e['outcome']})" if e["outcome"] else ""
        shock = " (teacher's shock)" if e["injected"] else ""
        items.append((f"{done} {e['date']} (step {e['step']}): {e['label']}{extra}{shock}", False))
    if not marked:
        items.append((f"◀ now: step {min(now, session.steps)}, {session.date}", True))
    solara.HTML(unsafe_innerHTML=markup.bullets(items, "Events"))


@solara.component
def WhyPanel(session: Session, tick: Tick):
    """Pick a state and a step: the expected utility of each alternative, split in three."""
    tick.read()
    code, set_code = solara.use_state(session.codes[0])
    step, set_step = solara.use_state(1)
    code = code if code in session.codes else session.codes[0]
    played = session.step_number
    step = min(max(step, 1), max(played, 1))
    with solara.Card("Why"):
        # the same widgets before the first step as after (disabled then): a room's first step
        # updates them instead of creating them, which cost the first step four times a step's
        # work on the server, when every room of a class takes it at once
        solara.Select(
            "Why: state", value=code, values=session.codes, on_value=set_code, disabled=not played
        )
        solara.SliderInt(
            "Why: step", value=step, min=1, max=max(played, 1), on_value=set_step,
            disabled=not played,
        )  # fmt: skip
        WhyText(session, code, step if played else 0)


@solara.component
def WhyText(session: Session, code: str, step: int):
    """A past step's reasons do not change as the run goes on: worked out once per step shown
    (the model is a new one after Reset). Step 0: none played yet."""

    def html():
        if step == 0:
            return "<p>Play a step first: then pick a state and a step to see why it acted.</p>"
        e = explain_state(session, code, step)
        strong = markup.strong(session.date_of(step) + ".")
        return f"<p>{strong} {markup.escape(e.sentence)}</p>" + _why_table(e)

    solara.HTML(unsafe_innerHTML=solara.use_memo(html, [session.model, code, step]))


def _why_table(e) -> str:
    rows = sorted(e.rows, key=lambda r: -r.value)
    rows = rows[:12] + [r for r in rows[12:] if r.chosen]  # the chosen one even if far down
    first = "action" if rows and rows[0].parts is None else "alternative"
    return _payoff_table(rows, first, "probability", chosen=True)


def _payoff_table(rows: list, first: str, share: str, chosen=False, caption="") -> str:
    """One row per alternative (an ``explain`` row or an ``Offer``, in the order given): its
    label, its expected utility split in three and total (a game: one expected payoff), the
    probability the rule gives it, and "chosen" where ``chosen``."""
    game = rows[0].parts is None
    values = ["expected payoff"] if game else ["security", "economy", "prestige", "total"]
    head = [first, *values, share, *([""] if chosen else [])]
    body = [
        [r.label, *([] if game else (f"{p:+.2f}" for p in r.parts)), f"{r.value:+.2f}",
         f"{r.probability:.0%}", *([("chosen" if r.chosen else "")] if chosen else [])]
        for r in rows
    ]  # fmt: skip
    return markup.table(head, body, caption=caption)


PICK_HEADER = "the model would pick it"


@solara.component
def PlayPanel(offers: list, on_choose, title: str, note: str = ""):
    """The human's available actions, a button each, then their predicted payoffs in one table
    when shown. The buttons stay as they are from step to step (the actions rarely change),
    so a step redraws the table alone: one widget, not two per action."""
    with solara.Card(title):
        if note:
            solara.Text(note)
        if not offers:
            solara.Text("No action to take now.")
            return
        MoveButtons(tuple((o.slot, o.label) for o in offers), on_choose)
        if any(o.value is not None for o in offers):
            solara.HTML(unsafe_innerHTML=_offers_table(offers))


@solara.component
def MoveButtons(choices: tuple, on_choose):
    """``choices``: (slot, label) pairs, a button "Choose <label>" each."""
    with solara.Row(style={"flex-wrap": "wrap", "gap": "6px"}):
        for slot, label in choices:
            solara.Button(f"Choose {label}", on_click=lambda s=slot: on_choose(s))


def _offers_table(offers: list) -> str:
    rows = sorted(offers, key=lambda o: -o.value)
    caption = "" if rows[0].parts is None else "What each action is expected to bring (best first)"
    return _payoff_table(rows, "action", PICK_HEADER, caption=caption)


@solara.component
def ShockForm(on_inject, ask_key: bool, set_error):
    """An event at the current date, of any type, with its parameters (the teacher's)."""
    kind, set_kind = solara.use_state("oil_shock")
    fields, set_fields = solara.use_state({})
    key, set_key = solara.use_state("")
    with solara.Card("Shock (teacher only)"):
        solara.Select(
            "Event type",
            value=kind,
            values=sorted(EVENT_TYPES),
            on_value=lambda k: (set_kind(k), set_fields({})),
        )
        names = [f.name for f in fields_of(EVENT_TYPES[kind]) if f.name not in ("step", "date")]
        with solara.Row(style={"flex-wrap": "wrap"}):
            for f in names:
                solara.InputText(
                    f,
                    value=fields.get(f, ""),
                    on_value=lambda x, f=f: set_fields({**fields, f: x}),
                    continuous_update=True,
                )
        if ask_key:
            solara.InputText(
                "Teacher key (for shocks)",
                value=key,
                on_value=set_key,
                password=True,
                continuous_update=True,
            )
        solara.Text("Leave a field empty for its default; mappings as {RUS: -0.3}.")
        solara.Button(
            "Inject shock",
            on_click=lambda: _message(set_error, lambda: on_inject(kind, _parsed(fields), key)),
        )


def _parsed(fields: dict) -> dict:
    """The form's texts as YAML scalars (numbers, true/false, {A: 0.1}), empty ones left out."""
    import yaml

    out = {}
    for k, text in fields.items():
        if text.strip() == "":
            continue
        if k == "label":
            out[k] = text
            continue
        try:
            out[k] = yaml.safe_load(text)
        except yaml.YAMLError:
            raise ConfigError(
                f"event.{k}", text, "not a value (a number, a code, true/false)"
            ) from None
        if isinstance(out[k], str) and "${" in out[k]:
            raise ConfigError(f"event.{k}", text, "interpolations are not allowed")
    return out


@solara.component
def DebriefPanel(session: Session, set_error):
    """The class against the model and the record, downloadable as one HTML file. The replays
    run in a thread, with a bar meanwhile: they take seconds, and the page stays live."""
    result, set_result = solara.use_state(None)
    replays, set_replays = solara.use_state("20")
    running, set_running = solara.use_state(0)  # the replay count of the run under way, or 0

    def run(cancel):
        if running:
            _message(set_error, lambda: set_result(debrief(session, replays=running)))
            set_running(0)

    solara.use_thread(run, dependencies=[running], intrusive_cancel=False)

    def start():
        n = int(replays) if replays.strip().isdigit() else 20
        set_running(max(2, min(n, 200)))

    with solara.Card("Debrief"):
        solara.InputText("Replays", value=replays, on_value=set_replays, continuous_update=True)
        solara.Button("Debrief", on_click=start, disabled=bool(running))
        if running:
            solara.ProgressLinear(True)
            solara.Text(f"Replaying the scenario {running} times with the model in every seat...")
        if result is not None:
            solara.HTML(tag="div", unsafe_innerHTML=result.body)
            solara.FileDownload(
                result.html,
                filename="debrief.html",
                label="Download debrief",
                mime_type="text/html",
            )


@solara.component
def SoloView():
    """One person, one model (built per browser session)."""
    session = solara.use_memo(lambda: Session(DEFAULT_SCENARIO), [])
    tick = use_tick()
    error, set_error = solara.use_state("")
    playing, set_playing = solara.use_state(False)
    state, set_state = solara.use_state(session.codes[0])
    show, set_show = solara.use_state(True)

    def reset(name, values, config):
        session.reset(name, values, config=config)
        tick.redraw()
        set_state(lambda s: s if s in session.codes else session.codes[0])

    def inject(kind, params, key):
        classroom.check_teacher(key, "inject a shock")
        session.inject(kind, params)
        tick.redraw()

    use_play(playing, set_playing, session.step, lambda: session.done, tick.redraw)
    Message(error)
    Status(session, tick)
    Controls(
        session,
        tick,
        reset,
        lambda: (session.step(), tick.redraw()),
        playing,
        set_playing,
        set_error,
    )
    state = state if state in session.codes else session.codes[0]
    with beside_the_graph(session, tick):
        with solara.Row(style={"align-items": "center"}):
            solara.Select("Play as", value=state, values=session.codes, on_value=set_state)
            solara.Switch(label="Show predicted payoffs", value=show, on_value=set_show)
        SoloMove(session, tick, state, show, set_error)
    Board(session, tick)
    WhyPanel(session, tick)
    ShockForm(inject, True, set_error)
    DebriefPanel(session, set_error)


@solara.component
def SoloMove(session: Session, tick: Tick, state: str, show: bool, set_error):
    tick.read()
    PlayPanel(
        session.offers(state, payoffs=show),
        lambda slot: _message(set_error, lambda: (session.step({state: slot}), tick.redraw())),
        f"Your move as {session.names[state]}",
    )


@solara.component
def TeacherView():
    key, set_key = solara.use_state("")
    code, set_code = solara.use_state("")
    error, set_error = solara.use_state("")
    codes = classroom.ROOMS.codes(key) if classroom.is_teacher(key) else []
    room = classroom.room(code) if code in codes else None
    tick, now = use_room_tick(room)
    Message(error)
    solara.InputText(
        "Teacher key", value=key, on_value=set_key, password=True, continuous_update=True
    )

    def open_room():
        set_code(classroom.open_room(key))

    solara.Button("Open room", on_click=lambda: _message(set_error, open_room))
    RoomChooser(key, code, set_code, tick)
    if room is not None:
        TeacherRoom(key, room, tick, now, set_error)


@solara.component
def RoomChooser(key: str, code: str, set_code, tick: Tick):
    """The teacher's rooms, listed afresh at each change of the room shown (a room another
    teacher's page opened meanwhile appears then)."""
    tick.read()
    codes = classroom.ROOMS.codes(key) if classroom.is_teacher(key) else []
    if codes:
        solara.Select(
            "Room", value=code if code in codes else None, values=codes, on_value=set_code
        )


@solara.component
def TeacherRoom(key, room, tick: Tick, now, set_error):
    playing, set_playing = solara.use_state(False)
    session = room.session
    solara.Text(f"Room code: {room.code}", style={"font-size": "1.6em", "font-weight": "bold"})
    solara.Text("Students open this page, press Student and enter the code.")
    Status(session, tick)

    def reset(name, values, config):
        room.reset(key, name, values, config)
        now()

    use_play(playing, set_playing, lambda: room.advance(key), lambda: session.done, now)
    Controls(
        session,
        tick,
        reset,
        lambda: (room.advance(key), now()),
        playing,
        set_playing,
        set_error,
        step_label="Advance step",
    )
    with beside_the_graph(session, tick):
        TeacherTable(key, room, tick, now, set_error)
    Board(session, tick)
    WhyPanel(session, tick)
    ShockForm(lambda kind, params, _: (room.inject(key, kind, params), now()), False, set_error)
    DebriefPanel(session, set_error)


@solara.component
def TeacherTable(key, room, tick: Tick, now, set_error):
    tick.read()
    solara.Switch(
        label="Show predicted payoffs to students",
        value=room.show_payoffs,
        on_value=lambda x: _message(set_error, lambda: (room.set_show_payoffs(key, x), now())),
    )
    solara.HTML(unsafe_innerHTML=_teacher_table(room.teacher_view(key), room.session))


def _teacher_table(view: dict, session: Session) -> str:
    last = {c.code: c.label for c in view["history"] if c.step == view["step"]}
    rows = []
    for c in session.codes:
        held = view["humans"].get(c, 0)
        now = view["pending"].get(c, "waiting for a choice" if held else "the model decides")
        rows.append([f"{session.names[c]} ({c})", held, now, last.get(c, "")])
    head = ["state", "students", "this step", "last step"]
    return markup.table(head, rows, caption="States and choices")


@solara.component
def StudentView():
    code, set_code = solara.use_state("")
    state, set_state = solara.use_state("RUS")
    seat, set_seat = solara.use_state(None)
    error, set_error = solara.use_state("")
    Message(error)
    if seat is None:
        solara.InputText("Join code", value=code, on_value=set_code, continuous_update=True)
        states = _states_of(code)
        state = state if state in states else states[0]
        solara.Select("State to play", value=state, values=states, on_value=set_state)
        solara.Button(
            "Join",
            on_click=lambda: _message(set_error, lambda: set_seat(classroom.join(code, state))),
        )
        return
    StudentRoom(seat, classroom.room(seat.room), set_error)


def _states_of(code: str) -> list[str]:
    try:
        return classroom.room(code).session.codes
    except classroom.ClassroomError:
        return ["RUS", "ISR", "IRN", "USA"]  # the default states, before a valid code


def waiting_note(status: dict, own: str, names: dict, choice: str | None = None) -> str:
    """Who the step waits for, in words, the student's own state first (and its move, when
    chosen)."""
    waiting = [s for s in status["humans"] if s not in status["chosen"]]
    if own in status["chosen"]:
        move = f": {choice}" if choice else ""
        head = f"Your choice is in{move}; you can change it until the step resolves."
    else:
        head = f"Choose a move for {names.get(own, own)}."
    others = [f"{names.get(s, s)} ({s})" for s in waiting if s != own]
    if others:
        head += f" Waiting for: {', '.join(others)}."
    elif own in status["chosen"]:
        head += " Waiting for the teacher to advance the step."
    return head


@solara.component
def StudentRoom(seat, room, set_error):
    tick, now = use_room_tick(room)
    session = room.session
    solara.Markdown(
        f"**You play {session.names.get(seat.state, seat.state)} in room {room.code}.**"
    )
    Status(session, tick)
    with beside_the_graph(session, tick):
        StudentMove(seat, room, tick, now, set_error)
    Board(session, tick)
    WhyPanel(session, tick)
    ShockForm(lambda kind, params, key: room.inject(key, kind, params), True, set_error)
    DebriefPanel(session, set_error)


@solara.component
def StudentMove(seat, room, tick: Tick, now, set_error):
    tick.read()

    def choose(slot):
        room.choose(seat.student, slot)
        now()

    PlayPanel(
        room.offers(seat.student),
        lambda s: _message(set_error, lambda: choose(s)),
        f"Your move as {room.session.names.get(seat.state)}",
        waiting_note(room.status(), seat.state, room.session.names, room.choice_of(seat.student)),
    )


@solara.component
def Page():
    mode, set_mode = solara.use_state("alone")
    solara.Title("Balancing between rivals: the classroom")
    solara.Style(markup.STYLE)
    with solara.Column(style={"padding": "12px", "max-width": "1200px"}):
        solara.Markdown("# Balancing between rivals")
        with solara.Row():
            solara.Button("Play alone", on_click=lambda: set_mode("alone"), text=mode != "alone")
            solara.Button("Teacher", on_click=lambda: set_mode("teacher"), text=mode != "teacher")
            solara.Button("Student", on_click=lambda: set_mode("student"), text=mode != "student")
        if mode == "alone":
            SoloView()
        elif mode == "teacher":
            TeacherView()
        else:
            StudentView()
