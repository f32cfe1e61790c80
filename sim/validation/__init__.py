"""Validation against the record: the coded events of Nov 2019 - Mar 2020 (docs/VALIDATION.md)."""

from sim.validation.record import (
    ACTION_OF_CAMEO,
    COLUMNS,
    RECORD_PATH,
    START,
    STATES,
    action_for,
    load_record,
    observations,
    step_of,
)

__all__ = [
    "ACTION_OF_CAMEO",
    "COLUMNS",
    "RECORD_PATH",
    "START",
    "STATES",
    "action_for",
    "load_record",
    "observations",
    "step_of",
]
