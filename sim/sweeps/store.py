"""Where a sweep's results go: Parquet parts that survive a crash, failures, and the manifest.

Layout of a sweep's output directory::

    manifest.json        the sweep: resolved config, design, seeds rule, version, commit, counts
    design.parquet       one row per design point: its parameter values
    results/part-NNNNNN.parquet   one row per finished run (run, scenario, point, replicate, seed,
                         every swept parameter, every metric of summary.json flattened)
    steps/part-NNNNNN.parquet     with collect=steps: one row per run, step and actor
    failures.parquet     one row per run that raised: run, scenario, point, replicate, seed,
                         parameters, error

Every file is written to a hidden temporary name in its own folder and moved into place with
``os.replace``, so a kill at any moment leaves only whole files. A run is done when its index is
in a results part or in failures.parquet; a resumed sweep runs only the others, so each run
appears exactly once.
"""

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from sim.core.actions import COMPONENTS
from sim.outputs.atomic import atomic_write_json, atomic_write_table  # noqa: F401 - re-exported

MANIFEST = "manifest.json"
DESIGN_FILE = "design.parquet"
FAILURES = "failures.parquet"
RESULTS_DIR = "results"
STEPS_DIR = "steps"
_PART = re.compile(r"^part-(\d{6,})\.parquet$")

RUN_COLUMNS = (
    ("run", pa.int64()),
    ("scenario", pa.string()),
    ("point", pa.int64()),
    ("replicate", pa.int64()),
    ("seed", pa.int64()),
)
SCALAR_METRICS = (
    ("hedge_index", pa.float64()),
    ("tilt", pa.float64()),
    ("balance_broken", pa.bool_()),
    ("balance_broken_step", pa.int64()),
    ("escalations", pa.int64()),
)


def level_type(values) -> pa.DataType:
    """The Parquet type of a parameter column."""
    return pa.array(list(values)).type


@dataclass(frozen=True)
class Layout:
    """The columns of a sweep's tables, fixed before the first run so that every part of every
    session has the same schema: the union of the scenarios' actors and of each actor's
    alternatives (the labels of ``action_counts``)."""

    parameters: tuple  # ((path, pa type), ...)
    codes: tuple  # every actor of every scenario, in order of first appearance
    labels: dict = field(default_factory=dict)  # code -> tuple of alternative labels

    @classmethod
    def of(cls, design, scenarios) -> "Layout":
        """``scenarios``: validated ``RunSpec`` objects (one per scenario of the sweep)."""
        params = tuple((name, level_type(design.points[name])) for name in design.names)
        codes, labels = [], {}
        for sc in scenarios:
            alts = sc.alternatives()
            names, sc_codes = sc.table.names, list(sc.structure.codes)
            for i, code in enumerate(sc_codes):
                if code not in labels:
                    codes.append(code)
                    labels[code] = []
                for a in range(alts.shape[1]):
                    label = alts.label(i, a, names, sc_codes)
                    if alts.valid[i, a] and label not in labels[code]:
                        labels[code].append(label)
        return cls(params, tuple(codes), {c: tuple(v) for c, v in labels.items()})

    def metric_columns(self) -> list[tuple[str, pa.DataType]]:
        cols = [
            (f"final_stance.{a}.{b}", pa.float64())
            for a in self.codes
            for b in self.codes
            if a != b
        ]
        cols += [(f"cumulative_utility.{a}", pa.float64()) for a in self.codes]
        cols += list(SCALAR_METRICS)
        cols += [(f"action_counts.{a}.{x}", pa.int64()) for a in self.codes for x in self.labels[a]]
        return cols

    def schema(self) -> pa.Schema:
        return pa.schema([*RUN_COLUMNS, *self.parameters, *self.metric_columns()])

    def columns(self) -> list[str]:
        return self.schema().names

    def failure_schema(self) -> pa.Schema:
        return pa.schema([*RUN_COLUMNS, *self.parameters, ("error", pa.string())])

    def steps_schema(self) -> pa.Schema:
        return pa.schema(
            [
                ("run", pa.int64()),
                ("step", pa.int64()),
                ("actor", pa.string()),
                *[(f"stance_{c}", pa.float64()) for c in self.codes],
                *[(c, pa.float64()) for c in COMPONENTS],
                ("utility", pa.float64()),
                ("action", pa.string()),
                ("probability", pa.float64()),
            ]
        )

    def describe(self) -> dict:
        """The layout as kept in manifest.json (compared on resume)."""
        return {
            "results": [f"{f.name}: {f.type}" for f in self.schema()],
            "steps": [f"{f.name}: {f.type}" for f in self.steps_schema()],
        }


def flatten_summary(summary: dict, layout: Layout) -> dict:
    """The metric columns of one run from its summary.json dict (``responses`` left out,
    missing action counts are 0, stances toward actors of other scenarios are null)."""
    row = {}
    fs, cu = summary["final_stance"], summary["cumulative_utility"]
    for a in layout.codes:
        for b in layout.codes:
            if a != b:
                row[f"final_stance.{a}.{b}"] = fs.get(a, {}).get(b)
    for a in layout.codes:
        row[f"cumulative_utility.{a}"] = cu.get(a)
    for name, _ in SCALAR_METRICS:
        row[name] = summary[name]
    counts = summary["action_counts"]
    for a in layout.codes:
        known = layout.labels[a]
        mine = counts.get(a, {})
        unknown = set(mine) - set(known)
        if unknown:
            raise ValueError(
                f"{a} chose {sorted(unknown)}, alternatives the base config of the sweep does not "
                "have (a swept parameter changes the catalogue); the results table has no column "
                "for them"
            )
        for x in known:
            row[f"action_counts.{a}.{x}"] = int(mine.get(x, 0))
    return row


def alternative_labels(scenario) -> list[list[str]]:
    """``labels[i][a]``: the label of actor i's alternative a (``engage:ISR``, ``wait``)."""
    alts = scenario.alternatives()
    names, codes = scenario.table.names, list(scenario.structure.codes)
    return [
        [alts.label(i, a, names, codes) for a in range(alts.shape[1])] for i in range(alts.shape[0])
    ]


def steps_columns(model, run: int, codes: tuple) -> dict:
    """Per-step series of one run: one row per step and actor (``collect=steps``)."""
    r = model.record
    return record_steps(
        r.stance, r.payoffs, r.utility, r.choice, r.probability,
        model.structure.codes, alternative_labels(model.scenario), run, codes,
    )  # fmt: skip


def record_steps(stance, payoffs, utility, choice, probability, own, labels, run, codes) -> dict:
    """The steps table of one run from its record arrays (stance (T, n, n), ...); ``own``: the
    run's actor codes, ``codes``: the sweep's."""
    import numpy as np

    steps, n = utility.shape
    t = np.repeat(np.arange(1, steps + 1), n)
    i = np.tile(np.arange(n), steps)
    out = {"run": np.full(t.shape, run, dtype=np.int64), "step": t, "actor": [own[k] for k in i]}
    for code in codes:
        if code in own:
            j = own.index(code)
            col = stance[:, :, j].ravel().copy()
            col[i == j] = np.nan
        else:
            col = np.full(t.shape, np.nan)
        out[f"stance_{code}"] = col
    for c, name in enumerate(COMPONENTS):
        out[name] = payoffs[:, :, c].ravel()
    out["utility"] = utility.ravel()
    out["action"] = [labels[x][a] for x, a in zip(i, choice.ravel(), strict=True)]
    out["probability"] = probability.ravel()
    return out


def cumulative(utility):
    """Each run's and actor's total over the steps of ``utility`` (R, T, n), summed as summary()
    sums one run's (T,) column, so that the bits agree: numpy sums a row pairwise, and a
    contiguous row of T steps is summed in the same order as a strided column of T steps (a sum
    over axis 1 of (R, T, n) would add step after step instead)."""
    import numpy as np

    return np.ascontiguousarray(utility.transpose(0, 2, 1)).sum(axis=-1)


def choice_counts(choice, width: int):
    """How often each run's actor chose each alternative: (R, n, width) from ``choice`` (R, T, n)."""
    import numpy as np

    runs, _, n = choice.shape
    cell = (np.arange(runs)[:, None, None] * n + np.arange(n)) * width + choice
    return np.bincount(cell.ravel(), minlength=runs * n * width).reshape(runs, n, width)


def ensemble_columns(record, scenario, layout: Layout) -> tuple[dict, dict]:
    """The metric columns of an ensemble's runs (``sim.engine.ensemble.EnsembleRecord``, all runs of
    ``scenario``'s shape), equal run by run to :func:`flatten_summary` of the Mesa model's
    ``summary.json``; and ``{row: error}`` for runs that chose an alternative the layout has no
    column for (as :func:`flatten_summary` raises for them)."""
    import numpy as np

    from sim.outputs.metrics import (
        agent_escalations,
        balance_broken_steps,
        event_escalations,
        hedge_and_tilt,
    )

    runs = record.stance.shape[0]
    own = list(scenario.structure.codes)
    alts = scenario.alternatives()
    final = record.stance[:, -1]
    cols = {}
    for a in layout.codes:
        for b in layout.codes:
            if a != b:
                cols[f"final_stance.{a}.{b}"] = (
                    final[:, own.index(a), own.index(b)] if a in own and b in own else None
                )
    utility = cumulative(record.utility)
    for a in layout.codes:
        cols[f"cumulative_utility.{a}"] = utility[:, own.index(a)] if a in own else None
    b, r1, r2 = (own.index(c) for c in scenario.balancer)
    hedge, tilt = hedge_and_tilt(final, b, r1, r2)
    broken = balance_broken_steps(record.stance, b, r1, r2)
    cols["hedge_index"], cols["tilt"] = hedge, tilt
    cols["balance_broken"] = broken > 0
    cols["balance_broken_step"] = np.where(broken > 0, broken, None)
    cols["escalations"] = agent_escalations(
        record.choice, alts.action, scenario.table.escalation
    ) + event_escalations(scenario.events, scenario.table)
    labels = alternative_labels(scenario)
    width = alts.shape[1]
    counts = choice_counts(record.choice, width)
    errors = {}
    for i, code in enumerate(own):
        known = layout.labels[code]
        for a in range(width):
            if labels[i][a] not in known:
                for row in np.flatnonzero(counts[:, i, a]):
                    errors.setdefault(int(row), {}).setdefault(code, set()).add(labels[i][a])
    for code in layout.codes:
        for x in layout.labels[code]:
            col = np.zeros(runs, dtype=np.int64)
            if code in own:
                i = own.index(code)
                for a in range(width):
                    if labels[i][a] == x:
                        col += counts[:, i, a]
            cols[f"action_counts.{code}.{x}"] = col
    return cols, {
        row: " ".join(
            f"ValueError: {code} chose {sorted(found)}, alternatives the base config of the "
            "sweep does not have (a swept parameter changes the catalogue); the results table "
            "has no column for them"
            for code, found in by_code.items()
        )
        for row, by_code in errors.items()
    }


# ---------------------------------------------------------------------------------------------
# Files


def part_numbers(folder: Path) -> dict[int, Path]:
    if not folder.is_dir():
        return {}
    return {int(m.group(1)): p for p in folder.iterdir() if (m := _PART.match(p.name))}


def remove_temporaries(folder: Path) -> None:
    """Half-written files of a killed session (hidden ``.*.tmp``): never part of a result."""
    if folder.is_dir():
        for p in folder.glob(".*.tmp"):
            p.unlink(missing_ok=True)


def file_record(path: Path) -> dict:
    """What the manifest keeps of a written file (``parts``): its rows and SHA-256."""
    rows = pq.ParquetFile(path).metadata.num_rows
    return {"rows": int(rows), "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}


def check_file(path: Path, record: dict | None) -> str | None:
    """What is wrong with a part, or None: missing, unreadable, or not what the manifest
    recorded (``record`` None: a part written after the manifest was last saved, accepted
    whole if it reads)."""
    if not path.is_file():
        return "is missing"
    try:
        table = pq.read_table(path)
    except Exception as error:  # noqa: BLE001 - a truncated or foreign file
        return f"cannot be read ({type(error).__name__})"
    if record is None:
        return None
    if table.num_rows != record["rows"]:
        return f"has {table.num_rows} rows, the manifest recorded {record['rows']}"
    if hashlib.sha256(path.read_bytes()).hexdigest() != record["sha256"]:
        return "differs from the checksum the manifest recorded"
    return None


class Store:
    """The output directory of one sweep, written part by part. ``parts`` records every file
    written (results, steps, failures, design: rows and SHA-256, kept in the manifest) so that
    a resumed sweep and ``sim-verify`` find a damaged one."""

    def __init__(self, root, layout: Layout, collect_steps: bool = False):
        self.root = Path(root)
        self.layout = layout
        self.collect_steps = collect_steps
        self.schema = layout.schema()
        self.failure_schema = layout.failure_schema()
        self.steps_schema = layout.steps_schema()
        self.results = self.root / RESULTS_DIR
        self.steps = self.root / STEPS_DIR
        self.next_part = 0
        self.failures: list[dict] = []
        self._failures_written = 0
        self._tables: list[pa.Table] = []
        self._steps: list[pa.Table] = []
        self.buffered = 0
        self.parts: dict[str, dict] = {}  # relative path -> file_record
        self.repairs: list[str] = []  # what scan() removed, in words

    def record(self, path: Path) -> None:
        self.parts[path.relative_to(self.root).as_posix()] = file_record(path)

    # -- resume ---------------------------------------------------------------------------

    def repair(self, recorded: dict) -> None:
        """Remove every damaged part (checked against ``recorded``, the manifest's ``parts``)
        with its pair, so that their runs are run again; say what was done in ``repairs``. A
        part the manifest does not know is kept if it reads (written just before a kill)."""
        removed = set()
        for _, path in sorted(part_numbers(self.results).items()):
            rel, pair = f"{RESULTS_DIR}/{path.name}", self.steps / path.name
            rows = recorded.get(rel, {}).get("rows", "its")
            where, problem = rel, check_file(path, recorded.get(rel))
            steps_rel = f"{STEPS_DIR}/{path.name}"
            if not problem and self.collect_steps and (steps_rel in recorded or pair.is_file()):
                where, problem = steps_rel, check_file(pair, recorded.get(steps_rel))
            if problem:
                path.unlink(missing_ok=True)
                pair.unlink(missing_ok=True)
                removed.add(rel)
                self.repairs.append(
                    f"{where} {problem}: removed it and its pair; its {rows} runs run again"
                )
        for rel, rec in sorted(recorded.items()):
            gone = rel.startswith(f"{RESULTS_DIR}/") and not (self.root / rel).is_file()
            if gone and rel not in removed:
                self.repairs.append(f"{rel} is missing: its {rec['rows']} runs run again")
        for name in (FAILURES, DESIGN_FILE):
            path = self.root / name
            if path.is_file() and (problem := check_file(path, recorded.get(name))):
                path.unlink()
                again = "its failed runs run again" if name == FAILURES else "written again"
                self.repairs.append(f"{name} {problem}: removed it; {again}")

    def scan(self, total: int, retry_failed: bool = False, recorded: dict | None = None):
        """Which runs are already done: a boolean array of length ``total``, and how many of
        them are results. Removes what a killed session left half-done and, checked against
        ``recorded`` (the manifest's ``parts``), every damaged part, whose runs are not done."""
        import numpy as np

        for folder in (self.root, self.results, self.steps):
            remove_temporaries(folder)
        self.repair(recorded or {})
        done = np.zeros(total, dtype=bool)
        parts = part_numbers(self.results)
        n_results = 0
        for _, path in sorted(parts.items()):
            try:
                runs = pq.read_table(path, columns=["run"]).column("run").to_numpy()
            except Exception as error:  # noqa: BLE001 - a foreign or broken file
                raise RuntimeError(f"{path} cannot be read: {error}") from error
            if runs.size and (runs.min() < 0 or runs.max() >= total):
                raise RuntimeError(f"{path} holds run indices outside 0..{total - 1}")
            if done[runs].any() or np.unique(runs).size != runs.size:
                raise RuntimeError(
                    f"{path} repeats runs already in another part; remove it (and "
                    f"{STEPS_DIR}/{path.name} if there is one) and rerun: its runs run again"
                )
            done[runs] = True
            n_results += runs.size
            self.record(path)
        for number, path in part_numbers(self.steps).items():
            if number not in parts:  # the session died between the steps part and its results
                path.unlink()
            else:
                self.record(path)
        self.next_part = max(parts, default=-1) + 1
        failures_path = self.root / FAILURES
        if failures_path.is_file():
            if retry_failed:
                failures_path.unlink()
            else:
                table = pq.read_table(failures_path)
                self.record(failures_path)
                self.failures = table.to_pylist()
                self._failures_written = len(self.failures)
                done[np.array([f["run"] for f in self.failures], dtype=np.int64)] = True
        return done, n_results

    # -- writing --------------------------------------------------------------------------

    def add(self, table: pa.Table | None, failures: list[dict], steps=None) -> None:
        """Buffer one chunk's results (a table of ``self.schema``), failures and steps."""
        if table is not None and table.num_rows:
            self._tables.append(table)
            self.buffered += table.num_rows
        self.failures.extend(failures)
        if steps is not None and steps.num_rows:
            self._steps.append(steps)

    def flush(self) -> None:
        """Write the buffered rows as the next part (steps first, then results), and the
        failures when there are new ones."""
        if self.buffered:
            table = pa.concat_tables(self._tables).sort_by("run")
            name = f"part-{self.next_part:06d}.parquet"
            if self.collect_steps:
                self.steps.mkdir(parents=True, exist_ok=True)
                steps = (
                    pa.concat_tables(self._steps)
                    if self._steps
                    else self.steps_schema.empty_table()
                )
                steps = steps.sort_by([("run", "ascending"), ("step", "ascending")])
                atomic_write_table(self.steps / name, steps)
                self.record(self.steps / name)
            self.results.mkdir(parents=True, exist_ok=True)
            atomic_write_table(self.results / name, table)
            self.record(self.results / name)
            self.next_part += 1
            self._tables = []
            self._steps = []
            self.buffered = 0
        if len(self.failures) != self._failures_written:
            rows = sorted(self.failures, key=lambda f: f["run"])
            table = pa.Table.from_pylist(rows, schema=self.failure_schema)
            atomic_write_table(self.root / FAILURES, table)
            self.record(self.root / FAILURES)
            self._failures_written = len(self.failures)


# ---------------------------------------------------------------------------------------------
# Reading


def load_results(root, columns=None):
    """All results of a sweep as one pandas DataFrame sorted by run index."""
    import pandas as pd

    folder = Path(root) / RESULTS_DIR
    parts = [p for _, p in sorted(part_numbers(folder).items())]
    if not parts:
        return pd.DataFrame()
    table = pa.concat_tables(pq.read_table(p, columns=columns) for p in parts)
    return table.sort_by("run").to_pandas()


def load_steps(root, columns=None):
    """The per-step series of a sweep (``collect=steps``) as one pandas DataFrame: one row per
    run, step and state. FileNotFoundError when the sweep kept none."""
    folder = Path(root) / STEPS_DIR
    parts = [p for _, p in sorted(part_numbers(folder).items())]
    if not parts:
        raise FileNotFoundError(f"{folder}: no steps (the sweep needs collect=steps)")
    return pa.concat_tables(pq.read_table(p, columns=columns) for p in parts).to_pandas()


def load_failures(root):
    import pandas as pd

    path = Path(root) / FAILURES
    return pq.read_table(path).to_pandas() if path.is_file() else pd.DataFrame()


def verify(root) -> tuple[list[str], int, int]:
    """Check a sweep folder against its manifest without changing it: what is wrong (one
    sentence per damaged, missing or unrecorded-and-unreadable part), how many parts were
    checked and how many result rows they hold. A manifest of an older version records no
    parts: then only that each part reads is checked."""
    import json

    root = Path(root)
    manifest = json.loads((root / MANIFEST).read_text())
    recorded = manifest.get("parts", {})
    problems, checked, rows = [], 0, 0
    on_disk = {
        p.relative_to(root).as_posix()
        for folder in (root / RESULTS_DIR, root / STEPS_DIR)
        for p in part_numbers(folder).values()
    } | {name for name in (FAILURES, DESIGN_FILE) if (root / name).is_file()}
    for rel in sorted(set(recorded) | on_disk):
        checked += 1
        problem = check_file(root / rel, recorded.get(rel))
        if problem:
            problems.append(f"{rel} {problem}")
        elif rel.startswith(f"{RESULTS_DIR}/"):
            rows += pq.ParquetFile(root / rel).metadata.num_rows
    return problems, checked, rows
