"""Subcommands of the `zkdesk` command line, one module per feature."""
