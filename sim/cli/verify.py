"""``sim-verify SWEEP_DIR``: check a sweep folder against its manifest, change nothing.

Every part a sweep writes (results, steps, failures, design) is recorded in ``manifest.json``
with its rows and SHA-256. This command reads each one and says what is damaged and how to
recover; exit 0 when all is whole, 1 when something is damaged, 2 for a folder that is not a
sweep.
"""

import sys
from pathlib import Path

from sim.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE

USAGE = "usage: sim-verify SWEEP_DIR"


def main(argv=None) -> None:
    args = sys.argv[1:] if argv is None else list(argv)
    if len(args) != 1 or args[0] in ("-h", "--help"):
        print(USAGE, file=sys.stderr if len(args) != 1 else sys.stdout)
        sys.exit(EXIT_OK if args in (["-h"], ["--help"]) else EXIT_USAGE)
    from sim.sweeps.store import MANIFEST, verify

    folder = Path(args[0])
    if not (folder / MANIFEST).is_file():
        print(f"sim-verify: error: {folder}: not a sweep folder (no {MANIFEST})", file=sys.stderr)
        sys.exit(EXIT_USAGE)
    try:
        problems, checked, rows = verify(folder)
    except ValueError as error:
        print(f"sim-verify: error: {folder / MANIFEST} cannot be read ({error})", file=sys.stderr)
        sys.exit(EXIT_USAGE)
    if not problems:
        print(f"sim-verify: {folder}: {checked} parts whole, {rows} result rows")
        sys.exit(EXIT_OK)
    for problem in problems:
        print(f"sim-verify: {folder}: {problem}", file=sys.stderr)
    print(
        "sim-verify: to recover, rerun the same sim-sweep command into this folder: it removes "
        "the damaged parts and runs their runs again (the other runs are kept)",
        file=sys.stderr,
    )
    sys.exit(EXIT_FAILED)


if __name__ == "__main__":
    main()
