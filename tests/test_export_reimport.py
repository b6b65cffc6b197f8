"""Every export of the table imports back as the same plan, without a warning about its own
columns (issue 22, item 2): xlsx, ods, csv and md, after pilots' updates."""

from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commands.engine import Engine
from commands.types import Directory, Message
from reports import TableHeading, table_csv, table_md, table_ods, table_xlsx
from storage.actions import list_actions
from storage.db import open_db
from storage.importing import import_plan, load_example, parse_file
from tests.conftest import LUC, NOW, REGISTRY
from tests.test_table_for_print import outline

HEADING = TableHeading("CPAS de Frameries", "PST 2019-2024", datetime(2026, 11, 24, 9, 30))
#: Format -> the export of `actions` with their `fields` (storage.plan_fields.fields_of).
EXPORTS = {
    "xlsx": lambda actions, fields=None: table_xlsx(actions, HEADING, fields=fields),
    "ods": lambda actions, fields=None: table_ods(actions, HEADING, fields=fields),
    "csv": lambda actions, fields=None: table_csv(actions, fields),
    "md": lambda actions, fields=None: table_md(actions, fields=fields),
}
#: What pilots write after an action's number: statuses, percentages, health, comments with
#: the characters the formats escape (a pipe, quotes, a formula's "=").
UPDATES = (
    "fait",
    "en cours 40% marché attribué",
    "suspendu attente du budget | devis",
    "en cours 10% « =SOMME(A1) » *urgent*",
    "bloqué, attente devis",
    "pas encore commencé",
)


def the_plan(db) -> list[tuple]:
    """What a plan is, whatever its statuses: OS, OO, codes, titles, pilots, deadlines."""
    return [
        (
            a.os_number,
            a.os_title,
            a.oo_number,
            a.oo_title,
            a.code,
            a.title,
            a.pilots,
            a.deadline,
        )
        for a in list_actions(db, 1)
    ]


def the_work(db) -> dict[str, tuple]:
    """Where each action stands: status, progress, last comment."""
    return {a.code: (a.status, a.progress, a.last_comment) for a in list_actions(db, 1)}


def updated_example(updates) -> tuple:
    db = open_db(":memory:")
    import_plan(db, load_example())
    engine = Engine(db, Directory(links={"LM": {LUC}}), REGISTRY, clock=lambda: NOW)
    for code, words in updates:
        engine.handle(Message(sender=LUC, text=f"!maj {code} {words}", room="!room"))
    return db, list_actions(db, 1, with_history=True)


LM_CODES = [a.code for a in updated_example([])[1] if "LM" in a.pilots]


def reimported(fmt: str, actions, folder, fields=None):
    """The export in `fmt` read back and imported into an empty database."""
    path = folder / f"tableau.{fmt}"
    path.write_bytes(EXPORTS[fmt](actions, fields))
    parsed = parse_file(path)
    fresh = open_db(":memory:")
    report = import_plan(fresh, parsed)
    return fresh, parsed.warnings + report.warnings


@pytest.mark.parametrize("fmt", list(EXPORTS))
def test_the_bots_own_export_reimports_without_a_warning(fmt, tmp_path):
    db, actions = updated_example([(LM_CODES[0], UPDATES[1]), (LM_CODES[1], UPDATES[2])])
    fresh, warnings = reimported(fmt, actions, tmp_path)

    assert warnings == []
    assert the_plan(fresh) == the_plan(db)


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    updates=st.lists(
        st.tuples(st.sampled_from(LM_CODES), st.sampled_from(UPDATES)), min_size=1, max_size=4
    ),
    fmt=st.sampled_from(list(EXPORTS)),
)
def test_any_export_after_updates_imports_back_as_the_same_plan(updates, fmt, tmp_path):
    db, actions = updated_example(updates)
    fresh, warnings = reimported(fmt, actions, tmp_path)

    assert warnings == []
    assert the_plan(fresh) == the_plan(db)
    assert the_work(fresh) == the_work(db)  # statuses, progress and comments come back too


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "md"])
def test_an_oo_without_actions_comes_back_as_an_oo_without_actions(fmt, tmp_path):
    db, actions = updated_example([])
    kept = [a for a in actions if a.oo_number != "1.2"]  # OO 1.2 has no action yet
    export = {"xlsx": table_xlsx, "ods": table_ods, "md": table_md}[fmt]
    path = tmp_path / f"tableau.{fmt}"
    objectives = outline(db, 1)
    path.write_bytes(export(kept, objectives) if fmt == "md" else export(kept, None, objectives))
    parsed = parse_file(path)

    assert parsed.warnings == []
    assert [(oo.os_number, oo.number) for oo in parsed.operational] == [
        (objective.os_number, objective.oo_number) for objective in objectives
    ]
    assert len(parsed.actions) == len(kept)
