"""The report of a run folder or a sweep folder: the figures that fit what it holds, ``report.md``
and a self-contained ``report.html`` (images inlined), each table with a sentence on what it
means. ``sim-report PATH`` writes them into ``PATH/report/``."""

import base64
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis import plots
from sim.analysis.compare import compare
from sim.analysis.load import load_run, load_sweep
from sim.outputs.figures import plt

OUTCOMES = ("hedge_index", "tilt", "balance_broken", "escalations")
HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.45;color:#111}
table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2em .5em;text-align:right}
th{background:#eee}img{max-width:100%}</style></head>
<body>{{ body }}</body></html>
"""


def kind_of(path) -> str:
    """``run``, ``sweep``, or ValueError naming what a report needs."""
    path = Path(path)
    if (path / "manifest.json").is_file():
        return "sweep"
    if (path / "summary.json").is_file():
        return "run"
    raise ValueError(
        f"{path}: neither a run folder (summary.json) nor a sweep folder (manifest.json)"
    )


def _table(frame: pd.DataFrame, digits: int = 3) -> str:
    """A DataFrame as a Markdown table (no optional dependency)."""
    frame = frame.reset_index()
    head = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "---|" * len(frame.columns)

    def cell(v):
        if isinstance(v, float | np.floating):
            return "—" if np.isnan(v) else f"{v:.{digits}g}"
        return str(v)

    rows = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *rows])


SENSITIVITY_WORDS = {  # design: (the method's name, what its bars mean)
    "sobol": ("Sobol' indices", "the share of its variance each parameter explains alone (S1) "
              "and with its interactions (ST)."),
    "morris": ("Morris elementary effects", "how far a step in each parameter moves it on "
               "average (mu*, in the outcome's units); the larger, the more it matters."),
}  # fmt: skip
WIDE_INTERVAL = 0.1  # a confidence half-width past which the report says the indices are rough


def run_report(path: Path, figures: dict, progress=None) -> tuple[str, str]:
    """(title, Markdown) of a run folder; its figures added to ``figures`` (name: Figure)."""
    run = load_run(path)
    s = run.summary
    title = f"Run: {s.get('scenario')} (seed {s.get('seed')})"
    lines = [f"# {title}", ""]
    if "balancer" not in s:  # a classic game
        lines += [f"A two-player game of {s.get('steps')} rounds.", "", _table(run.steps.head(10))]
        return title, "\n".join(lines)
    b = s["balancer"]
    lines += [
        f"{s['steps']} steps from {s['start']} to {s['end']}, decision rule "
        f"{s['decision_rule']}.", "",
        "| measure | value | what it means |", "|---|---|---|",
        f"| hedge index | {s['hedge_index']:+.3f} | the weaker of {b['actor']}'s two mutual "
        "relations at the end: above 0, it is on good terms with both rivals |",
        f"| tilt | {s['tilt']:+.3f} | above 0, {b['actor']} leans to {b['rivals'][0]} |",
        f"| balance broken | {'yes' if s['balance_broken'] else 'no'} | whether a relation with "
        "a rival turned hostile |",
        f"| escalations | {s['escalations']} | costly acts (sanctions, strikes) in the run |", "",
    ]  # fmt: skip
    final = pd.DataFrame(s["final_stance"]).T.rename_axis("from \\ toward")
    final = final[list(final.index)]  # columns in the rows' order: the diagonal is the diagonal
    lines += ["Final stances (row toward column):", "", _table(final), ""]
    codes = list(final.index)
    last = run.steps[run.steps["step"] == run.steps["step"].max()].set_index("actor")
    stance = np.array([[last.loc[a, f"stance_{b}"] if a != b else 0.0 for b in codes]
                       for a in codes])  # fmt: skip
    graph = f"Relations on {s['end']}, the end of the run\n(mean of the two stances)"
    figures["relations_graph"] = plots.relation_graph(stance, codes, graph)
    lines += [f"![{graph.replace(chr(10), ' ')}](figures/relations_graph.png)", ""]
    figures["payoff_decomposition"] = plots.payoff_decomposition(run)
    lines += ["What each state's utility is made of: its weight times each payoff, gains "
              "stacked up and losses down, the line their sum.", "",
              "![payoff decomposition](figures/payoff_decomposition.png)", ""]  # fmt: skip
    for name in ("relations", "payoffs"):
        if (path / "figures" / f"{name}.png").is_file():
            lines += [f"![{name}](../figures/{name}.png)", ""]
    return title, "\n".join(lines)


def sweep_report(path: Path, figures: dict, progress=None) -> tuple[str, str]:
    """(title, Markdown) of a sweep folder; its figures added to ``figures``."""
    from sim.analysis.sensitivity import sensitivity

    sweep = load_sweep(path)
    runs, m = sweep.runs, sweep.manifest
    title = f"Sweep: {m['design']['type']} design, {len(runs)} runs"
    present = [o for o in OUTCOMES if o in runs.columns]
    lines = [f"# {title}", "",
             f"Scenarios {', '.join(m['scenarios'])}; {m['replicates']} replicates per point; "
             f"status {m['status']}.", ""]  # fmt: skip
    by = runs.groupby("scenario", sort=False)[present].mean()
    lines += ["Mean outcomes per scenario (a boolean's mean is a share of runs):", "",
              _table(by), ""]  # fmt: skip
    if runs["scenario"].nunique() >= 2 and "tilt" in runs.columns:
        c = compare(runs, "tilt")
        e = c.effect
        figures["compare_tilt"] = plots.comparison(c, "tilt")
        lines += [f"Tilt, {e['b']} against {e['a']}: {e['difference']:+.3g} "
                  f"[{e['low']:+.3g}, {e['high']:+.3g}] ({'paired by seed' if e['paired'] else 'unpaired'}).",
                  "", "![tilt by scenario](figures/compare_tilt.png)", ""]  # fmt: skip
    if progress:
        progress.update(1)
    if sweep.design_type in ("sobol", "morris") and runs["scenario"].nunique() == 1:
        for outcome in [o for o in ("tilt", "hedge_index") if o in runs.columns]:
            table = sensitivity(sweep, outcome)
            fig = plots.sensitivity_bars(
                table, ("S1", "ST") if sweep.design_type == "sobol" else ("mu_star",)
            )
            method, meaning = SENSITIVITY_WORDS[sweep.design_type]
            fig.axes[0].set_title(f"What drives {outcome}: {method}, {len(runs)} runs",
                                  fontsize=10)  # fmt: skip
            fig.tight_layout()
            figures[f"sensitivity_{outcome}"] = fig
            wide = table["conf"].max() > WIDE_INTERVAL
            lines += [f"Sensitivity of {outcome}: {meaning}" + (
                          f" The 95% intervals reach ±{table['conf'].max():.2f}: too few runs to"
                          " rank the parameters; a larger `design.n` narrows them." if wide else ""),
                      "", f"![sensitivity of {outcome}](figures/sensitivity_{outcome}.png)", ""]  # fmt: skip
    lines += _prim_section(sweep, figures)
    if (path / "steps").is_dir():
        figures["trajectories"] = plots.trajectories(
            sweep.steps(),
            [("ISR", "RUS"), ("IRN", "RUS"), ("RUS", "ISR"), ("RUS", "IRN")],
            groups=runs.set_index("run")["scenario"] if runs["scenario"].nunique() > 1 else None,
        )
        lines += ["Stances across the runs: the median and the band of 90% of runs, one panel "
                  "per scenario.", "",
                  "![trajectories](figures/trajectories.png)", ""]  # fmt: skip
    if progress:
        progress.update(1)
    return title, "\n".join(lines)


# What PRIM looks for, in order: the first with enough cases and non-cases is used.
# (column, threshold, what a case is)
PRIM_OUTCOMES = (
    ("balance_broken", None, "the balance broke"),
    ("tilt", 0.0, "{actor} leaned to {rival} (tilt > 0)"),
)
PRIM_MIN_CASES = 5
PRIM_MIN_SHARE = 0.02  # a box of fewer cases (13 of 26,624 broken balances) is noise, not a region


def _prim_section(sweep, figures: dict) -> list[str]:
    """Scenario discovery (PRIM) over the swept parameters for the first outcome of
    ``PRIM_OUTCOMES`` with at least ``PRIM_MIN_CASES`` cases and as many non-cases: the
    trade-off curve, the box's limits and a sentence; nothing for a sweep that varies no
    parameter or mixes scenarios."""
    from sim.analysis.discover import discover, plot_box

    runs, inputs = sweep.runs, [p for p in sweep.parameters if p in sweep.runs.columns]
    if not inputs or runs["scenario"].nunique() != 1:
        return []
    least = max(PRIM_MIN_CASES, PRIM_MIN_SHARE * len(runs))
    found = [(o, t, c) for o, t, c in PRIM_OUTCOMES if o in runs.columns]
    found = [(o, t, c, _cases(runs, o, t)) for o, t, c in found]
    rare = [f"{f[0]} ({int(f[3].sum())} of {len(runs)} runs)" for f in found
            if min(int(f[3].sum()), int((~f[3]).sum())) < least]  # fmt: skip
    found = [f for f in found if min(int(f[3].sum()), int((~f[3]).sum())) >= least]
    skipped = (f"Too rare or too common for a box: {', '.join(rare)}; a box needs at least "
               f"{least:.0f} runs on each side." if rare else "")  # fmt: skip
    if not found:
        return [f"Scenario discovery (PRIM): no outcome to explore. {skipped}", ""]
    outcome, threshold, case, y = found[0]
    box = discover(runs, outcome, inputs, threshold)
    figures[f"prim_{outcome}"] = plot_box(box)
    limits = box.limits[box.limits["restricted"]][["lower", "upper"]]
    limits["sweep_min"] = runs[limits.index].min()
    limits["sweep_max"] = runs[limits.index].max()
    bounds = [_bound(p, r) for p, r in limits.iterrows()] or ["no limit"]
    where = bounds[0] if len(bounds) == 1 else ", ".join(bounds[:-1]) + " and " + bounds[-1]
    b = (sweep.manifest.get("config") or {}).get("balancer") or {"actor": "RUS", "rivals": ["ISR"]}
    case = case.format(actor=b["actor"], rival=b["rivals"][0])
    return [
        f"Scenario discovery (PRIM) of the runs where {case}: the box with {where} "
        f"holds {box.coverage:.0%} of those runs (coverage), and {box.density:.0%} of the runs "
        f"inside it are such runs (density), against {float(y.mean()):.0%} of all runs. "
        + skipped, "",
        f"![PRIM box of {outcome}](figures/prim_{outcome}.png)", "",
        "The box's limits, beside each parameter's range in the sweep:", "",
        _table(limits.rename_axis("parameter")), "",
    ]  # fmt: skip


def _cases(runs: pd.DataFrame, outcome: str, threshold) -> pd.Series:
    """Which runs are cases: a boolean outcome, or a number above ``threshold``."""
    return runs[outcome].astype(bool) if threshold is None else runs[outcome] > threshold


def _bound(name: str, r) -> str:
    """A restricted parameter's limits in words: only the sides the box moves in."""
    if r.lower > r.sweep_min and r.upper < r.sweep_max:
        return f"{name} in [{r.lower:.3g}, {r.upper:.3g}]"
    return (
        f"{name} at most {r.upper:.3g}"
        if r.upper < r.sweep_max
        else f"{name} at least {r.lower:.3g}"
    )


def write_report(path, progress: bool = False) -> Path:
    """Write ``PATH/report/`` (figures, report.md, report.html) and return it; a whole report
    or none (written beside, then moved into place)."""
    import jinja2
    import markdown
    from tqdm import tqdm

    path = Path(path)
    kind = kind_of(path)
    bar = tqdm(total=3, desc="sim-report", disable=not progress, leave=False)
    figures: dict = {}
    builder = run_report if kind == "run" else sweep_report
    title, text = builder(path, figures, bar)
    staging = Path(tempfile.mkdtemp(prefix=".report-", dir=path))
    try:
        (staging / "figures").mkdir()
        for name, fig in figures.items():
            fig.savefig(staging / "figures" / f"{name}.png", dpi=110, metadata={"Software": None})
            plt.close(fig)
        (staging / "report.md").write_text(text + "\n")
        html = markdown.markdown(_inline_images(text, staging, path), extensions=["tables"])
        page = jinja2.Template(HTML, autoescape=False).render(title=title, body=html)
        (staging / "report.html").write_text(page)
        bar.update(1)
        out = path / "report"
        if out.exists():
            shutil.rmtree(out)
        os.replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        bar.close()
    return out


def _inline_images(text: str, staging: Path, root: Path) -> str:
    """The Markdown with each ``![alt](file)`` image as a data URI, so the HTML stands alone."""
    import re

    def inline(match):
        alt, ref = match.group(1), match.group(2)
        file = (staging / ref) if not ref.startswith("../") else (root / ref[3:])
        data = base64.b64encode(file.read_bytes()).decode()
        return f"![{alt}](data:image/png;base64,{data})"

    return re.sub(r"!\[([^\]]*)\]\(([^)]+\.png)\)", inline, text)
