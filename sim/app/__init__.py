"""The classroom page: students play states, the teacher injects shocks, everyone sees why each
state acts (``sim-app``). Imports the Mesa shell (``sim.abm``) and the scenario layer only."""
