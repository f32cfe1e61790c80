"""Classic two-actor teaching games (prisoner's dilemma, chicken, stag hunt, matching pennies)
played by the model's own agents and decision rules.

A game scenario (``configs/scenario/games/*.yaml``) names two actors of the actor config, their
action labels and a bimatrix of payoffs: ``payoffs.row[i][j]`` and ``payoffs.col[i][j]`` are what
the first (row) and the second (column) player get when the row player takes its action ``i`` and
the column player its action ``j`` (the convention of ``nashpy.Game(A, B)`` and
``pygambit.Game.from_arrays(A, B)``).

Every step both players move at once. Each forms fictitious-play beliefs about the other's mixed
strategy (``sim.core.decisions.fictitious_beliefs``: the other's past action counts plus
``decision.prior_weight`` spread uniformly), takes the expected payoff of each of its actions
against that belief, turns those into probabilities with the configured rule
(``sim.core.decisions.logit`` with precision ``decision.lam`` times the actor's ``rationality``, or
``sim.core.decisions.best_response``) and draws its action with ``sim.core.decisions.sample``. There is no
look-ahead. Smooth (logit) fictitious play converges to the logit quantal response equilibrium
in 2x2 games where that equilibrium is stable (docs/GAMES.md).
"""

from pathlib import Path

import mesa
import numpy as np

from sim.abm.agents import StateAgent
from sim.core.decisions import RULES, fictitious_beliefs, precision, sample
from sim.core.qre import logit_qre, normal_form_values
from sim.scenario.game import ROLES, GameSpec, build_game  # noqa: F401 - build_game: re-exported
from sim.version import __version__

RESULT_FILES = ("steps.parquet", "figures/frequencies.png", "summary.json")


# ---------------------------------------------------------------------------------------------
# the model
# ---------------------------------------------------------------------------------------------


class GameRecord:
    """Preallocated arrays of a run, one slot per step (columns: row player, column player)."""

    def __init__(self, steps: int, width: int):
        self.choice = np.zeros((steps, 2), dtype=np.int64)
        self.probabilities = np.zeros((steps, 2, width))
        self.values = np.zeros((steps, 2, width))  # expected payoff of each action
        self.payoff = np.zeros((steps, 2))  # realised payoff


class GameModel(mesa.Model):
    """Two states playing a normal-form game over and over with fictitious-play beliefs."""

    def __init__(self, game: GameSpec):
        super().__init__(scenario=game)
        g = game
        self.game, self.decision = g, g.decision
        self.row_payoff, self.col_payoff = g.payoffs
        m, n = self.row_payoff.shape
        self.shape, width = (m, n), max(m, n)
        # both players' payoffs as one (2, width, width) stack, padded with zeros: slab 0 is the
        # row player's (its actions x the column's), slab 1 the column player's (transposed)
        self._stacked = np.zeros((2, width, width))
        self._stacked[0, :m, :n] = self.row_payoff
        self._stacked[1, :n, :m] = self.col_payoff.T
        # each player's own actions occupy the first m (row) or n (column) slots of a row
        self.available = np.zeros((2, width), dtype=bool)
        self.available[0, :m] = True
        self.available[1, :n] = True
        self.counts = np.zeros((2, width))  # how often each player took each of its actions
        self.precision = precision(g.decision.lam, g.rationality)
        self.qre = None  # under decision=qre, the stage game's logit QRE (the same every step)
        if g.decision.rule == "qre":
            profile = np.stack([self.row_payoff, self.col_payoff])  # (2, m, n)
            values = normal_form_values(profile)
            self.qre = logit_qre(values, self.available, self.precision)
        self.rule = RULES.get(g.decision.rule)
        self.prior_weight = g.decision.prior_weight
        # all uniforms are drawn from the model's rng up front (a run of T steps uses the first T
        # rows, so a longer run with the same seed extends a shorter one)
        self._uniforms = self.rng.random((g.steps, 2))
        self.record = GameRecord(g.steps, width)
        self.players = [
            StateAgent(self, code, name, i)
            for i, (code, name) in enumerate(zip(g.codes, g.names, strict=True))
        ]

    @property
    def step_number(self) -> int:
        """The current step, 1-based (Mesa's ``model.time``)."""
        return int(round(self.time))

    def next_decision(self) -> tuple[np.ndarray, np.ndarray]:
        """(values, probabilities), each (2, A): the expected payoff of each player's actions
        against its belief about the opponent, and the probabilities its rule gives them at
        the coming step (read, not changed: the classroom page previews it)."""
        # beliefs[p] is the mixed strategy the opponent expects of player p (zero off its actions)
        # (under qre, each expects the other to play its part of the equilibrium)
        if self.qre is None:
            beliefs = fictitious_beliefs(self.counts, self.available, self.prior_weight)
        else:
            beliefs = self.qre
        values = np.matmul(self._stacked, beliefs[::-1, :, None])[:, :, 0]
        probabilities = self.qre
        if probabilities is None:
            probabilities = self.rule(values, self.available, self.precision)
        return values, probabilities

    def step(self):
        t = self.step_number
        k = t - 1
        values, probabilities = self.next_decision()
        u = self._uniforms[k]
        row, col = self.players
        i = row.choose(sample(probabilities[0], u[0]))
        j = col.choose(sample(probabilities[1], u[1]))
        earned = (self.row_payoff[i, j], self.col_payoff[i, j])
        row.cumulative_utility += earned[0]
        col.cumulative_utility += earned[1]
        self.counts[0, i] += 1.0
        self.counts[1, j] += 1.0
        r = self.record
        r.choice[k] = (i, j)
        r.probabilities[k] = probabilities
        r.values[k] = values
        r.payoff[k] = earned
        if t >= self.game.steps:
            self.running = False


def run_game(game: GameSpec) -> GameModel:
    """Build and run a game model to its last step."""
    model = GameModel(game)
    model.run_model()
    return model


# ---------------------------------------------------------------------------------------------
# outcomes and files
# ---------------------------------------------------------------------------------------------


def pure_nash(row_payoff: np.ndarray, col_payoff: np.ndarray) -> list[tuple[int, int]]:
    """Cells (i, j) where each action is a best response to the other (pure Nash equilibria)."""
    best_row = row_payoff >= row_payoff.max(axis=0, keepdims=True)
    best_col = col_payoff >= col_payoff.max(axis=1, keepdims=True)
    return [(int(i), int(j)) for i, j in zip(*np.nonzero(best_row & best_col), strict=True)]


def second_half(steps: int) -> slice:
    """The steps whose shares summary.json reports: the last ceil(T/2) of T steps."""
    return slice(steps // 2, steps)


def game_summary(model: GameModel, seed: int, config_hash: str) -> dict:
    g, r = model.game, model.record
    codes, (row_labels, col_labels) = g.codes, g.actions
    half = second_half(g.steps)
    choice = r.choice[half]
    m, n = model.shape
    joint = np.zeros((m, n))
    np.add.at(joint, (choice[:, 0], choice[:, 1]), 1.0)
    joint /= max(len(choice), 1)
    shares = (joint.sum(axis=1), joint.sum(axis=0))
    last = r.choice[-1]
    return {
        "scenario": g.name,
        "description": g.description,
        "seed": seed,
        "steps": g.steps,
        "version": __version__,
        "config_hash": config_hash,
        "game": True,
        "actors": list(codes),
        "names": dict(zip(codes, g.names, strict=True)),
        "roles": {"row": codes[0], "col": codes[1]},
        "actions": {codes[0]: list(row_labels), codes[1]: list(col_labels)},
        "payoffs": {"row": g.payoffs[0].tolist(), "col": g.payoffs[1].tolist()},
        "decision_rule": g.decision.rule,
        "lam": g.decision.lam,
        "prior_weight": g.decision.prior_weight,
        "precision": {c: float(p) for c, p in zip(codes, model.precision, strict=True)},
        "frequency_window": [half.start + 1, g.steps],
        "action_frequencies": {
            codes[0]: {a: float(s) for a, s in zip(row_labels, shares[0], strict=True)},
            codes[1]: {a: float(s) for a, s in zip(col_labels, shares[1], strict=True)},
        },
        "outcome_frequencies": {
            a: {b: float(joint[i, j]) for j, b in enumerate(col_labels)}
            for i, a in enumerate(row_labels)
        },
        "final_actions": {codes[0]: row_labels[last[0]], codes[1]: col_labels[last[1]]},
        "pure_nash": [
            {codes[0]: row_labels[i], codes[1]: col_labels[j]} for i, j in pure_nash(*g.payoffs)
        ],
        "cumulative_payoff": {p.code: float(p.cumulative_utility) for p in model.players},
        "mean_payoff": {c: float(r.payoff[half, k].mean()) for k, c in enumerate(codes)},
    }


def game_steps_table(model: GameModel):
    """One row per step and player: the action, its probability, every action's probability and
    expected payoff (columns ``p_<label>``, ``eu_<label>``; empty for the other player's labels)
    and the realised payoff."""
    import pandas as pd

    g, r = model.game, model.record
    steps = g.steps
    labels = g.actions
    union = list(dict.fromkeys([*labels[0], *labels[1]]))
    k = np.repeat(np.arange(steps), 2)
    who = np.tile(np.arange(2), steps)
    choice = r.choice[k, who]
    opponent = r.choice[k, 1 - who]
    actions = np.empty(2 * steps, dtype=object)
    opponents = np.empty(2 * steps, dtype=object)
    for p in range(2):
        mine, theirs = who == p, who != p
        actions[mine] = np.array(labels[p], dtype=object)[choice[mine]]
        opponents[theirs] = np.array(labels[p], dtype=object)[opponent[theirs]]
    data = {
        "step": k + 1,
        "actor": np.array(g.codes, dtype=object)[who],
        "role": np.array(ROLES, dtype=object)[who],
        "action": actions,
        "opponent_action": opponents,
        "probability": r.probabilities[k, who, choice],
    }
    probs = {f"p_{a}": np.full(2 * steps, np.nan) for a in union}
    values = {f"eu_{a}": np.full(2 * steps, np.nan) for a in union}
    for p in range(2):
        rows = who == p
        for slot, a in enumerate(labels[p]):
            probs[f"p_{a}"][rows] = r.probabilities[:, p, slot]
            values[f"eu_{a}"][rows] = r.values[:, p, slot]
    data.update(probs)
    data.update(values)
    data["payoff"] = r.payoff.ravel()
    return pd.DataFrame(data)


def frequencies_figure(model: GameModel, path: Path):
    """Running share of each action of each player, with its share over the second half."""
    from sim.outputs import figures as plots  # selects the Agg backend before pyplot is used

    plt = plots.plt

    g, r = model.game, model.record
    t = np.arange(1, g.steps + 1)
    shown = np.unique(np.geomspace(1, g.steps, 2000).astype(np.int64)) - 1  # even on a log axis
    half = second_half(g.steps)
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.2), sharey=True)
    for p, ax in enumerate(axes):
        for slot, label in enumerate(g.actions[p]):
            running = np.cumsum(r.choice[:, p] == slot) / t
            (line,) = ax.plot(t[shown], running[shown], lw=1.5, label=label)
            share = float(np.mean(r.choice[half, p] == slot))
            ax.axhline(share, color=line.get_color(), ls="--", lw=0.8)
        ax.axvspan(half.start + 1, g.steps, color="0.93", zorder=0)
        ax.set_xscale("log")
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("step (log scale); shaded: second half, dashed: its shares")
        role = "row" if p == 0 else "column"
        ax.set_title(f"{g.codes[p]} ({g.names[p]}, {role} player)")
        ax.legend(loc="best", fontsize=8)
    axes[0].set_ylabel("running share of each action")
    rule = g.decision.rule + (f", lam {g.decision.lam:g}" if g.decision.rule == "logit" else "")
    fig.suptitle(f"{g.name}: {g.steps} steps, rule {rule}")
    fig.tight_layout()
    fig.savefig(path, dpi=110, metadata=plots.PNG_METADATA)
    plt.close(fig)


def write_game(
    model: GameModel, config: dict, out_dir, seed: int, files: dict | None = None
) -> dict:
    """Write steps.parquet, figures/frequencies.png (when ``outputs.figures``), ``files``
    (relative name: text) and summary.json into ``out_dir`` atomically
    (``sim.outputs.atomic.StagedResult``); return the summary."""
    import pyarrow as pa

    from sim.outputs.atomic import StagedResult
    from sim.outputs.tables import config_hash

    figures = bool((config.get("outputs") or {}).get("figures", True))
    result = game_summary(model, seed, config_hash(config))
    with StagedResult(out_dir) as staged:
        staged.write_table(
            "steps.parquet", pa.Table.from_pandas(game_steps_table(model), preserve_index=False)
        )
        if figures:
            frequencies_figure(model, staged.path("figures/frequencies.png"))
        for name, text in (files or {}).items():
            staged.write_text(name, text)
        staged.commit(result)
    return result


def describe(summary: dict, out_dir) -> str:
    """The short readable summary printed by sim-run."""
    a, b = summary["actors"]
    rule = summary["decision_rule"]
    if rule == "logit":
        rule += f" (lam {summary['lam']:g})"
    first, last = summary["frequency_window"]
    lines = [
        f"{summary['scenario']}: {a} (row) vs {b} (column), {summary['steps']} steps, "
        f"seed {summary['seed']}, rule {rule}",
        f"  action shares over steps {first}-{last}:",
    ]
    for code in (a, b):
        shares = "  ".join(f"{k} {v:.3f}" for k, v in summary["action_frequencies"][code].items())
        lines.append(f"    {code}  {shares}")
    outcomes = [
        (share, f"{ra}/{cb}")
        for ra, row in summary["outcome_frequencies"].items()
        for cb, share in row.items()
    ]
    share, top = max(outcomes)
    nash = ", ".join(f"{e[a]}/{e[b]}" for e in summary["pure_nash"]) or "none (only mixed)"
    fin = summary["final_actions"]
    lines += [
        f"  most frequent outcome {top} ({share:.3f}); last step {fin[a]}/{fin[b]}; "
        f"pure Nash equilibria: {nash}",
        f"  mean payoff per step over that window  {a} {summary['mean_payoff'][a]:+.3f}  "
        f"{b} {summary['mean_payoff'][b]:+.3f}",
        f"  written to {out_dir}",
    ]
    return "\n".join(lines)
