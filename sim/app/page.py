"""The classroom page (``sim-app`` serves ``sim.app.page:Page``): a plain Solara page.

Not Mesa's SolaraViz, which renders only its sidebar with the pinned ipyvue 3 (mesa issue
#3806); the play loop follows Mesa's ModelController (a thread that steps while playing). Every
model is built per browser session (``use_memo`` in the component) or belongs to a room
(``sim.app.classroom``): nothing is built at module level, so two browsers never share one by
accident. What a teacher may do is checked by ``sim.app.classroom``, not by this page.

Labels (stable visible texts, for the browser tests):

- mode buttons: "Play alone", "Teacher", "Student"
- controls: select "Scenario"; sliders labelled by parameter ("lam (precision of the choice
  rule)", "RUS weight of prestige", "brent_spike: change", ...); buttons "Reset", "Step",
  "Play", "Pause"; file drop "Upload a scenario file (YAML)"
- status line: text "<scenario>: Step T of N, date YYYY-MM-DD" (a game: "round R")
- board: "Stances", "Relations", "Payoffs" figures; "Events" timeline (current date marked
  "◀ now")
- why panel: select "Why: state", slider "Why: step", the sentence under "Why"
- play panel: select "Play as" (alone), switch "Show predicted payoffs"; one button per
  available action, "Choose <label>" (e.g. "Choose wait", "Choose mediate:IRN-USA")
- teacher: input "Teacher key", button "Open room" (then text "Room code: XXXXX"), select
  "Room", button "Advance step", switch "Show predicted payoffs to students", the table
  "States and choices"
- student: input "Join code", select "State to play", button "Join" (then text "You play ...")
- shock form: select "Event type", one input per parameter of the type ("change",
  "imposer", "target", "level", "label", ...),
  input "Teacher key (for shocks)" where the page does not hold the key, button "Inject shock"
- debrief: input "Replays", button "Debrief", button "Download debrief"
- messages: errors shown in a red box, one line
"""

from dataclasses import fields as fields_of

import solara

from sim.app import classroom
from sim.app.debrief import debrief
from sim.app.explain import explain_state
from sim.app.figures import payoffs_plot, relation_graph, relations_plot
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


@solara.component
def Status(session: Session, version: int):
    kind = "round" if session.is_game else "date"
    date = session.date.removeprefix("round ")
    over = " (the scenario is over)" if session.done else ""
    solara.Text(
        f"{session.scenario}: Step {session.step_number} of {session.steps}, {kind} {date}{over}"
    )


@solara.component
def Controls(session: Session, version: int, on_reset, on_step, playing, set_playing, set_error):
    """Scenario, sliders and the run's buttons; ``on_reset(scenario, values, config)``."""
    values, set_values = solara.use_state({})
    names = solara.use_memo(library, [])

    def choose_scenario(name):
        set_values({})
        _message(set_error, lambda: on_reset(name, {}, None))

    def upload(info):
        data = info["file_obj"].read(200_000)
        _message(set_error, lambda: on_reset(None, {}, load_upload(data, info["name"])))

    with solara.Card("Scenario and parameters"):
        solara.Select(
            "Scenario",
            value=session.scenario if session.scenario in names else None,
            values=names,
            on_value=choose_scenario,
        )
        solara.FileDrop(label="Upload a scenario file (YAML)", on_file=upload, lazy=True)
        solara.Text("Sliders apply when you press Reset.")
        with solara.Row(style={"flex-wrap": "wrap"}):
            for p in session.parameters():
                with solara.Column(style={"min-width": "230px"}):
                    solara.SliderFloat(
                        p.label,
                        value=values.get(p.key, p.value),
                        min=p.lo,
                        max=p.hi,
                        step=p.step,
                        on_value=lambda x, k=p.key: set_values({**values, k: x}),
                    )
        with solara.Row():
            solara.Button(
                "Reset",
                on_click=lambda: _message(
                    set_error, lambda: on_reset(session.scenario, values, None)
                ),
            )
            solara.Button(
                "Step",
                on_click=lambda: _message(set_error, on_step),
                disabled=session.done or playing,
            )
            solara.Button("Play", on_click=lambda: set_playing(True), disabled=playing)
            solara.Button("Pause", on_click=lambda: set_playing(False), disabled=not playing)


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


@solara.component
def Board(session: Session, version: int):
    """The states as a graph, the relation and payoff plots and the event timeline."""
    codes, t = session.codes, session.step_number
    with solara.Row(style={"flex-wrap": "wrap"}):
        if not session.is_game:
            fig = relation_graph(
                codes, session.stance(), "Stances (arrow: from a state toward another)"
            )
            solara.FigureMatplotlib(fig, format="png")
            history = session.model.record.stance[:t]
            solara.FigureMatplotlib(relations_plot(codes, history), format="png")
        ylabel = "cumulative payoff" if session.is_game else "cumulative utility"
        solara.FigureMatplotlib(payoffs_plot(codes, session.cumulative(), ylabel), format="png")
    Timeline(session, version)


@solara.component
def Timeline(session: Session, version: int):
    events = session.timeline()
    if not events:
        return
    now = session.step_number + 1
    lines = ["**Events**", ""]
    marked = False
    for e in events:
        if not marked and e["step"] >= now:
            lines.append(f"- **◀ now: step {now}, {session.date}**")
            marked = True
        done = "✔" if e["happened"] else "·"
        extra = f" ({e['outcome']})" if e["outcome"] else ""
        shock = " (teacher's shock)" if e["injected"] else ""
        lines.append(f"- {done} {e['date']} (step {e['step']}): {e['label']}{extra}{shock}")
    if not marked:
        lines.append(f"- **◀ now: step {min(now, session.steps)}, {session.date}**")
    solara.Markdown("\n".join(lines))


@solara.component
def WhyPanel(session: Session, version: int):
    """Pick a state and a step: the expected utility of each alternative, split in three."""
    code, set_code = solara.use_state(session.codes[0])
    step, set_step = solara.use_state(1)
    with solara.Card("Why"):
        if session.step_number == 0:
            solara.Text("Play a step first: then pick a state and a step to see why it acted.")
            return
        code = code if code in session.codes else session.codes[0]
        step = min(max(step, 1), session.step_number)
        solara.Select("Why: state", value=code, values=session.codes, on_value=set_code)
        solara.SliderInt(
            "Why: step", value=step, min=1, max=max(session.step_number, 1), on_value=set_step
        )
        e = explain_state(session, code, step)
        solara.Markdown(f"**{session.date_of(step)}.** {e.sentence}")
        solara.Markdown(_why_table(e))


def _why_table(e) -> str:
    rows = sorted(e.rows, key=lambda r: -r.value)
    rows = rows[:12] + [r for r in rows[12:] if r.chosen]  # the chosen one even if far down
    if rows and rows[0].parts is None:
        head = "| action | expected payoff | probability | |\n|---|---|---|---|"
        body = [f"| {r.label} | {r.value:+.2f} | {r.probability:.0%} | {'chosen' if r.chosen else ''} |"
                for r in rows]  # fmt: skip
        return "\n".join([head, *body])
    head = (
        "| alternative | security | economic | prestige | total | probability | |\n"
        "|---|---|---|---|---|---|---|"
    )
    body = [
        f"| {r.label} | {r.parts[0]:+.2f} | {r.parts[1]:+.2f} | {r.parts[2]:+.2f} | "
        f"{r.value:+.2f} | {r.probability:.0%} | {'chosen' if r.chosen else ''} |"
        for r in rows
    ]
    return "\n".join([head, *body])


@solara.component
def PlayPanel(offers: list, on_choose, title: str, note: str = ""):
    """The human's available actions, a button each, with the predicted payoffs when shown."""
    with solara.Card(title):
        if note:
            solara.Text(note)
        if not offers:
            solara.Text("No action to take now.")
        for o in offers:
            with solara.Row():
                solara.Button(f"Choose {o.label}", on_click=lambda s=o.slot: on_choose(s))
                if o.value is not None:
                    parts = ""
                    if o.parts is not None:
                        parts = "security {:+.2f}, economic {:+.2f}, prestige {:+.2f}; ".format(
                            *o.parts
                        )
                    solara.Text(
                        f"{parts}total {o.value:+.2f}; the model would pick it "
                        f"{o.probability:.0%} of the time"
                    )


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
def DebriefPanel(session: Session, version: int, set_error):
    """The class against the model and the record, downloadable as one HTML file."""
    result, set_result = solara.use_state(None)
    replays, set_replays = solara.use_state("20")
    with solara.Card("Debrief"):
        solara.InputText("Replays", value=replays, on_value=set_replays, continuous_update=True)

        def run():
            n = int(replays) if replays.strip().isdigit() else 20
            set_result(debrief(session, replays=max(2, min(n, 200))))

        solara.Button("Debrief", on_click=lambda: _message(set_error, run))
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
    version, set_version = solara.use_state(0)
    error, set_error = solara.use_state("")
    playing, set_playing = solara.use_state(False)
    state, set_state = solara.use_state(session.codes[0])
    show, set_show = solara.use_state(True)
    bump = lambda: set_version(lambda v: v + 1)  # noqa: E731

    def reset(name, values, config):
        session.reset(name, values, config=config)
        bump()

    use_play(playing, set_playing, session.step, lambda: session.done, bump)
    Message(error)
    Status(session, version)
    Controls(
        session, version, reset, lambda: (session.step(), bump()), playing, set_playing, set_error
    )
    state = state if state in session.codes else session.codes[0]
    solara.Select("Play as", value=state, values=session.codes, on_value=set_state)
    solara.Switch(label="Show predicted payoffs", value=show, on_value=set_show)
    PlayPanel(
        session.offers(state, payoffs=show),
        lambda slot: _message(set_error, lambda: (session.step({state: slot}), bump())),
        f"Your move as {session.names[state]}",
    )

    def inject(kind, params, key):
        classroom.check_teacher(key, "inject a shock")
        session.inject(kind, params)
        bump()

    ShockForm(inject, True, set_error)
    Board(session, version)
    WhyPanel(session, version)
    DebriefPanel(session, version, set_error)


def use_room_version(room):
    """Redraw when the room changes (another browser chose, the teacher advanced)."""
    seen, set_seen = solara.use_state(-1)

    def poll(cancel):
        while room is not None and not cancel.wait(0.5):
            if room.version != seen:
                set_seen(room.version)
                return

    solara.use_thread(poll, dependencies=[room, seen], intrusive_cancel=False)
    return room.version if room is not None else 0


@solara.component
def TeacherView():
    key, set_key = solara.use_state("")
    code, set_code = solara.use_state("")
    error, set_error = solara.use_state("")
    _, set_version = solara.use_state(0)
    bump = lambda: set_version(lambda v: v + 1)  # noqa: E731
    Message(error)
    solara.InputText(
        "Teacher key", value=key, on_value=set_key, password=True, continuous_update=True
    )

    def open_room():
        set_code(classroom.open_room(key))

    solara.Button("Open room", on_click=lambda: _message(set_error, open_room))
    codes = classroom.ROOMS.codes(key) if classroom.is_teacher(key) else []
    if codes:
        solara.Select(
            "Room", value=code if code in codes else None, values=codes, on_value=set_code
        )
    if code in codes:
        TeacherRoom(key, classroom.room(code), set_error, bump)


@solara.component
def TeacherRoom(key, room, set_error, bump):
    version = use_room_version(room)
    playing, set_playing = solara.use_state(False)
    session = room.session
    solara.Text(f"Room code: {room.code}", style={"font-size": "1.6em", "font-weight": "bold"})
    solara.Text("Students open this page, press Student and enter the code.")
    Status(session, version)

    def reset(name, values, config):
        room.reset(key, name, values, config)
        bump()

    use_play(playing, set_playing, lambda: room.advance(key), lambda: session.done, bump)
    Controls(
        session,
        version,
        reset,
        lambda: (room.advance(key), bump()),
        playing,
        set_playing,
        set_error,
    )
    solara.Button(
        "Advance step", on_click=lambda: _message(set_error, lambda: (room.advance(key), bump()))
    )
    solara.Switch(
        label="Show predicted payoffs to students",
        value=room.show_payoffs,
        on_value=lambda x: _message(set_error, lambda: (room.set_show_payoffs(key, x), bump())),
    )
    solara.Markdown(_teacher_table(room.teacher_view(key), session))
    ShockForm(lambda kind, params, _: (room.inject(key, kind, params), bump()), False, set_error)
    Board(session, version)
    WhyPanel(session, version)
    DebriefPanel(session, version, set_error)


def _teacher_table(view: dict, session: Session) -> str:
    last = {c.code: c.label for c in view["history"] if c.step == view["step"]}
    lines = ["**States and choices**", "", "| state | students | this step | last step |",
             "|---|---|---|---|"]  # fmt: skip
    for c in session.codes:
        held = view["humans"].get(c, 0)
        now = view["pending"].get(c, "waiting for a choice" if held else "the model decides")
        lines.append(f"| {session.names[c]} ({c}) | {held} | {now} | {last.get(c, '')} |")
    return "\n".join(lines)


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


@solara.component
def StudentRoom(seat, room, set_error):
    version = use_room_version(room)
    _, set_version = solara.use_state(0)
    session = room.session
    status = room.status()
    solara.Markdown(
        f"**You play {session.names.get(seat.state, seat.state)} in room {room.code}.**"
    )
    Status(session, version)
    waiting = [s for s in status["humans"] if s not in status["chosen"]]
    chosen = seat.state in status["chosen"]
    note = ("Your choice is in; you can change it until the step resolves. " if chosen else "") + (
        f"Waiting for: {', '.join(waiting)}." if waiting else ""
    )

    def choose(slot):
        room.choose(seat.student, slot)
        set_version(lambda v: v + 1)

    PlayPanel(
        room.offers(seat.student),
        lambda s: _message(set_error, lambda: choose(s)),
        f"Your move as {session.names.get(seat.state)}",
        note,
    )
    ShockForm(lambda kind, params, key: room.inject(key, kind, params), True, set_error)
    Board(session, version)
    WhyPanel(session, version)
    DebriefPanel(session, version, set_error)


@solara.component
def Page():
    mode, set_mode = solara.use_state("alone")
    solara.Title("Balancing between rivals: the classroom")
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
