"""The coded event record of jan2020 (``data/record.csv``) and the observed choices read from it.

The rules are those committed before the record was coded (docs/VALIDATION.md, "Rules fixed
before any result (issue 12)"): one row per act between two of RUS, ISR, IRN and USA, dated
4 November 2019 to 31 March 2020, with its CAMEO code, Goldstein value and the model action it
maps to. Ids are those of ``TIMELINE-2019-2020.md`` (a letter is added when one row gives more
than one act: both ways of a meeting or call, or a reverse act the row codes in its text) or
``F<n>``, the n-th row of the table "Timeline of the January 2020 episode" in ``FACTS.md``.
"""

import datetime as dt
from pathlib import Path

import pandas as pd

RECORD_PATH = Path(__file__).resolve().parents[2] / "data" / "record.csv"
"""Path of the record in the source tree (``data/record.csv`` beside ``sim/``); an installed
package does not ship the record, so pass a path to :func:`load_record` there."""

COLUMNS = (
    "id",
    "date",
    "step",
    "actor",
    "target",
    "cameo",
    "goldstein",
    "action",
    "scripted",
    "status",
    "source",
)
STATES = ("RUS", "ISR", "IRN", "USA")
START = dt.date(2019, 11, 4)  # first day of step 1 of jan2020 (configs/scenario/jan2020.yaml)

# CAMEO root (two digits) -> the model's action (configs/actions/default.yaml), before the
# sub-code exceptions of `action_for`.
ACTION_OF_CAMEO = {
    **{f"{r:02d}": "engage" for r in range(1, 6)},
    "06": "support",
    "07": "support",
    "08": "engage",
    **{f"{r:02d}": "condemn" for r in range(9, 15)},
    **{f"{r:02d}": "sanction" for r in range(15, 18)},
    **{f"{r:02d}": "strike" for r in range(18, 21)},
}


def action_for(cameo: str) -> str:
    """The model action a CAMEO code maps to by default (docs/VALIDATION.md, "Mapping").

    Parameters
    ----------
    cameo : str
        A CAMEO event code with its leading zero ("042", "0253", "195").

    Returns
    -------
    str
        The root's action, except 045 and 046 (mediate, negotiate for others) -> ``mediate``
        and 084 "Return, release person(s)" with its sub-code 0841 -> ``release``; 0842
        (return property) is no person, so it stays with the other 08 codes, ``engage``. A
        public offer to mediate coded otherwise is ``mediate`` too, which a code cannot tell:
        the record's ``action`` column is authoritative.
    """
    if cameo[:3] in ("045", "046"):
        return "mediate"
    if cameo in ("084", "0841"):
        return "release"
    try:
        return ACTION_OF_CAMEO[cameo[:2]]
    except KeyError:
        raise ValueError(f"not a CAMEO event code: {cameo!r}") from None


def step_of(date) -> int:
    """The step of jan2020 a date falls in: weekly steps from Monday 4 November 2019 (step 1)."""
    return (pd.Timestamp(date).date() - START).days // 7 + 1


def load_record(path=RECORD_PATH) -> pd.DataFrame:
    """Read the record with its types, so that codes keep their leading zeros.

    Parameters
    ----------
    path : str or Path
        The CSV file (default: the source tree's ``data/record.csv``).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`COLUMNS` in order: ``date`` as datetime64, ``step`` int,
        ``goldstein`` float, ``scripted`` bool, the others strings.
    """
    text = {c: str for c in COLUMNS if c not in ("date", "step", "goldstein", "scripted")}
    record = pd.read_csv(
        path,
        dtype={**text, "step": "int64", "goldstein": "float64"},
        converters={"scripted": _boolean},
        parse_dates=["date"],
        keep_default_na=False,
    )
    if tuple(record.columns) != COLUMNS:
        raise ValueError(f"{path}: columns {list(record.columns)}, expected {list(COLUMNS)}")
    return record.astype({"scripted": bool})


def _boolean(text: str) -> bool:
    """``true`` or ``false``, nothing else: a typo must not read as a scripted act."""
    value = {"true": True, "false": False}.get(text.strip().lower())
    if value is None:
        raise ValueError(f"scripted must be true or false, not {text!r}")
    return value


def observations(record: pd.DataFrame) -> pd.DataFrame:
    """The observed choice of each state in each step, the one the likelihood scores.

    The model's state makes one choice a step, so a state's week is summed up by its
    unscripted act with the largest |Goldstein| (ties: the earlier date, then the row order).
    Scripted acts are the scenario's events, never a choice. A state with no unscripted act in
    a step is missing, not ``wait``: an unreported week is not an observed choice.

    Parameters
    ----------
    record : pandas.DataFrame
        Rows with at least ``id``, ``date``, ``step``, ``actor``, ``target``, ``goldstein``,
        ``action`` and ``scripted``, in the record's row order.

    Returns
    -------
    pandas.DataFrame
        Columns ``step``, ``actor``, ``action``, ``target``, ``id``: one row per (actor, step)
        with an unscripted act, sorted by step, then actor.
    """
    acts = record.loc[~record["scripted"].astype(bool)].copy()
    acts["_size"] = acts["goldstein"].abs()
    acts["_order"] = range(len(acts))
    acts = acts.sort_values(
        ["actor", "step", "_size", "date", "_order"],
        ascending=[True, True, False, True, True],
        kind="stable",
    )
    chosen = acts.drop_duplicates(["actor", "step"], keep="first")
    chosen = chosen.sort_values(["step", "actor"], kind="stable")
    return chosen[["step", "actor", "action", "target", "id"]].reset_index(drop=True)
