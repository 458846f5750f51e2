"""The `revmatch` command: thin shells over the Python API, one verb each (run `revmatch --help`).

One module per kind of work: :mod:`.matching` (demo, match, synth, schema), :mod:`.rounds` (rematch,
next-round), :mod:`.kpis`, :mod:`.store` (``--db`` and ``db``), :mod:`.advise`, :mod:`.introductions`,
:mod:`.voice` (shortlist, respond);
:mod:`.common` holds what they share.
"""

from __future__ import annotations

import argparse
import sys
import warnings

from ..errors import RevmatchError, RevmatchWarning
from . import advise, introductions, kpis, matching, rounds, store, voice


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="revmatch", description="Optimal, explained reverse-mentoring matches.")
    sub = parser.add_subparsers(dest="command", required=True)
    for verbs in (matching, rounds, kpis, store, advise, introductions, voice):
        verbs.add_parsers(sub)
    return parser


def _note(message, category, filename, lineno, file=None, line=None) -> None:
    """revmatch's own warnings as one plain line on stderr: what was decided, and how to decide it."""
    if issubclass(category, RevmatchWarning):
        print(f"revmatch: note: {message}", file=sys.stderr)
    else:
        _show_warning(message, category, filename, lineno, file, line)


_show_warning = warnings.showwarning


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    warnings.showwarning = _note  # the command is an application: it may word warnings its own way
    try:
        return args.run(args)
    except RevmatchError as exc:
        print(f"revmatch: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        sys.stderr.close()
        return 0
    finally:
        warnings.showwarning = _show_warning


if __name__ == "__main__":
    raise SystemExit(main())
