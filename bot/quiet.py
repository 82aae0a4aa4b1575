"""Run a Python program with third-party warnings hidden.

    python -m bot.quiet /path/to/.venv/bin/rasa shell --model ...

For the launcher's `run` and `shell` only; tests run Rasa directly and keep
every warning. PYTHONWARNINGS alone is not enough: Rasa and Sanic add their
own "once" filters at start-up, ahead of it. Hiding at the point a warning is
shown cannot be undone by a later filter.
"""

from __future__ import annotations

import runpy
import sys
import warnings
from typing import Any

HIDDEN = (DeprecationWarning, PendingDeprecationWarning, FutureWarning, UserWarning)
_show = warnings.showwarning


def _show_unless_hidden(message: Any, category: type[Warning], *args: Any, **kwargs: Any) -> None:
    if not issubclass(category, HIDDEN):
        _show(message, category, *args, **kwargs)


def main(argv: list[str]) -> None:
    if not argv:
        raise SystemExit("usage: python -m bot.quiet PROGRAM [ARGS...]")
    warnings.showwarning = _show_unless_hidden
    sys.argv = list(argv)
    runpy.run_path(argv[0], run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
