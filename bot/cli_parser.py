"""argparse in French: its titles, its -h and its error messages (bot/cli.py builds on it)."""

import argparse
import re
import sys

from bot import console_texts as texts


class _FrenchHelp(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, texts.USAGE if prefix is None else prefix)


class FrenchParser(argparse.ArgumentParser):
    """argparse, with its titles, its -h and its own error messages in French."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _FrenchHelp)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title, self._optionals.title = "arguments", "options"
        self.add_argument(
            "-h", "--help", action="help", default=argparse.SUPPRESS, help=texts.HELP_HELP
        )

    def error(self, message: str):
        for english, french in texts.ARGPARSE_MESSAGES:
            message = re.sub(english, french, message)
        self.print_usage(sys.stderr)
        self.exit(2, texts.CLI_ERROR.format(prog=self.prog, message=message))
