"""A scenario file a teacher uploads: parsed as data only and validated like any other config.

Nothing of the file is executed or resolved. YAML is read with the safe loader (no Python tags);
anchors and aliases are refused (a few hundred bytes of nested aliases expand into billions of
nodes when walked); Hydra's ``_target_`` (instantiating any class) and every interpolation
``${...}`` (``oc.env`` reads the server's environment, other resolvers read files) are refused
before the file reaches OmegaConf or Hydra; and the file is not composed with Hydra at all: its
sections replace or merge into the default configuration as plain data, then the same
validation as ``sim-run``'s (``sim.abm.run.build``: closed sections, one-line ``ConfigError``).
"""

import copy

import yaml

from sim.abm.run import build
from sim.app.library import DEFAULT_SCENARIO, composed
from sim.errors import ConfigError

MAX_BYTES = 64 * 1024  # the largest shipped scenario file (turkey.yaml) is 5 KB: 12 times that
MAX_DEPTH = 12  # the deepest shipped config is 5 mappings deep (scenario.events.<id>.loss_shift.X)


def _walk(node, path: str, depth: int = 0) -> None:
    """Refuse ``_target_`` keys, interpolations and too deep nesting anywhere in the data."""
    if depth > MAX_DEPTH:
        raise ConfigError(path or "file", "...", f"nested more than {MAX_DEPTH} levels deep")
    if isinstance(node, dict):
        for k, v in node.items():
            key = f"{path}.{k}" if path else str(k)
            if str(k) == "_target_" or str(k).startswith("_"):
                raise ConfigError(
                    key, v, "keys beginning with _ (such as _target_) are not allowed"
                )
            if "${" in str(k):
                raise ConfigError(key, v, "interpolations (${...}) are not allowed in an upload")
            _walk(v, key, depth + 1)
    elif isinstance(node, list):
        for k, v in enumerate(node):
            _walk(v, f"{path}[{k}]", depth + 1)
    elif isinstance(node, str) and "${" in node:
        raise ConfigError(path, node, "interpolations (${...}) are not allowed in an upload")


def parse(data: bytes | str) -> dict:
    """The file's mapping, refused (``ConfigError``) when too large, not YAML, with aliases,
    tags, ``_target_``, interpolations or a ``defaults`` list."""
    raw = data.encode() if isinstance(data, str) else bytes(data)
    if len(raw) > MAX_BYTES:
        raise ConfigError("file", f"{len(raw)} bytes", f"larger than the {MAX_BYTES} bytes allowed")
    try:
        text = raw.decode("utf-8")
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                raise ConfigError("file", f"*{event.anchor}", "anchors and aliases are not allowed")
        content = yaml.safe_load(text)
    except (UnicodeDecodeError, yaml.YAMLError) as e:
        reason = " ".join(str(e).split())
        raise ConfigError("file", "...", f"not a YAML file: {reason}") from None
    if not isinstance(content, dict) or not isinstance(content.get("scenario"), dict):
        raise ConfigError(
            "scenario", None, "the file needs a `scenario:` mapping (docs/SCENARIOS.md)"
        )
    if "defaults" in content:
        raise ConfigError(
            "defaults",
            content["defaults"],
            "an upload cannot compose other files: write its events in it",
        )
    _walk(content, "")
    return content


def _merge(base: dict, extra: dict) -> dict:
    for k, v in extra.items():
        if isinstance(v, dict) and isinstance(base.get(k), dict):
            _merge(base[k], v)
        else:
            base[k] = copy.deepcopy(v)
    return base


def load(data: bytes | str, name: str = "upload") -> dict:
    """The validated config of an uploaded scenario file: its ``scenario`` section in place of
    the default one, its other sections (actors, relations, dynamics, ...) merged into the
    default configuration. Raises ``ConfigError`` naming the file."""
    try:
        content = parse(data)
        config = composed(DEFAULT_SCENARIO)
        config["scenario"] = copy.deepcopy(content["scenario"])
        _merge(config, {k: v for k, v in content.items() if k != "scenario"})
        build(config)
    except ConfigError as e:
        raise e.located(name) from None
    return config
