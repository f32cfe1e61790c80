"""Analysis of run and sweep folders, for notebooks: load them, compare groups with bootstrap
intervals (paired under common random numbers), sensitivity indices, scenario discovery (PRIM)
and equilibria: a classic game's, and the model's stage game at a chosen step."""

from sim.analysis.compare import Comparison, compare
from sim.analysis.discover import Box, discover
from sim.analysis.equilibria import equilibria
from sim.analysis.load import Run, Sweep, load_run, load_sweep
from sim.analysis.sensitivity import sensitivity
from sim.analysis.stage_game import StageGame, stage_equilibria, stage_game

__all__ = [
    "Box", "Comparison", "Run", "StageGame", "Sweep", "compare", "discover", "equilibria",
    "load_run", "load_sweep", "sensitivity", "stage_equilibria", "stage_game",
]  # fmt: skip
