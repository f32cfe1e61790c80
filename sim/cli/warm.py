"""``python -m sim.cli.warm``: compile every Numba kernel into its cache once, at install.

Numba keeps compiled kernels beside their source (``sim/engine/__pycache__``) when that folder is
writable, else in a per-user folder. Run this with the installed package, as the user who will
run it, so that the first ``sim-run`` or ``sim-sweep`` loads the kernels rather than compiling
them (about 40 s).
"""

import sys
import time


def warm() -> float:
    """Run the default scenario once on the Mesa path and once as an ensemble, under both decision
    rules (each compiles its own kernels), and the qre rule once; the seconds it took."""
    import sim
    from sim.engine.ensemble import run_ensemble
    from sim.scenario.build import build_scenario

    start = time.perf_counter()
    for rule in ("logit", "best_response"):
        config = sim.compose([f"decision={rule}"])
        sim.run_model(config)
        run_ensemble([build_scenario(config)])
    sim.run_model(sim.compose(["decision=qre"]))  # its look-ahead kernel (Mesa path only)
    return time.perf_counter() - start


def main() -> None:
    seconds = warm()
    print(f"sim: compiled kernels ready ({seconds:.1f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
