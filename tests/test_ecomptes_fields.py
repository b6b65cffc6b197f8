"""An action's fields (indicators, budget, ODD, mandataires, decisions, synergies) in the
eComptes XML: where the schema has a place, else in labelled Description lines; the file stays
valid against the XSD, and imported into an empty database it gives the same fields."""

from datetime import date
from importlib import resources

import pytest
import xmlschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import ecomptes_xml, validate_ecomptes
from storage.actions import list_actions
from storage.db import open_db
from storage.importing import import_plan, load_example
from storage.importing.ecomptes import read_plan
from storage.plan_fields import (
    ActionFields,
    BudgetLine,
    Decision,
    Indicator,
    Measure,
    Synergy,
    fields_of,
    store_imported,
)
from storage.transactions import transaction

IDS = {
    "ins": "53020",
    "admin_type": "CPAS",
    "exercise": 2026,
    "pst_id": "PST-CPAS-53020",
    "description": "PST du CPAS de Frameries",
}
EVERY_FIELD = ActionFields(
    indicators=(
        Indicator("dossiers traités", "dossiers", 12, (Measure(date(2026, 11, 3), 4),)),
        Indicator("taux de satisfaction", "%", 80.5),
        Indicator("réunions tenues"),
    ),
    budget=(
        BudgetLine(2026, 15000, "ordinaire", "SPW"),
        BudgetLine(2027, 2500.5, "extraordinaire"),
    ),
    odd=(3, 11),
    mandataries=("Échevin Dupont", "Mme Martin"),
    decisions=(
        Decision("college", date(2027, 1, 12)),
        Decision("conseil", date(2027, 3, 24), "12", "https://deliberations.be/2027/12"),
    ),
    synergies=(Synergy("commune", "5.1.4"), Synergy("")),
)


@pytest.fixture(scope="module")
def schema():
    source = resources.files("storage").joinpath("data/ecomptes-pst-201805V1.xsd")
    with resources.as_file(source) as path:
        return xmlschema.XMLSchema(str(path))


def example_with(fields_by_index: dict[int, ActionFields]):
    """The bundled plan, the actions at these indexes given these fields."""
    db = open_db(":memory:")
    import_plan(db, load_example())
    actions = list_actions(db, 1)
    with transaction(db):
        for index, fields in fields_by_index.items():
            store_imported(db, actions[index].number, fields)
    return db, actions


def exported(db, actions) -> bytes:
    return ecomptes_xml(actions, **IDS, fields=fields_of(db, [a.number for a in actions]))


def fields_by_code(db) -> dict[str, ActionFields]:
    actions = list_actions(db, 1)
    found = fields_of(db, [a.number for a in actions])
    return {a.code: found[a.number] for a in actions}


def reimported(data: bytes):
    parsed = read_plan(data)
    empty = open_db(":memory:")
    import_plan(empty, parsed)
    return empty, parsed


def test_an_action_with_every_field_exports_valid_against_the_xsd(schema):
    db, actions = example_with({0: EVERY_FIELD})

    data = exported(db, actions)

    schema.validate(data.decode("iso-8859-1"))
    validate_ecomptes(data)


def test_synergies_are_the_actions_plans_and_the_others_description_lines():
    db, actions = example_with({0: EVERY_FIELD})

    data = exported(db, actions).decode("iso-8859-1")
    action = data[data.index(f'ElementId="ACT-{actions[0].code}"') :]
    action = action[: action.index("</Action>")]

    assert "<Plan>commune:5.1.4</Plan>" in action and "<Plan>synergie</Plan>" in action
    assert "Budget : 2026 : 15 000 &#8364; ordinaire (SPW)" in action
    assert "Indicateur chiffré : dossiers traités : 12 dossiers (atteint 4 le 03/11/2026)" in action
    assert "ODD : 3, 11" in action and "Mandataire : Mme Martin" in action
    assert "Décision : Conseil 24/03/2027 point 12 https://deliberations.be/2027/12" in action
    assert "<Mandataire>" not in action  # no civility nor first name to fill it truthfully


def test_an_export_imported_into_an_empty_database_gives_the_same_fields():
    db, actions = example_with({0: EVERY_FIELD, 5: ActionFields(odd=(17,))})

    empty, parsed = reimported(exported(db, actions))

    assert parsed.warnings == []
    assert fields_by_code(empty) == fields_by_code(db)
    assert fields_by_code(empty)[actions[0].code] == EVERY_FIELD


def test_a_plan_without_fields_exports_as_before_and_imports_none():
    db, actions = example_with({})

    data = exported(db, actions)

    assert data == ecomptes_xml(actions, **IDS)
    empty, _ = reimported(data)
    assert all(fields.is_empty for fields in fields_by_code(empty).values())


def test_another_tools_mandataire_is_read_as_a_name():
    db, actions = example_with({})
    data = exported(db, actions).decode("iso-8859-1")
    person = (
        "<Mandataire><Civilite>MADAME</Civilite><Nom>Martin</Nom><Prenom>Anne</Prenom>"
        "<Tel></Tel><eMail></eMail></Mandataire>"
    )
    first = data.index("<Departement>", data.index(f'ElementId="ACT-{actions[0].code}"'))
    data = (data[:first] + person + data[first:]).replace("pst-bot", "autre-outil", 1)
    validate_ecomptes(data.encode("iso-8859-1"))

    parsed = read_plan(data.encode("iso-8859-1"))

    [action] = [a for a in parsed.actions if a.code == actions[0].code]
    assert action.fields.mandataries == ("Anne Martin",)
    assert parsed.fields_given == ["mandataries"]  # another tool's file leaves the rest be


# ---------------------------------------------------------------- any fields

#: Words as plans write them; « non », « sans »… mean none in a cell, and are no names.
_words = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéèêëàâçôûîÉÈ'-",
    min_size=2,
    max_size=12,
).filter(lambda word: word.lower() not in {"non", "sans", "aucun", "aucune", "oui", "neant"})
_names = st.lists(_words, min_size=1, max_size=3).map(" ".join)
_days = st.dates(date(2020, 1, 1), date(2030, 12, 31))
_amounts = st.integers(0, 10_000_000).map(lambda cents: cents / 100)
_indicators = st.builds(
    Indicator,
    _names,
    st.none() | _words,
    st.none() | _amounts,
    st.lists(st.builds(Measure, _days, _amounts), max_size=3).map(
        lambda ms: tuple(sorted(ms, key=lambda m: m.day))
    ),
)
_fields = st.builds(
    ActionFields,
    indicators=st.lists(_indicators, max_size=3, unique_by=lambda i: i.name).map(tuple),
    budget=st.lists(
        st.builds(
            BudgetLine,
            st.integers(2019, 2030),
            _amounts,
            st.sampled_from(("ordinaire", "extraordinaire")),
            st.none() | _names,
        ),
        max_size=3,
    ).map(lambda lines: tuple(sorted(lines, key=lambda line: line.year))),
    odd=st.lists(st.integers(1, 17), unique=True, max_size=4).map(lambda o: tuple(sorted(o))),
    mandataries=st.lists(_names, unique=True, max_size=3).map(tuple),
    decisions=st.lists(
        st.builds(
            Decision,
            st.sampled_from(("college", "conseil")),
            _days,
            st.none() | st.integers(1, 200).map(str),
            st.none() | st.integers(1, 999).map(lambda n: f"https://deliberations.be/{n}"),
        ),
        max_size=3,
    ).map(lambda ds: tuple(sorted(ds, key=lambda d: d.day))),
    synergies=st.lists(
        st.builds(
            Synergy,
            st.sampled_from(("commune", "cpas", "cpas-2019")),
            st.none() | st.sampled_from(("5.1.4", "2", "1.2.a1")),
        ),
        max_size=2,
    ).map(tuple),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=_fields, second=_fields)
def test_any_fields_come_back_from_the_xml_and_the_file_stays_valid(first, second):
    db, actions = example_with({0: first, 3: second})

    data = exported(db, actions)

    validate_ecomptes(data)
    empty, parsed = reimported(data)
    assert parsed.warnings == []
    assert fields_by_code(empty) == fields_by_code(db)
