"""`python -m cli ...` is the `tracker` command (how `tracker run` starts the scheduler)."""

from cli.main import main

main(prog_name="tracker")
