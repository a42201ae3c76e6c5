"""Subcommands of ``binks``: one module each, light to import (see :mod:`binks.cli`)."""
