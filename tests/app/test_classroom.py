"""Rooms: the teacher key guards the teacher's actions, a step waits for every held state, and
rooms do not see each other."""

import threading
import time

import pytest

from sim.app import classroom
from sim.app.classroom import CODE_ALPHABET, Classroom, ClassroomError, NotTeacher

KEY = "teacher-key-for-tests"


@pytest.fixture
def rooms():
    classroom.set_teacher_key(KEY)
    return Classroom(max_rooms=3)


def test_codes_are_short_and_unambiguous(rooms):
    code = rooms.open_room(KEY)
    assert len(code) == 5 and set(code) <= set(CODE_ALPHABET)
    assert not set("0O1IL") & set(CODE_ALPHABET)
    assert rooms.room(f" {code.lower()} ") is rooms.room(code)
    with pytest.raises(ClassroomError, match="no room with code"):
        rooms.room("ZZZZZ" if code != "ZZZZZ" else "YYYYY")


def test_only_the_teacher_opens_injects_resets_and_advances(rooms):
    with pytest.raises(NotTeacher):
        rooms.open_room("not-the-key")
    room = rooms.room(rooms.open_room(KEY))
    seat = room.join("RUS")
    for wrong in (None, "", seat.student, KEY + "x"):
        with pytest.raises(NotTeacher, match="only the teacher can inject a shock"):
            room.inject(wrong, "oil_shock", {"change": 0.5})
        with pytest.raises(NotTeacher):
            room.advance(wrong)
        with pytest.raises(NotTeacher):
            room.reset(wrong)
        with pytest.raises(NotTeacher):
            room.teacher_view(wrong)
        with pytest.raises(NotTeacher):
            room.set_show_payoffs(wrong, False)
    assert room.session.injected == [] and room.session.step_number == 0
    room.inject(KEY, "oil_shock", {"change": 0.5})
    assert len(room.session.injected) == 1


def test_two_students_each_playing_a_state_resolve_the_step_together(rooms):
    room = rooms.room(rooms.open_room(KEY))
    russia, iran = room.join("RUS"), room.join("IRN")
    assert room.human_states() == ["RUS", "IRN"]
    assert room.choose(russia.student, "support:ISR") is False
    assert room.choose(russia.student, "wait") is False  # the last choice before the step counts
    assert room.session.step_number == 0 and room.status()["chosen"] == ["RUS"]
    assert room.teacher_view(KEY)["pending"] == {"RUS": "wait"}
    assert room.choice_of(russia.student) == "wait" and room.choice_of(iran.student) is None
    assert room.choose(iran.student, "condemn:USA") is True
    assert room.choice_of(russia.student) is None  # a new step: nothing chosen yet
    assert room.session.step_number == 1
    last = {c.code: c.label for c in room.session.history if c.step == 1}
    assert last["RUS"] == "wait" and last["IRN"] == "condemn:USA"
    assert room.status()["chosen"] == []


def test_students_sharing_a_state_and_the_teacher_advancing(rooms):
    room = rooms.room(rooms.open_room(KEY))
    a, b = room.join("RUS"), room.join("RUS")
    room.join("ISR")
    room.choose(a.student, "support:IRN")
    room.choose(b.student, "wait")  # either counts; the last wins
    assert room.session.step_number == 0  # Israel's player has not chosen
    room.advance(KEY)  # Israel follows its rule
    step1 = {c.code: c for c in room.session.history if c.step == 1}
    assert step1["RUS"].label == "wait" and step1["RUS"].human and not step1["ISR"].human
    with pytest.raises(ClassroomError, match="not a student"):
        room.choose("forged-token", "wait")


def test_rooms_do_not_affect_each_other(rooms):
    one, two = (rooms.room(rooms.open_room(KEY)) for _ in range(2))
    assert one.session.model is not two.session.model
    seat = one.join("RUS")
    one.inject(KEY, "sanctions", {"imposer": "USA", "target": "RUS", "level": 80.0})
    for _ in range(3):
        one.choose(seat.student, "wait")
    assert one.session.step_number == 3 and two.session.step_number == 0
    two.advance(KEY)
    assert two.session.injected == [] and two.human_states() == []
    assert two.session.model.world.stocks[0, 2] < one.session.model.world.stocks[0, 2]
    with pytest.raises(ClassroomError, match="not a student"):
        two.choose(seat.student, "wait")  # a seat belongs to its room


def test_the_number_of_rooms_is_bounded(rooms):
    for _ in range(3):
        rooms.open_room(KEY)
    with pytest.raises(ClassroomError, match="3 rooms are open"):
        rooms.open_room(KEY)
    rooms.close_room(KEY, rooms.codes(KEY)[0])
    rooms.open_room(KEY)


def test_concurrent_choices_resolve_each_step_once(rooms):
    room = rooms.room(rooms.open_room(KEY))
    seats = [room.join(s) for s in ("RUS", "ISR", "IRN", "USA")]

    def play(seat):
        for t in range(1, 6):
            while room.session.step_number < t - 1:
                time.sleep(0.001)
            room.choose(seat.student, "wait")

    threads = [threading.Thread(target=play, args=(s,)) for s in seats]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert room.session.step_number == 5
    assert len(room.session.history) == 5 * 4


def test_the_teacher_key_is_set_and_got():
    classroom.set_teacher_key("another-key")
    assert classroom.teacher_key() == "another-key" and classroom.is_teacher("another-key")
    assert not classroom.is_teacher("another-kex")
    classroom.set_teacher_key(KEY)
