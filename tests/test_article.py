"""The article's direction of effects: Putin's visit to Israel warms Russia and Israel and cools
Iran toward Russia (the structural-balance cost of a balancing strategy)."""

import numpy as np
from conftest import default_config

from sim.abm.model import BalanceModel, run
from sim.outputs.metrics import mutual
from sim.scenario.build import build_scenario

VISIT_STEP = 12  # 23 Jan 2020 falls in the week starting Monday 20 Jan: (80 days // 7) + 1


def _without_putin_visit(cfg):
    cfg["scenario"]["events"]["putin_jerusalem"]["enabled"] = False
    return cfg


def test_visit_event_alone_moves_relations_as_the_article_says():
    model = BalanceModel(build_scenario(default_config()))
    ix = model.structure.index
    rus, isr, irn = ix["RUS"], ix["ISR"], ix["IRN"]
    before = model.world.stance.copy()
    visit = next(e for e in model.scenario.events if e.type == "state_visit" and e.guest == "RUS")
    assert visit.step == VISIT_STEP
    visit.apply(model.world, model.context)
    after = model.world.stance
    assert mutual(after, rus, isr) > mutual(before, rus, isr)
    assert after[irn, rus] < before[irn, rus]
    assert after[irn, rus] > 0  # a dip, not a collapse


def test_visit_in_full_runs_many_seeds():
    """Same seeds with and without the visit: identical histories until step 12, then the visit
    shifts the averages in the article's direction."""
    with_visit, without = [], []
    for seed in range(40):
        for store, cfg in (
            (with_visit, default_config()),
            (without, _without_putin_visit(default_config())),
        ):
            cfg["seed"] = seed
            stance = run(build_scenario(cfg)).record.stance[VISIT_STEP - 1]
            store.append(stance)
    w, wo = np.mean(with_visit, axis=0), np.mean(without, axis=0)
    ix = {"RUS": 0, "ISR": 1, "IRN": 2, "USA": 3}
    assert mutual(w, ix["RUS"], ix["ISR"]) > mutual(wo, ix["RUS"], ix["ISR"])
    assert w[ix["IRN"], ix["RUS"]] < wo[ix["IRN"], ix["RUS"]]
