"""Every command the bot serves, section by section: the one list a new command module joins.

    registry = build_registry()
    engine = Engine(db, directory, registry)

Transports and the reference generator build the registry here; the engine is handed it and
imports no command module. Within a section, commands appear in the order their module
defines them.
"""

from commands import (
    campaigns,
    chat_import,
    directory,
    exports,
    fields,
    help,
    history,
    legal_calendar,
    lists,
    plans,
    progress,
    publishing,
    reading,
    requests,
    requests_texts,
    rhythm,
    rhythm_texts,
    risks,
    texts,
    undo,
    updates,
)
from commands.registry import Registry, declared_in

SECTIONS = (
    (texts.SECTION_READING, (reading, risks, lists, history)),
    (texts.SECTION_UPDATING, (updates, progress, fields, undo)),
    (requests_texts.SECTION, (requests,)),
    (texts.SECTION_REPORTS, (exports, publishing)),
    (texts.SECTION_DIRECTORY, (directory,)),
    (texts.SECTION_PLANS, (plans, chat_import)),
    (rhythm_texts.SECTION_RHYTHM, (rhythm, campaigns, legal_calendar)),
    (texts.SECTION_HELP, (help,)),
)


def build_registry() -> Registry:
    """A registry with every command of every module in SECTIONS."""
    registry = Registry()
    for title, modules in SECTIONS:
        for module in modules:
            for cmd in declared_in(module):
                registry.add(cmd, title)
    return registry
