"""The shipped Hydra configs, installed as the package ``sim.conf`` (pyproject.toml maps
``configs/`` to it), so that an installed ``sim-run`` finds them from any folder."""
