"""Staff commands: `python -m bot <group> ...`.

  python -m bot directory build|validate|stats|export|stale|find|bench
  python -m bot lint "draft text"    banned words and reading grade of one draft response
  python -m bot report [--weeks 12] [--out DIR]   anonymous usage report (HTML and CSV)
"""

from __future__ import annotations

import sys
from typing import Optional, Sequence

USAGE = ("usage: python -m bot directory {build,validate,stats,export,stale,find,bench} ...\n"
         '       python -m bot lint "draft text"\n'
         "       python -m bot report [--weeks 12] [--out DIR] [--db URL]")


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if args else 2
    group, rest = args[0], args[1:]
    if group == "directory":
        from bot.directory.cli import main as directory_main
        return directory_main(rest)
    if group == "lint":
        from bot.lint_cli import main as lint_main
        return lint_main(rest)
    if group == "report":
        from bot.usage_report import main as report_main
        return report_main(rest)
    print(f"unknown command group {group!r}\n{USAGE}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
