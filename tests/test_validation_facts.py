"""The validation study (issue 12): the committed rule for a reproduced fact, and a small run of
the study: its facts.json, null models that really remove what they say, common seeds."""

import json

import pytest

from sim.sweeps.store import load_results
from sim.validation.facts import main, reproduced, run_study


@pytest.mark.parametrize(
    "model, nulls, expected",
    [
        (0.85, {"wait": 0.5, "uniform": 0.2}, True),
        (0.80, {"wait": 0.5}, True),  # both bounds reached exactly
        (0.85, {"wait": 0.5, "uniform": 0.6}, False),  # 0.25 above one null
        (0.79, {"wait": 0.0}, False),  # below 80%
        (1.00, {"wait": 1.0}, False),  # a fact that holds when nobody acts
    ],
)
def test_a_fact_is_reproduced_by_the_committed_rule(model, nulls, expected):
    assert reproduced(model, nulls) is expected


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    out = tmp_path_factory.mktemp("validation")
    path = run_study(out, replicates=4)
    return out, json.loads(path.read_text())


def test_facts_json_has_every_fact_variant_and_verdict(study):
    _, payload = study
    assert payload["study"] == "validation" and payload["replicates"] == 4
    assert set(payload) >= {"facts", "loglik"}
    for row in payload["facts"].values():
        assert set(row) == {"model", "nulls", "ablations", "reproduced"}
        assert set(row["nulls"]) == {"wait", "uniform", "relax_only"}
        assert set(row["ablations"]) == {"no_balance", "myopic", "no_resolve", "no_threat"}
        assert all(0.0 <= s <= 1.0 for s in [row["model"], *row["nulls"].values()])
    ll = payload["loglik"]
    assert all(ll[k] < 0 for k in ("model", "uniform", "base_rate", "same_as_last_week"))
    assert ll["observations"] > 40 and ll["model"] >= ll["uniform"] - 1e-9  # eps = 1 is uniform


def test_the_nulls_remove_what_they_say(study):
    _, payload = study
    facts = payload["facts"]
    # nobody acts: no release, no condemnation or mediation, no strike
    for fact in ("release_before_election", "muted_response", "israel_strikes_go_on"):
        assert facts[fact]["nulls"]["wait"] == 0.0
    # no events either: no visits, so no dip after them
    assert facts["iran_dip_no_collapse"]["nulls"]["relax_only"] == 0.0


def test_every_variant_runs_the_same_seeds(study):
    out, payload = study
    variants = ["model", "wait", "uniform", "relax_only", "no_balance", "myopic"]
    seeds = {
        v: list(load_results(out / v, columns=["run", "seed"]).sort_values("run")["seed"])
        for v in variants
    }
    assert len(set(map(tuple, seeds.values()))) == 1 and len(seeds["model"]) == 4


def test_a_bad_replicate_count_is_one_line(capsys):
    assert main(["--replicates", "0"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--replicates=0" in err[0]
