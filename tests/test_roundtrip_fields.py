"""A plan exported in any format and imported again into an empty database is the same plan,
its actions' fields included (issue 23, item 6): indicators with targets and dated values,
budget lines, ODD, mandataires, decisions, synergies, in French text with accents, « ; »,
quotes; several items of a field on several lines of its cell."""

import io
from datetime import date

import pytest
import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from reports.labels import SHEET_HEADERS
from storage.actions import list_actions
from storage.db import open_db
from storage.importing import import_plan
from storage.importing.fields_cells import FIELDS
from storage.importing.model import PlanBuilder
from storage.importing.ods import read_ods
from storage.plan_fields import (
    BUDGET_KINDS,
    ActionFields,
    BudgetLine,
    Decision,
    Indicator,
    Measure,
    Synergy,
    fields_of,
)
from tests.test_export_reimport import EXPORTS, reimported, the_plan

#: Letters of French text, and what the formats escape or quote (« ; », quotes, a comma).
LETTERS = "abcdefghijklmnopqrstuvwxyzéèêëàâçôûùïÉÈÀÇŒœ"
MARKS = " ;'\"«»!?,.-"
#: Words a cell reads as « nothing » or a row as a total: not a title, not a name.
SPECIAL = ("total", "totaux", "sous", "non", "aucun", "sans", "oui", "neant", "odd")


def text(marks: str = MARKS, size: int = 30) -> st.SearchStrategy[str]:
    """A French text that starts with a letter, single-spaced."""
    body = st.text(LETTERS + marks, max_size=size)
    words = st.builds(lambda first, rest: first + rest, st.sampled_from(LETTERS), body)
    return words.map(lambda t: " ".join(t.split())).filter(
        lambda t: not t.lower().startswith(SPECIAL)
    )


NAMES = text(" ;'\"«»!?.-")  # an indicator's name: no « : », no parentheses
UNITS = text(" '", 12)
PLAIN = text(" '\"«»!?.-", 20)  # a mandataire: no « , » nor « ; », which separate them
AMOUNTS = st.integers(-(10**8), 10**8).map(lambda cents: cents / 100)
DAYS = st.dates(date(2019, 1, 1), date(2030, 12, 31))
TOKENS = st.text("abcdefghij0123456789.", min_size=1, max_size=6).filter(
    lambda t: t[-1] not in ".,;"
)

indicators = st.lists(
    st.builds(
        Indicator,
        name=NAMES,
        unit=st.none() | UNITS,
        target=st.none() | AMOUNTS,
        values=st.lists(st.builds(Measure, day=DAYS, value=AMOUNTS), max_size=3).map(
            lambda values: tuple(sorted(values, key=lambda m: m.day))
        ),
    ),
    max_size=3,
    unique_by=lambda indicator: indicator.name,
)
budget = st.lists(
    st.builds(
        BudgetLine,
        year=st.integers(2019, 2030),
        amount=AMOUNTS.map(abs),
        kind=st.sampled_from(BUDGET_KINDS),
        funding=st.none() | text(),
    ),
    max_size=3,
).map(lambda lines: sorted(lines, key=lambda line: line.year))
decisions = st.lists(
    st.builds(
        Decision,
        body=st.sampled_from(["college", "conseil", "Bureau permanent"]),
        day=DAYS,
        point=st.none() | TOKENS,
        url=st.none() | TOKENS.map(lambda t: f"https://deliberations.example.be/{t}?p=1"),
    ),
    max_size=3,
).map(lambda found: sorted(found, key=lambda d: d.day))
synergies = st.lists(
    st.just(Synergy(""))
    | st.builds(
        Synergy,
        partner_plan=st.sampled_from(["commune", "cpas", "zone-police"]),
        partner_code=st.none() | st.sampled_from(["5.1.4", "a.2", "12"]),
    ),
    max_size=3,
)
fields = st.builds(
    ActionFields,
    indicators=indicators.map(tuple),
    budget=budget.map(tuple),
    odd=st.sets(st.integers(1, 17), max_size=4).map(lambda found: tuple(sorted(found))),
    mandataries=st.lists(PLAIN, max_size=3, unique=True).map(tuple),
    decisions=decisions.map(tuple),
    synergies=synergies.map(tuple),
)
action = st.tuples(
    text(),
    st.lists(st.sampled_from(["LM", "SV", "AB", "MAC"]), min_size=1, max_size=2, unique=True),
    st.sampled_from(["2026", "2025-2027", "fin 2026", ""]),
    fields,
)
#: A plan: OS -> OO -> actions, each OO with at least one action (an OO without any has its
#: own test in test_export_reimport.py).
plans = st.lists(
    st.tuples(
        text(),
        st.lists(
            st.tuples(text(), st.lists(action, min_size=1, max_size=3)), min_size=1, max_size=2
        ),
    ),
    min_size=1,
    max_size=2,
)


def loaded(plan) -> sqlite_utils.Database:
    """A database holding `plan` (built as an import would build it)."""
    builder = PlanBuilder()
    builder.fields_given = set(FIELDS)
    code = 0
    for os_number, (os_title, objectives) in enumerate(plan, start=1):
        builder.add_objective(os_number, os_title, None, line=code)
        for index, (oo_title, actions) in enumerate(objectives, start=1):
            builder.add_operational(os_number, index, oo_title, f"O.O.{os_number}.{index}", code)
            for title, pilots, deadline, found in actions:
                code += 1
                builder.add_action(
                    code=str(code),
                    title=title,
                    indicators="",
                    pilots="/".join(pilots),
                    deadline=deadline,
                    line=code,
                    label=f"Action {code}",
                    fields=found,
                )
    db = open_db(":memory:")
    import_plan(db, builder.result())
    return db


def the_fields(db) -> dict[str, ActionFields]:
    actions = list_actions(db, 1)
    found = fields_of(db, [a.number for a in actions])
    return {a.code: found[a.number] for a in actions}


@pytest.mark.parametrize("fmt", list(EXPORTS))
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=plans)
def test_a_plan_with_fields_exported_imports_back_as_the_same_plan(fmt, plan, tmp_path):
    db = loaded(plan)
    actions = list_actions(db, 1, with_history=True)
    fresh, warnings = reimported(fmt, actions, tmp_path, fields_of(db, [a.number for a in actions]))

    assert warnings == []
    assert the_plan(fresh) == the_plan(db)
    assert the_fields(fresh) == the_fields(db)


@pytest.mark.parametrize("fmt", list(EXPORTS))
def test_a_plan_without_fields_exports_as_before(fmt):
    db = loaded(
        [("Propreté", [("Réduire les déchets", [("Tri", ["LM"], "2026", ActionFields())])])]
    )
    actions = list_actions(db, 1, with_history=True)
    data = EXPORTS[fmt](actions, fields_of(db, [a.number for a in actions]))

    if fmt in ("xlsx", "ods"):  # zip archives carry the time they were made: their sheets
        assert _header(fmt, data) == list(SHEET_HEADERS)
    else:
        assert data == EXPORTS[fmt](actions)


def _rows(fmt: str, data: bytes) -> list[list[str]]:
    """The rows of the first OS sheet of an xlsx or ods, as text."""
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(data)).worksheets[1]
        return [[str(v) if v is not None else "" for v in row] for row in sheet.values]
    return [cells for _, cells in list(read_ods(data))[1][1]]


def _header(fmt: str, data: bytes) -> list[str]:
    return [cell for cell in _rows(fmt, data)[1] if cell]


def _budget_cells(fmt: str, data: bytes) -> list[tuple[str, str]]:
    """(label, budget cell) of each row of the first OS sheet of an xlsx or ods."""
    rows = _rows(fmt, data)
    column = rows[1].index("Budget")
    return [(row[0], row[column] if column < len(row) else "") for row in rows[2:] if row[0]]


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_band_rows_hold_the_budget_total_of_their_actions(fmt):
    def act(title, *lines):
        return (title, ["LM"], "2026", ActionFields(budget=tuple(lines)))

    db = loaded(
        [
            (
                "Une commune propre",
                [
                    ("Réduire", [act("Tri", BudgetLine(2026, 15000), BudgetLine(2027, 500.5))]),
                    ("Nettoyer", [act("Balayer", BudgetLine(2026, 1000)), act("Sans budget")]),
                ],
            )
        ]
    )
    actions = list_actions(db, 1, with_history=True)
    data = EXPORTS[fmt](actions, fields_of(db, [a.number for a in actions]))

    assert _budget_cells(fmt, data) == [
        ("OS 1", "Total : 16 500,5 €"),
        ("OO 1.1", "Total : 15 500,5 €"),
        ("1", "2026 : 15 000 € ordinaire\n2027 : 500,5 € ordinaire"),
        ("OO 1.2", "Total : 1 000 €"),
        ("2", "2026 : 1 000 € ordinaire"),
        ("3", ""),
    ]
