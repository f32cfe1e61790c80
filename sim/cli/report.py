"""``sim-report PATH``: the report of a run folder or a sweep folder (``sim.analysis.report``):
figures, ``report.md`` and a self-contained ``report.html`` in ``PATH/report/``."""

import argparse
import sys

from sim.cli.common import Command

COMMAND = Command("sim-report")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="sim-report", description=__doc__.split("\n")[0])
    parser.add_argument("path", help="a sim-run result folder or a sim-sweep folder")
    args = parser.parse_args(argv)
    from sim.analysis.report import kind_of, write_report

    try:
        kind_of(args.path)
    except ValueError as error:
        COMMAND.fail(str(error))
    out = write_report(args.path, progress=sys.stderr.isatty())
    print(f"sim-report: {out / 'report.md'} and {out / 'report.html'}")


if __name__ == "__main__":
    main()
