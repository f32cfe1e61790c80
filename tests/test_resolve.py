"""Resolve (docs/MODEL.md, "Resolve"): a harmed state's prestige gain for answering a state
hostile to it, by hand, in the NumPy reference and the compiled kernels."""

import numpy as np
import pytest
from conftest import default_config

from sim.core.world import WorldState
from sim.engine.backends import compiled
from sim.scenario.build import build_scenario

RESOLVE = 1.0  # the hand computations' resolve (the default, estimated, is 0: no gain at all)


def costs_of(backend_name: str, damage: float):
    spec = build_scenario(default_config((f"dynamics.resolve={RESOLVE}",)))
    alts, backend = compiled(spec, backend_name)
    world = WorldState.initial(spec.structure)
    world.stocks[spec.structure.index["IRN"], 1] = damage
    counts = np.zeros(alts.shape)
    available, _, _, costs, _, _ = backend.decide(world, 1, counts)
    return spec, alts, costs


def slot(spec, alts, actor, action, target):
    i, k = spec.structure.index[actor], spec.table.index[action]
    j = spec.structure.index[target]
    return i, int(np.flatnonzero((alts.action[i] == k) & (alts.target[i] == j))[0])


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_answering_a_hostile_state_regains_credibility_by_hand(backend):
    """Iran, 10 damage points: a strike on the US (G = -10; the US's stance toward Iran -0.8)
    gains resolve 1 * 10 * 10/10 * 0.8 = 8 prestige points over the undamaged case; a
    condemnation (G = -2) a fifth of that, 1.6; a kind act toward the US or anything toward
    Russia (not hostile to Iran) nothing."""
    spec, alts, hurt = costs_of(backend, 10.0)
    _, _, whole = costs_of(backend, 0.0)
    gain = whole[..., 2] - hurt[..., 2]
    us = 0.8  # relations.USA.IRN = -0.8
    assert gain[slot(spec, alts, "IRN", "strike", "USA")] == pytest.approx(10.0 * us)
    assert gain[slot(spec, alts, "IRN", "condemn", "USA")] == pytest.approx(2.0 * us)
    assert gain[slot(spec, alts, "IRN", "engage", "USA")] == 0.0
    assert gain[slot(spec, alts, "IRN", "strike", "RUS")] == 0.0
    others = np.ones(gain.shape, bool)
    others[spec.structure.index["IRN"]] = False
    assert (gain[others] == 0.0).all()  # only the harmed state
