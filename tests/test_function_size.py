"""Small functions: none in ``sim/`` takes more than 12 parameters or runs longer than 80 lines,
and the compiled kernels' entry points (what Python calls) take at most 8 arguments. The
exceptions are listed here, each with its reason."""

import ast
from pathlib import Path

SIM = Path(__file__).resolve().parent.parent / "sim"
MAX_PARAMS = 12
MAX_LINES = 80
MAX_KERNEL_ARGS = 8

# "module:function" -> why it may be larger.
FLAT = (
    "compiled body with flat arguments, called only from compiled code: its entry point takes "
    "them in tuples; grouping them inside the kernels made sweeps 15% slower (issue 10)"
)
LOOK_AHEAD = "the look-ahead's loop nest, written as one function before issue 10 and not split"
ALLOWED: dict[str, str] = {
    "sim.engine.ensemble_kernels:_act_many": FLAT,
    "sim.engine.ensemble_kernels:_step_many": FLAT,
    "sim.engine.ensemble_kernels:evaluate_block": FLAT + "; " + LOOK_AHEAD,
    "sim.engine.kernels:_advance": FLAT,
    "sim.engine.kernels:_decide": FLAT,
    "sim.engine.kernels:_expected": FLAT,
    "sim.engine.kernels:alternative_effects": FLAT,
    "sim.engine.kernels:availability_and_costs": FLAT,
    "sim.engine.kernels:evaluate": FLAT + "; " + LOOK_AHEAD,
    "sim.engine.kernels:write_advance": FLAT,
    "sim.engine.kernels:write_availability": FLAT,
    "sim.engine.kernels:write_effects": FLAT,
}

# The compiled functions Python calls (the rest are called only from other compiled functions).
KERNEL_ENTRY_POINTS = (
    "sim.engine.kernels:decide",
    "sim.engine.kernels:advance",
    "sim.engine.kernels:act",
    "sim.engine.kernels:expected",
    "sim.engine.kernels:draw",
    "sim.engine.ensemble_kernels:step_many",
    "sim.engine.ensemble_kernels:act_many",
)


def functions():
    for path in sorted(SIM.rglob("*.py")):
        module = ".".join(path.relative_to(SIM.parent).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                yield f"{module}:{node.name}", node


def parameters(node) -> int:
    a = node.args
    names = [*a.posonlyargs, *a.args, *a.kwonlyargs]
    names = [x for x in names if x.arg not in ("self", "cls")]
    return len(names) + (a.vararg is not None) + (a.kwarg is not None)


def size(node) -> int:
    return node.end_lineno - node.lineno + 1


def offenders(limit_params=MAX_PARAMS, limit_lines=MAX_LINES) -> dict[str, str]:
    out = {}
    for name, node in functions():
        if parameters(node) > limit_params:
            out[name] = f"{parameters(node)} parameters"
        elif size(node) > limit_lines:
            out[name] = f"{size(node)} lines"
    return out


def test_no_function_is_too_large():
    found = {k: v for k, v in offenders().items() if k not in ALLOWED}
    assert not found, found


def test_allow_list_is_current():
    """An exception that no longer applies is removed, so the list stays honest."""
    stale = [k for k in ALLOWED if k not in offenders()]
    assert not stale, stale


def test_kernel_entry_points_are_small():
    sizes = {name: parameters(node) for name, node in functions()}
    for name in KERNEL_ENTRY_POINTS:
        assert sizes[name] <= MAX_KERNEL_ARGS, (name, sizes[name])


def test_python_calls_only_the_entry_points():
    """Outside the kernel modules, ``sim/`` calls a compiled function only through an entry
    point, so no flat-argument body is called from Python."""
    entry = {name.split(":")[1] for name in KERNEL_ENTRY_POINTS}
    calls = set()
    for path in sorted(SIM.rglob("*.py")):
        if path.name in ("kernels.py", "ensemble_kernels.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in ("kernels", "ensemble_kernels")
            ):
                calls.add(node.func.attr)
    assert calls, "the scan found no call of a kernel"
    assert calls <= entry, calls - entry


def test_the_scan_sees_a_large_function():
    """The scan can fail: a planted 13-parameter function is found."""
    tree = ast.parse("def f(a, b, c, d, e, f, g, h, i, j, k, l, m):\n    pass\n")
    (node,) = tree.body
    assert parameters(node) == 13 > MAX_PARAMS


if __name__ == "__main__":
    for k, v in sorted(offenders().items()):
        print(f"{k}: {v}")
