"""Analysis of run and sweep folders, for notebooks: load them, compare groups with bootstrap
intervals (paired under common random numbers), sensitivity indices, scenario discovery (PRIM)
and a game's equilibria."""

from sim.analysis.compare import Comparison, compare
from sim.analysis.discover import Box, discover
from sim.analysis.equilibria import equilibria
from sim.analysis.load import Run, Sweep, load_run, load_sweep
from sim.analysis.sensitivity import sensitivity

__all__ = [
    "Box", "Comparison", "Run", "Sweep", "compare", "discover", "equilibria", "load_run",
    "load_sweep", "sensitivity",
]  # fmt: skip
