"""``bench/routes.py`` as the issue and ../shared/bench/README.md name it: runs bench/routing.py."""

import runpy
from pathlib import Path

if __name__ == "__main__":
    runpy.run_path(str(Path(__file__).with_name("routing.py")), run_name="__main__")
