"""``sim-app [--port 8765] [--host 127.0.0.1]``: serve the classroom page (``sim.app.page``).

On 127.0.0.1 unless ``--host`` names another address (e.g. 0.0.0.0 for a classroom network).
Prints the page's address and the teacher key (which opens rooms and injects shocks; students
need only a room's code). Works offline once ``make app`` has prepared Solara's front end.
Exit 2 with one line for a busy port, an address that is not this machine's, or a front end
that is not prepared.
"""

import argparse
import sys

from sim.errors import EXIT_OK, EXIT_USAGE

NAME = "sim-app"


PAGE_AT = "the classroom page at"  # the banner's two lines other programs read (banner_fields)
KEY_IS = "teacher key"


def banner_fields(line: str) -> dict:
    """What a line of sim-app's banner says: ``{"url": ...}``, ``{"key": ...}`` or nothing (the
    one reader of the lines ``main`` prints, for the tests and the benchmarks that start it)."""
    words = line.split()
    if PAGE_AT in line:
        return {"url": words[-1]}
    if KEY_IS in line:
        return {"key": words[words.index("key") + 1]}
    return {}


def port_number(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0 to 65535)")
    return port


class Parser(argparse.ArgumentParser):
    def error(self, message):
        """One line (argparse would add its usage), exit 2."""
        print(f"{NAME}: error: {message} (sim-app --help)", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def parser() -> argparse.ArgumentParser:
    p = Parser(prog=NAME, description=__doc__.split("\n")[0])
    p.add_argument(
        "--port", type=port_number, default=8765, help="port (default 8765; 0: any free one)"
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1, this machine only)",
    )
    p.add_argument(
        "--page", default=None, help="the Solara page, module:attribute (default sim.app.page:Page)"
    )
    return p


def main(argv=None) -> None:
    args = parser().parse_args(argv)
    from sim.app import server

    try:
        sock = server.bind(args.host, args.port)
        try:
            server.prepare(page=args.page or server.PAGE)
        except server.ServeError:
            sock.close()
            raise
    except server.ServeError as error:
        print(f"{NAME}: error: {error}", file=sys.stderr)
        sys.exit(EXIT_USAGE)
    key = server.teacher_key()
    server.hand_over_key(key)
    url = server.url_of(sock)
    print(f"{NAME}: {PAGE_AT} {url}", flush=True)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"{NAME}: listening on {args.host}: anyone on this network can open the page",
            flush=True,
        )
    print(
        f"{NAME}: {KEY_IS} {key} (opens rooms and injects shocks; keep it from students)",
        flush=True,
    )
    print(f"{NAME}: Ctrl-C to stop", flush=True)
    server.serve(sock)
    sys.exit(EXIT_OK)


if __name__ == "__main__":
    main()
