"""The `tracker` command line: one module per command group, registered in `cli.main` (docs/cli.md)."""
