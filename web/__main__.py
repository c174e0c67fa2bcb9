"""`python -m web ...` is the `tracker` command (how `tracker run` starts the scheduler)."""

from web.cli import main

main(prog_name="tracker")
