"""The joint estimation (issue 12): the record's log-likelihood plus the facts' simulated
log-likelihood, against a hand-computed case; the facts read from the sweep engine's ensemble are
those of the Mesa model's runs; and known parameters are recovered from a run of the model
itself (its choices and the facts that held in it)."""

import math

import numpy as np
import pytest

import sim
from sim.abm.model import run
from sim.outputs.facts import FACTS, RunView, stylized_facts
from sim.scenario.build import build_scenario
from sim.scenario.compose import compose_dict
from sim.sweeps.designs import Parameter
from sim.sweeps.executors import run_seeds
from sim.validation import joint
from sim.validation.estimate import DROP, Problem, estimate, interval, profile
from sim.validation.joint import JointProblem, fact_counts, facts_loglik, share
from sim.validation.likelihood import choices_of

LAM = Parameter("decision.lam", ("decision", "lam"), low=0.0, high=8.0)


def test_the_facts_loglik_is_the_smoothed_shares_log():
    assert share(3, 4) == pytest.approx(3.5 / 5) and share(0, 4) == pytest.approx(0.5 / 5)
    counts = {"a": 3, "b": 0, "c": 4}
    # only the facts named count: log(3.5 / 5) + log(0.5 / 5)
    assert facts_loglik(counts, 4, ("a", "b")) == pytest.approx(math.log(0.7) + math.log(0.1))
    assert facts_loglik(counts, 4, ()) == 0.0
    assert facts_loglik({"c": 4}, 4, ("c",)) == pytest.approx(math.log(4.5 / 5))  # never 0


def test_the_joint_objective_is_the_record_plus_the_facts(monkeypatch):
    base = compose_dict(["scenario=jan2020"])
    observed = {(1, "RUS"): "engage:ISR", (2, "USA"): "sanction:IRN", (3, "IRN"): "condemn:USA"}
    record = Problem((LAM,), base, observed, {})
    problem = JointProblem((LAM,), base, observed, {}, seeds=(1, 2, 3, 4),
                           facts=("release_week", "rivalry_persists"))  # fmt: skip
    monkeypatch.setattr(joint, "fact_counts", lambda config, seeds: {
        "release_week": 1, "rivalry_persists": 4, "muted_response": 0})  # fmt: skip
    parts = problem.parts([2.0])
    expected = math.log(1.5 / 5) + math.log(4.5 / 5)
    assert parts["record"] == pytest.approx(record.loglik([2.0]))
    assert parts["facts"] == pytest.approx(expected)
    assert problem.loglik([2.0]) == pytest.approx(record.loglik([2.0]) + expected)
    # a point the record refuses is refused whatever the facts say
    bad = Parameter("decision.lam", ("decision", "lam"), low=-5.0, high=8.0)
    refused = JointProblem((bad,), base, observed, {}, seeds=(1,), facts=("release_week",))
    assert refused.loglik([-3.0]) == -np.inf


@pytest.mark.parametrize(
    "overrides", [[], ["dynamics.balance_rate=0.05", "dynamics.reciprocity=0.1", "decision.lam=1"]]
)
def test_the_ensembles_facts_are_the_mesa_models(overrides):
    config = compose_dict(["scenario=jan2020", *overrides])
    seeds = run_seeds(0, range(8)).tolist()
    counts = dict.fromkeys(FACTS, 0)
    for seed in seeds:
        model = sim.run_model({**config, "seed": seed})
        for fact, value in stylized_facts(RunView.of_model(model)).items():
            counts[fact] += bool(value)
    assert fact_counts(config, seeds) == counts


def test_the_experiment_uses_the_facts_that_happened_on_the_validation_seeds():
    problem, design, study = joint.problem_of(["design.n=4", "replicates=5"])
    assert "muted_response" not in problem.facts and len(problem.facts) == 6
    assert set(problem.facts) <= set(FACTS)
    assert problem.seeds == tuple(run_seeds(0, range(5)).tolist())
    paths = [p.path for p in problem.parameters]
    assert {"dynamics.reciprocity", "dynamics.balance_rate", "decision.horizon"} <= set(paths)
    assert next(p for p in problem.parameters if p.path == "decision.horizon").high == 24
    assert len(design.points) == 4 and study["name"] == "estimate_joint"


def simulated(overrides, seed):
    """Every choice of a free run of jan2020, its election's outcome and the facts that held."""
    config = compose_dict(["scenario=jan2020", f"seed={seed}", *overrides])
    model = run(build_scenario(config))
    outcome = {r["event"].type: r["outcome"] for r in model.record.events if "outcome" in r}
    held = tuple(f for f, v in stylized_facts(RunView.of_model(model)).items() if v)
    return choices_of(model), outcome, held


@pytest.mark.parametrize("true_lam", [0.5, 2.0])
def test_lam_is_recovered_jointly_from_the_models_own_run(true_lam):
    observed, outcomes, held = simulated([f"decision.lam={true_lam}"], seed=11)
    base = compose_dict(["scenario=jan2020"])
    seeds = tuple(run_seeds(0, range(32)).tolist())
    problem = JointProblem((LAM,), base, observed, outcomes, seeds=seeds, facts=held)
    best, maximum, _ = estimate(problem, np.linspace(0.0, 8.0, 9)[:, None], top=2, max_evals=40)
    curve = profile(problem, best, 0, sorted({*np.linspace(0.0, 8.0, 9), best[0]}))
    lo, hi = interval(problem, best, 0, curve, maximum, steps=4)
    assert lo <= best[0] <= hi and hi - lo < 4.0, (lo, hi)
    assert abs(best[0] - true_lam) < 0.5 * true_lam + 0.25, best
    assert problem.loglik([true_lam]) >= maximum - 10.83 / 2  # within the 99.9% region
    assert problem.loglik([true_lam * 4]) < maximum - DROP
