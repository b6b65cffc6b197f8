"""Imports every command module, so that their declarations reach the registry."""

from commands import help, plan, updates  # noqa: F401
