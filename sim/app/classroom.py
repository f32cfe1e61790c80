"""Rooms of a class: the teacher opens one, students join it with its code and take states.

Everything a teacher may do and a student may not (open, reset or advance a room, inject a
shock, show or hide the predicted payoffs, see everyone's choices) checks the teacher key here,
not only in the page, so that a student's browser cannot do it by sending the events itself.
The registry is process-wide and thread-safe (Solara serves each browser from its own thread);
each room has its own model (``sim.app.session.Session``) and its own lock.
"""

import os
import secrets
import threading
from dataclasses import dataclass

from sim.app.library import DEFAULT_SCENARIO
from sim.app.session import Session

MAX_ROOMS = 50  # issue 15 asks for 30 rooms stepping at once on this machine; 50 leaves a margin
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud, typed without doubt
CODE_LENGTH = 5  # 31**5, about 29 million codes: a guessed code finds a room with odds 50 in 29e6
KEY_ENV = "SIM_APP_TEACHER_KEY"  # set by sim-app (sim.app.server) so that a restart keeps the key

_key_lock = threading.Lock()
_key: list[str | None] = [None]


class ClassroomError(Exception):
    """A classroom action refused: one line the page shows as it is."""


class NotTeacher(ClassroomError, PermissionError):
    """Only the teacher key may do this."""


def set_teacher_key(key: str) -> None:
    """Make ``key`` the teacher key of this process (``sim-app`` calls it at start)."""
    if not isinstance(key, str) or len(key) < 4:
        raise ValueError("a teacher key needs at least 4 characters")
    with _key_lock:
        _key[0] = key


def teacher_key() -> str:
    """The teacher key: the one set, else ``SIM_APP_TEACHER_KEY``, else a new random one."""
    with _key_lock:
        if _key[0] is None:
            _key[0] = os.environ.get(KEY_ENV) or secrets.token_urlsafe(8)
        return _key[0]


def is_teacher(key) -> bool:
    return isinstance(key, str) and secrets.compare_digest(key.encode(), teacher_key().encode())


def check_teacher(key, what: str) -> None:
    if not is_teacher(key):
        raise NotTeacher(f"only the teacher can {what} (wrong or missing teacher key)")


@dataclass(frozen=True)
class Seat:
    """A student in a room, playing ``state``; ``student`` is the token that proves it."""

    room: str
    state: str
    student: str


class Room:
    """One class's model, its students' seats and the choices waiting for the step."""

    def __init__(self, code: str, session: Session, show_payoffs: bool = True):
        self.code, self.session, self.show_payoffs = code, session, show_payoffs
        self.lock = threading.RLock()
        self.seats: dict[str, str] = {}  # student token -> state code
        self.pending: dict[str, tuple[int, str]] = {}  # state -> (slot, student) of the last choice
        self.version = 0  # counts every change, so that the pages can tell they must redraw

    def _changed(self):
        self.version += 1

    def human_states(self) -> list[str]:
        """The states some student holds, in the model's order."""
        with self.lock:
            held = set(self.seats.values())
            return [c for c in self.session.codes if c in held]

    # -- students --------------------------------------------------------------------------------

    def join(self, state: str) -> Seat:
        """A new student playing ``state`` (several may share one)."""
        with self.lock:
            self.session.index(state)  # ConfigError for an unknown state
            student = secrets.token_urlsafe(12)
            self.seats[student] = state
            self._changed()
            return Seat(self.code, state, student)

    def state_of(self, student: str) -> str:
        with self.lock:
            if student not in self.seats:
                raise ClassroomError(f"not a student of room {self.code} (join it first)")
            return self.seats[student]

    def leave(self, student: str) -> None:
        with self.lock:
            if self.seats.pop(student, None) is not None:
                self.pending = {s: p for s, p in self.pending.items() if s in self.human_states()}
                self._changed()
                self._resolve_if_ready()

    def offers(self, student: str):
        """The student's state's alternatives now, with predicted payoffs if the teacher shows
        them."""
        with self.lock:
            return self.session.offers(self.state_of(student), payoffs=self.show_payoffs)

    def choice_of(self, student: str) -> str | None:
        """The move chosen for the student's state this step (by any of its students), or
        None: a student sees what their own state will do, not what the others chose."""
        with self.lock:
            state = self.state_of(student)
            if state not in self.pending:
                return None
            return self.session.label(state, self.pending[state][0])

    def choose(self, student: str, choice) -> bool:
        """Record the student's choice for its state (the last one before the step resolves
        counts); resolve the step when every held state has chosen. True when it resolved."""
        with self.lock:
            state = self.state_of(student)
            if self.session.done:
                raise ClassroomError("the scenario is over: nothing more to choose")
            self.pending[state] = (self.session.slot_of(state, choice), student)
            self._changed()
            return self._resolve_if_ready()

    def _resolve_if_ready(self) -> bool:
        held = self.human_states()
        if not held or any(s not in self.pending for s in held) or self.session.done:
            return False
        self._resolve()
        return True

    def _resolve(self) -> dict:
        choices = {s: slot for s, (slot, _) in self.pending.items()}
        self.pending = {}
        made = self.session.step(choices)
        self._changed()
        return made

    def status(self) -> dict:
        """What every member of the room may see: the step, the date, who plays which state
        and which held states have chosen (not what)."""
        with self.lock:
            held = self.human_states()
            return dict(
                step=self.session.step_number,
                steps=self.session.steps,
                date=self.session.date,
                done=self.session.done,
                scenario=self.session.scenario,
                humans={s: sum(v == s for v in self.seats.values()) for s in held},
                chosen=[s for s in held if s in self.pending],
                show_payoffs=self.show_payoffs,
                version=self.version,
            )

    # -- the teacher -----------------------------------------------------------------------------

    def teacher_view(self, key) -> dict:
        """Everything: the status, each pending choice and the history of all states."""
        check_teacher(key, "see every state's choices")
        with self.lock:
            pending = {s: self.session.label(s, slot) for s, (slot, _) in self.pending.items()}
            return {**self.status(), "pending": pending, "history": list(self.session.history)}

    def advance(self, key) -> dict:
        """Resolve the step now: the held states that have not chosen follow their decision
        rule, as the model's states do."""
        check_teacher(key, "advance the step")
        with self.lock:
            return self._resolve()

    def inject(self, key, event_type: str, params: dict | None = None, label: str | None = None):
        """A shock at the current date (``Session.inject``), for the teacher only."""
        check_teacher(key, "inject a shock")
        with self.lock:
            event = self.session.inject(event_type, params, label)
            self._changed()
            return event

    def reset(self, key, scenario: str | None = None, values=None, config: dict | None = None):
        """Start the room's model again (a new scenario or values); students keep their seats
        if their states are still there."""
        check_teacher(key, "reset the room")
        with self.lock:
            self.session.reset(scenario, values, config=config)
            codes = set(self.session.codes)
            self.seats = {k: s for k, s in self.seats.items() if s in codes}
            self.pending = {}
            self._changed()

    def set_show_payoffs(self, key, show: bool) -> None:
        check_teacher(key, "show or hide the predicted payoffs")
        with self.lock:
            self.show_payoffs = bool(show)
            self._changed()


class Classroom:
    """The rooms of this process, at most ``max_rooms``, each under its join code."""

    def __init__(self, max_rooms: int = MAX_ROOMS):
        self.max_rooms = max_rooms
        self._rooms: dict[str, Room] = {}
        self._lock = threading.Lock()

    def open_room(self, key, scenario: str = DEFAULT_SCENARIO, values=None, *, config=None,
                  show_payoffs: bool = True) -> str:  # fmt: skip
        """A new room (its own model) for the teacher; its join code."""
        check_teacher(key, "open a room")
        with self._lock:
            if len(self._rooms) >= self.max_rooms:
                raise ClassroomError(
                    f"{self.max_rooms} rooms are open, the most this server keeps: close one first"
                )
        session = Session(scenario, values, config=config)  # built outside the registry's lock
        with self._lock:
            if len(self._rooms) >= self.max_rooms:
                raise ClassroomError(f"{self.max_rooms} rooms are open: close one first")
            code = self._new_code()
            self._rooms[code] = Room(code, session, show_payoffs)
            return code

    def _new_code(self) -> str:
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if code not in self._rooms:
                return code

    def room(self, code: str) -> Room:
        """The room of a join code (spaces and case do not matter)."""
        clean = "".join(str(code or "").split()).upper()
        with self._lock:
            room = self._rooms.get(clean)
        if room is None:
            raise ClassroomError(f"no room with code {clean!r} (ask the teacher for the code)")
        return room

    def join(self, code: str, state: str) -> Seat:
        return self.room(code).join(state)

    def close_room(self, key, code: str) -> None:
        check_teacher(key, "close a room")
        room = self.room(code)
        with self._lock:
            self._rooms.pop(room.code, None)

    def codes(self, key) -> list[str]:
        check_teacher(key, "list the rooms")
        with self._lock:
            return sorted(self._rooms)


ROOMS = Classroom()  # the rooms of this server process


def open_room(key, scenario: str = DEFAULT_SCENARIO, values=None, **kwargs) -> str:
    return ROOMS.open_room(key, scenario, values, **kwargs)


def join(code: str, state: str) -> Seat:
    return ROOMS.join(code, state)


def room(code: str) -> Room:
    return ROOMS.room(code)
