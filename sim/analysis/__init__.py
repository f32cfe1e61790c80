"""Analysis of run and sweep folders, for notebooks: load them, compare groups with bootstrap
intervals (paired under common random numbers), sensitivity indices (docs/SWEEPS.md)."""

from sim.analysis.compare import Comparison, compare
from sim.analysis.load import Run, Sweep, load_run, load_sweep
from sim.analysis.sensitivity import sensitivity

__all__ = ["Comparison", "Run", "Sweep", "compare", "load_run", "load_sweep", "sensitivity"]
