# The two commands: `make run` and `make test`. Both do all the set-up they need.
.PHONY: run test setup setup-test

run: setup
	.venv/bin/tracker run

test: setup-test
	.venv/bin/python -m pytest

setup:
	scripts/setup.sh

setup-test:
	scripts/setup.sh --test
