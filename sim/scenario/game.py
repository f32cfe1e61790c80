"""A classic two-player game scenario (``configs/scenario/games/*.yaml``), validated: who
plays, with which actions, payoffs and decision rule. ``sim.abm.games`` plays it."""

import math

import numpy as np
from mesa.experimental.scenarios import Scenario

from sim.errors import ConfigError
from sim.scenario.build import Decision, parse_actors, parse_decision, to_container

GAME_KEYS = ("name", "description", "players", "actions", "payoffs", "steps")
ROLES = ("row", "col")
MAX_STEPS = 1_000_000
MAX_ACTIONS = 20


class GameSpec(Scenario):
    """A validated two-player game: who plays, with which actions, payoffs and decision rule."""

    name: str
    description: str
    codes: tuple  # (row player, column player)
    names: tuple
    rationality: tuple
    actions: tuple  # (row labels, column labels)
    payoffs: tuple  # (row matrix, column matrix), each (m, n) float arrays
    steps: int
    decision: Decision


# ---------------------------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------------------------


def _labels(key, value) -> tuple:
    if not isinstance(value, list) or not 2 <= len(value) <= MAX_ACTIONS:
        raise ConfigError(key, value, f"must be a list of 2 to {MAX_ACTIONS} action labels")
    for k, label in enumerate(value):
        if not isinstance(label, str) or not label.strip():
            raise ConfigError(f"{key}[{k}]", label, "an action label must be a non-empty string")
    if len(set(value)) != len(value):
        raise ConfigError(key, value, "action labels must differ")
    return tuple(value)


def _matrix(key, value, shape) -> np.ndarray:
    m, n = shape
    if not isinstance(value, list) or not all(isinstance(r, list) for r in value):
        raise ConfigError(key, value, f"must be a list of {m} rows (lists) of {n} numbers")
    if len(value) != m:
        raise ConfigError(
            key, value, f"has {len(value)} rows; the row player has {m} actions, so it needs {m}"
        )
    for i, r in enumerate(value):
        if len(r) != n:
            raise ConfigError(
                key,
                value,
                f"row {i} has {len(r)} entries; the column player has {n} actions, so each row "
                f"needs {n}",
            )
        for j, x in enumerate(r):
            if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x):
                raise ConfigError(f"{key}[{i}][{j}]", x, "a payoff must be a finite number")
    return np.array(value, dtype=float)


def build_game(cfg) -> GameSpec:
    """Validate a composed config holding a game scenario; raise ConfigError naming the key."""
    cfg = to_container(cfg)
    sc = cfg.get("scenario")
    if not isinstance(sc, dict):
        raise ConfigError("scenario", sc, "must be a mapping")
    for k in sc:
        if k not in GAME_KEYS:
            raise ConfigError(
                f"scenario.{k}", sc[k], f"unknown game scenario key (known: {', '.join(GAME_KEYS)})"
            )
    name = sc.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError("scenario.name", name, "must be a non-empty string")
    description = sc.get("description", "")
    if not isinstance(description, str):
        raise ConfigError("scenario.description", description, "must be a string")

    actors = {a["code"]: a for a in parse_actors(cfg)}
    players = sc.get("players")
    if not isinstance(players, list) or len(players) != 2:
        raise ConfigError("scenario.players", players, "name exactly two actors: [row, column]")
    for k, code in enumerate(players):
        if not isinstance(code, str) or code not in actors:
            raise ConfigError(
                f"scenario.players[{k}]", code, f"unknown actor (known: {', '.join(actors)})"
            )
    if players[0] == players[1]:
        raise ConfigError("scenario.players", players, "the two players must be different actors")

    acts = sc.get("actions")
    if not isinstance(acts, dict):
        raise ConfigError("scenario.actions", acts, "must be a mapping {row: [...], col: [...]}")
    for k in acts:
        if k not in ROLES:
            raise ConfigError(f"scenario.actions.{k}", acts[k], "unknown role (known: row, col)")
    labels = tuple(_labels(f"scenario.actions.{r}", acts.get(r)) for r in ROLES)
    shape = (len(labels[0]), len(labels[1]))

    pay = sc.get("payoffs")
    if not isinstance(pay, dict):
        raise ConfigError("scenario.payoffs", pay, "must be a mapping {row: [[...]], col: [[...]]}")
    for k in pay:
        if k not in ROLES:
            raise ConfigError(f"scenario.payoffs.{k}", pay[k], "unknown role (known: row, col)")
    matrices = tuple(_matrix(f"scenario.payoffs.{r}", pay.get(r), shape) for r in ROLES)

    steps = sc.get("steps")
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= MAX_STEPS:
        raise ConfigError("scenario.steps", steps, f"must be an integer in 1..{MAX_STEPS}")
    decision = parse_decision(cfg)
    seed = cfg.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ConfigError("seed", seed, "must be a non-negative integer")
    figures = (cfg.get("outputs") or {}).get("figures", True)
    if not isinstance(figures, bool):
        raise ConfigError("outputs.figures", figures, "must be true or false")
    return GameSpec(
        rng=seed,
        name=name,
        description=" ".join(description.split()),
        codes=tuple(players),
        names=tuple(actors[c]["name"] for c in players),
        rationality=tuple(actors[c]["rationality"] for c in players),
        actions=labels,
        payoffs=matrices,
        steps=steps,
        decision=decision,
    )
