"""``python -m tinygrad_edu``: the same command line as ``tinygrad-edu`` (see :mod:`tinygrad_edu.cli`)."""

from tinygrad_edu.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
