"""Uploaded scenario files: data only, validated like any config, refused with one line."""

from pathlib import Path

import pytest

from sim.app.upload import MAX_BYTES, load
from sim.errors import ConfigError
from sim.scenario.compose import CONFIG_DIR

GOOD = """
scenario:
  name: my_class
  start: "2020-01-06"
  end: "2020-03-30"
  events:
    spike: {type: oil_shock, date: "2020-01-20", change: 0.3}
decision: {lam: 2.0}
"""


def one_line(e) -> str:
    text = str(e.value)
    assert "\\n" not in text and "\n" not in text
    return text


def test_a_valid_upload_builds():
    config = load(GOOD)
    assert config["scenario"]["name"] == "my_class" and config["decision"]["lam"] == 2.0
    assert "soleimani" not in config["scenario"]["events"]  # its scenario replaces jan2020's


def test_a_shipped_game_file_without_its_header_loads():
    text = (Path(CONFIG_DIR) / "scenario/games/chicken.yaml").read_text()
    assert load(text)["scenario"]["payoffs"]


@pytest.mark.parametrize(
    "text, match",
    [
        (GOOD + "x:\n  _target_: os.system\n", "_target_"),
        (GOOD.replace("2.0", '"${oc.env:HOME}"'), "interpolation"),
        (GOOD + "actors:\n  RUS:\n    name: ${oc.env:HOME}\n", "interpolation"),
        (GOOD.replace("my_class", "${file:/etc/passwd}"), "interpolation"),
        (GOOD + "defaults: [/events/us_iran_crisis]\n", "cannot compose"),
        (GOOD + "a: &x [1]\nb: *x\n", "aliases"),
        (GOOD + "z: !!python/object/apply:os.system [ls]\n", "not a YAML file"),
        (GOOD + "dynamics: {alhpa: 0.1}\n", "did you mean alpha"),
        ("just text", "needs a `scenario:`"),
        (GOOD + "#" * MAX_BYTES, "larger than"),
    ],
)
def test_refused_with_one_line(text, match):
    with pytest.raises(ConfigError, match=match) as e:
        load(text, "class.yaml")
    assert one_line(e).startswith("class.yaml: ")
