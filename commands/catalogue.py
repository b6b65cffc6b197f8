"""Imports every command module, so that their declarations reach the registry."""

from commands import (  # noqa: F401
    directory,
    exports,
    help,
    history,
    plan,
    progress,
    reading,
    updates,
)
