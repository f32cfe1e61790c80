"""Command lines for fuzzing ``sim-run`` and ``sim-sweep``, each with what must come of it.

A case is a valid command line, or one with a single corruption whose key the case knows: a
mistyped key (with and without ``+``), a value out of its documented range, of the wrong type, an
unknown option of a config group, an interpolation that does not resolve, a broken scenario
file, a bad output folder. The oracle (:func:`check`) holds a valid case to a whole result and a
corrupted one to exit 2, one line that names its key, no traceback and nothing written.

The ranges are this file's own, from the documentation (docs/MODEL.md, "Parameters"; the
comments of configs/), not read from the code under test. Shared by ``tests/test_cli_fuzz.py``
(a modest size) and ``benchmarks/fuzz_cli.py`` (a large one).
"""

import contextlib
import io
import os
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

SCENARIOS = (
    "jan2020", "no_visits", "no_assassination", "soleimani", "incumbent_loses", "il20",
    "oil_shock", "prisoner_swap", "middle_east_plan", "syria_deconfliction", "western_isolation",
    "balance_only", "turkey",
)  # fmt: skip
GAMES = ("games/chicken", "games/prisoners_dilemma", "games/stag_hunt", "games/matching_pennies")
STATES = ("RUS", "ISR", "IRN", "USA")

# key: (valid values, invalid values) -- documented ranges, written here by hand
UNIT = st.floats(0.0, 1.0)
NUMERIC = {
    "dynamics.alpha": (UNIT, (-0.1, 1.5)),
    "dynamics.self_shift": (UNIT, (-1, 2)),
    "dynamics.heider": (st.floats(0.0, 5.0), (-0.5, 50)),
    "dynamics.relaxation": (UNIT, (-0.01, 1.01)),
    "dynamics.prestige_decay": (UNIT, (-1, 1.5)),
    "dynamics.damage_decay": (UNIT, (-1, 3)),
    "dynamics.threat_aversion": (st.floats(0.0, 10.0), (-1, 1e6)),
    "dynamics.theatre_weight": (UNIT, (-0.5, 2)),
    "dynamics.attribution": (UNIT, (-1, 7)),
    "dynamics.balance_rate": (UNIT, (-0.2, 1.2)),
    "dynamics.reciprocity": (UNIT, (-0.2, 9)),
    "dynamics.harm_weight": (UNIT, (-3, 4)),
    "dynamics.resolve": (st.floats(0.0, 10.0), (-1, 1e4)),
    "dynamics.expression": (st.floats(0.0, 100.0), (-5, 1e5)),
    "decision.lam": (st.one_of(st.floats(0.0, 50.0), st.just(1e300)), (-1, -1e-9)),
    "decision.discount": (UNIT, (-0.1, 1.1)),
    "actors.RUS.rationality": (st.one_of(st.floats(0.0, 5.0), st.just(1e307)), (-1,)),
    "actors.IRN.capability": (st.floats(0.001, 1.0), (-0.2,)),
    "actors.ISR.weights.prestige": (st.floats(0.0, 3.0), (-0.5,)),
    "actors.USA.oil_exposure": (st.floats(-10.0, 10.0), (-11, 11)),
    "relations.RUS.ISR": (st.floats(-1.0, 1.0), (-1.5, 1.01)),
    "relations.IRN.USA": (st.floats(-1.0, 1.0), (2, -3)),
    "scenario.random_stances": (UNIT, (-0.1, 1.5)),
}
INTEGER = {
    "seed": (st.integers(0, 2**31), (-1, 1.5)),
    "decision.horizon": (st.integers(0, 8), (-1, 53, 2.5)),
    "outputs.response_window": (st.integers(1, 6), (0, -2, 1.5)),
}
BOOLEAN = {"outputs.figures": ("false", "'false'", "'no'", "0.5", "'true'")}
GROUPS = {"decision": ("logit", "best_response", "qre"), "scenario": SCENARIOS}
NOT_NUMBERS = ("abc", "'1'", "nan", "inf", "-inf", "[1,2]", "{a: 1}", "null")
SWEEP_INTEGER = {"replicates": (1, 2), "part_rows": (1, 100), "design.n": (1, 2)}
# keys whose last part fuzzing can mistype, with the mapping they live in
LEAVES = (
    *NUMERIC,
    *INTEGER,
    *BOOLEAN,
    "scenario.start",
    "balancer.actor",
    "actions.strike.goldstein",
)


@dataclass
class Case:
    """A command line, whether it must succeed and, if not, the key its error line names."""

    command: str  # sim-run | sim-sweep
    argv: list[str]
    valid: bool
    key: str = ""  # the corrupted key: its last part must be in the error line
    kind: str = "valid"
    files: dict = field(default_factory=dict)  # relative path: text, written before the run


def _float(value: float) -> str:
    return repr(float(value))


OPTIONAL = ("scenario.random_stances",)  # not in every scenario: set with ++ (add or override)


def _set(key: str) -> str:
    return f"++{key}" if key in OPTIONAL else key


@st.composite
def valid_overrides(draw, max_size: int = 4) -> list[str]:
    """A few overrides with values inside their documented ranges."""
    out = []
    for key in draw(st.lists(st.sampled_from(sorted(NUMERIC)), max_size=max_size, unique=True)):
        out.append(f"{_set(key)}={_float(draw(NUMERIC[key][0]))}")
    for key in draw(st.lists(st.sampled_from(sorted(INTEGER)), max_size=2, unique=True)):
        out.append(f"{key}={draw(INTEGER[key][0])}")
    if draw(st.booleans()):
        out.append(f"decision={draw(st.sampled_from(GROUPS['decision']))}")
    return out


def _mistype(draw, word: str) -> str:
    """``word`` with one letter dropped, doubled, swapped or changed."""
    k = draw(st.integers(0, len(word) - 1))
    how = draw(st.sampled_from(("drop", "double", "swap", "change")))
    if how == "drop" and len(word) > 1:
        return word[:k] + word[k + 1 :]
    if how == "double":
        return word[:k] + word[k] + word[k:]
    if how == "swap" and k + 1 < len(word) and word[k] != word[k + 1]:
        return word[:k] + word[k + 1] + word[k] + word[k + 2 :]
    letter = draw(st.sampled_from("xqzjv"))
    return word[:k] + letter + word[k + 1 :]


@st.composite
def corruption(draw) -> tuple[str, str, str]:
    """One bad override: (override, the key its error must name, kind)."""
    kind = draw(
        st.sampled_from(
            ("typo", "typo_added", "range", "not_a_number", "integer", "boolean", "group", "interp")
        )
    )
    if kind in ("typo", "typo_added"):
        key = draw(st.sampled_from(LEAVES))
        *head, last = key.split(".")
        wrong = _mistype(draw, last)
        if wrong == last or (not head and wrong in TOP_LEVEL_WORDS):
            wrong = last + "x"
        bad = ".".join([*head, wrong])
        return ("+" if kind == "typo_added" else "") + f"{bad}=1", wrong, kind
    if kind == "range":
        key = draw(st.sampled_from(sorted(NUMERIC)))
        return f"{_set(key)}={draw(st.sampled_from(NUMERIC[key][1]))}", key.split(".")[-1], kind
    if kind == "not_a_number":
        key = draw(st.sampled_from(sorted({**NUMERIC, **INTEGER})))
        return f"{_set(key)}={draw(st.sampled_from(NOT_NUMBERS))}", key.split(".")[-1], kind
    if kind == "integer":
        key = draw(st.sampled_from(sorted(INTEGER)))
        return f"{key}={draw(st.sampled_from(INTEGER[key][1]))}", key.split(".")[-1], kind
    if kind == "boolean":
        key = draw(st.sampled_from(sorted(BOOLEAN)))
        return f"{key}={draw(st.sampled_from(BOOLEAN[key][1:]))}", key.split(".")[-1], kind
    if kind == "group":
        group = draw(st.sampled_from(sorted(GROUPS)))
        option = _mistype(draw, draw(st.sampled_from(GROUPS[group])))
        if option in GROUPS[group]:
            option += "x"
        return f"{group}={option}", option, kind
    key = draw(st.sampled_from(sorted(NUMERIC)))
    target = draw(st.sampled_from(("nope.x", key, "dynamics.nothere")))
    return f"{_set(key)}=${{{target}}}", key.split(".")[-1], kind


TOP_LEVEL_WORDS = ("seed", "overwrite", "balancer", "dynamics", "outputs", "actors", "relations")


@st.composite
def scenario_file(draw) -> tuple[dict, str, str]:
    """A scenario file of a --config-dir, jan2020 with one mistake: (files, key, kind)."""
    mistakes = {
        "unknown_key": ("  stepdays: 7\n", "stepdays"),
        "bad_date": ("  end: 2020-02-31\n", "end"),
        "bad_step_days": ("  step_days: 0\n", "step_days"),
        "self_target": (
            "  events:\n    self_strike:\n      type: strike\n      attacker: ISR\n"
            "      target: ISR\n      action: missile_strike\n      date: 2020-01-10\n",
            "self_strike",
        ),
        "unknown_actor": (
            "  events:\n    ghost:\n      type: strike\n      attacker: XXX\n      target: ISR\n"
            "      action: missile_strike\n      date: 2020-01-10\n",
            "attacker",
        ),
        "not_yaml": ("  name: [unclosed\n", "fuzzed"),
    }
    kind = draw(st.sampled_from(sorted(mistakes)))
    line, key = mistakes[kind]
    text = (
        "# @package _global_\ndefaults:\n  - jan2020\n  - _self_\nscenario:\n  name: fuzzed\n"
        + line
    )
    return {"confs/scenario/fuzzed.yaml": text}, key, f"scenario_{kind}"


@st.composite
def cases(draw, sweeps: bool = True) -> Case:
    """A case of any kind: a third valid (sim-run), the rest corrupted."""
    base = draw(valid_overrides())
    roll = draw(st.sampled_from((3, 4, 5, 6, 7, 8, 0, 1, 2)))  # uniform; shrinks to a mistake
    if roll <= 2:
        scenario = draw(st.sampled_from((*SCENARIOS, *GAMES)))
        if scenario.startswith("games/"):  # a game has no model parameters
            base = [o for o in base if o.startswith(("seed=",))]
        return Case("sim-run", [f"scenario={scenario}", *base, "outputs.figures=false"], True)
    if roll == 3:
        files, key, kind = draw(scenario_file())
        return Case(
            "sim-run", ["--config-dir", "confs", "scenario=fuzzed", *base], False, key, kind, files
        )
    override, key, kind = draw(corruption())
    command = "sim-sweep" if sweeps and roll == 8 else "sim-run"
    corrupted = override.lstrip("+").partition("=")[0]
    argv = [*(o for o in base if o.partition("=")[0] != corrupted), override]
    if command == "sim-sweep":
        extra = draw(st.sampled_from(sorted(SWEEP_INTEGER)))
        argv.append(f"{extra}={draw(st.sampled_from(SWEEP_INTEGER[extra]))}")
        argv.append("progress=false")
    position = draw(st.integers(0, len(argv) - 1))
    argv.insert(position, argv.pop())  # the mistake anywhere on the line
    return Case(command, argv, False, key, kind)


@dataclass
class Outcome:
    code: int | str
    stdout: str
    stderr: str


def invoke(case: Case, folder: Path, out_dir: Path | None = None) -> Outcome:
    """Run the case's command in this process (its ``main``, as the console script does) with
    ``folder`` as working directory, writing into ``out_dir`` (``folder/result`` by default)."""
    from sim.cli import run, sweep

    main = {"sim-run": run.main, "sim-sweep": sweep.main}[case.command]
    for name, text in case.files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    out_dir = out_dir or folder / "result"
    argv = [case.command, *case.argv, f"hydra.run.dir={out_dir}"]
    stdout, stderr = io.StringIO(), io.StringIO()
    saved, cwd = sys.argv, os.getcwd()
    sys.argv = argv
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                main()
                code = 0
            except SystemExit as stop:
                code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
            except Exception:  # a traceback: what no user input may cause
                code = "traceback"
                stderr.write(traceback.format_exc())
    finally:
        sys.argv = saved
        os.chdir(cwd)
    return Outcome(code, stdout.getvalue(), stderr.getvalue())


def check(case: Case, outcome: Outcome, folder: Path) -> str | None:
    """What is wrong with the outcome of ``case``, or None."""
    out_dir = folder / "result"
    if case.valid:
        if outcome.code != 0:
            return f"exit {outcome.code}: {outcome.stderr.strip()[-400:]}"
        for name in ("summary.json", "steps.parquet", ".hydra/config.yaml"):
            if not (out_dir / name).is_file():
                return f"exit 0 but no {name}"
        return None
    lines = outcome.stderr.strip().splitlines()
    if outcome.code != 2:
        return f"exit {outcome.code} (not 2): {outcome.stderr.strip()[-400:]}"
    if len(lines) != 1:
        return f"{len(lines)} lines on stderr: {outcome.stderr.strip()[-400:]}"
    if not lines[0].startswith(f"{case.command}: error: "):
        return f"not an error line: {lines[0]}"
    if case.key and case.key not in lines[0]:
        return f"the line does not name {case.key!r}: {lines[0]}"
    if out_dir.exists():
        return f"left {sorted(p.name for p in out_dir.iterdir())} in the result folder"
    return None
