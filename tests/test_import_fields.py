"""Every field of an action imports from the columns DGs name it by (issue 23, item 1): result
indicators with target and values, budget lines, ODD, mandataires, decisions, synergies. Each
shape is built here; a cell not understood is left out and named, with its line."""

import csv
import io
from datetime import date

import pytest

from storage.db import open_db
from storage.importing import import_plan, parse_csv
from storage.importing.fields_cells import (
    format_amount,
    format_budget,
    format_decisions,
    format_indicators,
    read_number,
)
from storage.plan_fields import (
    BudgetLine,
    Decision,
    Indicator,
    Measure,
    Synergy,
    fields_of,
)

BASE = ["OS", "OO", "N°", "Intitulé", "Indicateurs", "Pilotes", "Échéance"]


def csv_of(headers: list[str], *rows: list[str]) -> str:
    """A ";" CSV of the plan's columns then `headers`, one action per row (actions 1, 2…)."""
    lines = [";".join(BASE + headers)]
    for index, cells in enumerate(rows, start=1):
        base = ["1", "1.1", str(index), f"Action {index}", "", "LM", "2026"]
        lines.append(";".join(base + [f'"{cell}"' for cell in cells]))
    return "\n".join(lines) + "\n"


def written(*rows: list[str]) -> str:
    """Rows as a ";" CSV, cells quoted as a spreadsheet saves them (line breaks kept)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    return buffer.getvalue()


def fields(headers, *rows):
    parsed = parse_csv(csv_of(headers, *rows))
    return [action.fields for action in parsed.actions], parsed.warnings


# --- indicators -------------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["Indicateurs chiffrés", "Indicateurs (cibles et valeurs)"])
def test_indicators_one_per_line_with_target_unit_and_dated_values(header):
    cell = (
        "dossiers traités : 12 dossiers (atteint 4 le 03/11/2026 ; 9,5 le 2026-12-01)\n"
        "satisfaction : 80 %\n"
        "Réalisation des travaux"
    )
    (found,), warnings = fields([header], [cell])

    assert warnings == []
    assert found.indicators == (
        Indicator(
            "dossiers traités",
            "dossiers",
            12,
            (Measure(date(2026, 11, 3), 4), Measure(date(2026, 12, 1), 9.5)),
        ),
        Indicator("satisfaction", "%", 80),
        Indicator("Réalisation des travaux"),
    )


@pytest.mark.parametrize(
    ("cell", "name", "unit"),
    [
        ("Straße : 12 km (atteint 14 le 03/11/2026)", "Straße", "km"),  # fold("ß") is "ss"
        ("ﬁbre posée : 12 km (atteint 14 le 03/11/2026)", "ﬁbre posée", "km"),  # "ﬁ" is "fi"
        ("dossiers  traités : 12 (Atteint 14 le 03/11/2026)", "dossiers  traités", None),
    ],
)
def test_an_indicator_whose_folded_text_is_longer_or_shorter_keeps_its_values(cell, name, unit):
    (found,), warnings = fields(["Indicateurs chiffrés"], [cell])

    assert warnings == []
    assert found.indicators == (Indicator(name, unit, 12, (Measure(date(2026, 11, 3), 14),)),)


@pytest.mark.parametrize(
    ("target", "unit", "reached", "year"),
    [
        ("Valeur cible", "Unité", "Valeur atteinte", "Année"),
        ("Cible", "Unité de mesure", "Valeur réalisée", "Exercice"),
    ],
)
def test_ia_pst_indicator_columns_name_target_and_reached_value_of_the_year(
    target, unit, reached, year
):
    headers = ["OS", "OO", "N°", "Intitulé", "Indicateur de résultat", "Pilote", "Échéance"]
    row = ["1", "1.1", "1", "Achat", "Places créées\nlogements", "LM", "2026"]
    parsed = parse_csv(
        written([*headers, target, unit, reached, year], [*row, "20\n4", "places", "12\n3", "2026"])
    )
    (action,) = parsed.actions

    assert parsed.warnings == []
    assert action.indicators == "Places créées\nlogements"  # the plan's text, as before
    assert action.fields.indicators == (
        Indicator("Places créées", "places", 20, (Measure(date(2026, 12, 31), 12),)),
        Indicator("logements", None, 4, (Measure(date(2026, 12, 31), 3),)),
    )


def test_a_reached_value_without_its_year_is_named_not_dated():
    headers = [*BASE, "Valeur cible", "Valeur atteinte"]
    parsed = parse_csv(
        written(headers, ["1", "1.1", "1", "Achat", "Places", "LM", "2026", "20", "12"])
    )

    assert parsed.actions[0].fields.indicators == (Indicator("Places", None, 20),)
    assert parsed.warnings == [
        "Ligne 2 : année « Places : 12 » non compris, ignoré (on attend par ex. « 2026 »)."
    ]


# --- budget -----------------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["Budget", "Budgets", "Budget prévu"])
def test_budget_lines_per_year_with_kind_and_funding(header):
    cell = "2026 : 15 000 € ordinaire (SPW)\n2027 : 1.500,50 EUR extraordinaire\n2028 : 300"
    (found,), warnings = fields([header], [cell])

    assert warnings == []
    assert found.budget == (
        BudgetLine(2026, 15000, "ordinaire", "SPW"),
        BudgetLine(2027, 1500.5, "extraordinaire"),
        BudgetLine(2028, 300, "ordinaire"),
    )


def test_amount_year_kind_and_funding_columns_make_one_budget_line():
    headers = ["Montant", "Année", "Budget ordinaire/extraordinaire", "Source de financement"]
    (found,), warnings = fields(headers, ["25 000", "2027", "extraordinaire", "FEDER"])

    assert warnings == []
    assert found.budget == (BudgetLine(2027, 25000, "extraordinaire", "FEDER"),)


def test_ordinary_and_extraordinary_budget_columns_say_the_kind():
    headers = ["Budget ordinaire", "Budget extraordinaire", "Financement"]
    (found,), warnings = fields(headers, ["2026 : 1 000", "2026 : 50 000", "Commune"])

    assert warnings == []
    assert found.budget == (
        BudgetLine(2026, 1000, "ordinaire", "Commune"),
        BudgetLine(2026, 50000, "extraordinaire", "Commune"),
    )


def test_a_budget_line_not_understood_is_named_and_the_others_kept():
    (found,), warnings = fields(["Budget"], ["2026 : 15 000 €\nbeaucoup\n5000"])

    assert found.budget == (BudgetLine(2026, 15000),)
    assert warnings == [
        "Ligne 2 : ligne de budget « beaucoup » non compris, ignoré "
        "(on attend par ex. « 2026 : 15 000 € ordinaire (SPW) »).",
        "Ligne 2 : ligne de budget « 5000 » non compris, ignoré "
        "(on attend par ex. « 2026 : 15 000 € ordinaire (SPW) »).",
    ]


# --- ODD, mandataires -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "cell", "odd"),
    [
        ("ODD", "3, 11", (3, 11)),
        ("Objectifs de développement durable", "ODD 3 ; ODD 17", (3, 17)),
        ("ODD", "Sans ODD", ()),
        ("ODD", "", ()),
    ],
)
def test_odd_numbers_in_the_usual_shapes(header, cell, odd):
    (found,), warnings = fields([header], [cell])
    assert warnings == []
    assert found.odd == odd


def test_an_odd_out_of_the_seventeen_is_named():
    (found,), warnings = fields(["ODD"], ["3, 18, santé"])

    assert found.odd == (3,)
    assert [w.split(" non compris")[0] for w in warnings] == [
        "Ligne 2 : ODD « 18 »",
        "Ligne 2 : ODD « santé »",
    ]


@pytest.mark.parametrize(
    "header", ["Mandataire(s)", "Échevin", "Responsable politique", "Mandataires"]
)
def test_mandataires_under_their_usual_names(header):
    (found,), warnings = fields([header], ["Échevin Dupont ; Mme Martin, M. Lê"])
    assert warnings == []
    assert found.mandataries == ("Échevin Dupont", "Mme Martin", "M. Lê")


# --- decisions, synergies ---------------------------------------------------------------------


def test_decisions_of_the_college_and_the_conseil_with_point_and_link():
    cell = "Conseil 24/03/2027 point 12 https://deliberations.be/p/12\nCollège du 2026-11-05"
    (found,), warnings = fields(["Décision(s)"], [cell])

    assert warnings == []
    assert found.decisions == (
        Decision("conseil", date(2027, 3, 24), "12", "https://deliberations.be/p/12"),
        Decision("college", date(2026, 11, 5)),
    )


def test_a_college_or_conseil_column_gives_its_body_to_its_lines():
    (found,), warnings = fields(["Collège", "Conseil"], ["05/11/2026 point 3", "24/03/2027"])

    assert warnings == []
    assert found.decisions == (
        Decision("college", date(2026, 11, 5), "3"),
        Decision("conseil", date(2027, 3, 24)),
    )


def test_a_decision_without_a_day_is_named():
    (found,), warnings = fields(["Décisions"], ["Conseil bientôt"])

    assert found.decisions == ()
    assert warnings[0].startswith("Ligne 2 : décision « Conseil bientôt » non compris")


@pytest.mark.parametrize(
    ("header", "cell", "synergies"),
    [
        ("Synergie(s)", "commune:5.1.4, cpas", (Synergy("commune", "5.1.4"), Synergy("cpas"))),
        ("Synergie CPAS/commune", "oui", (Synergy(""),)),
        ("Synergie Ville/CPAS", "non", ()),
        ("Synergies", "Commune : A.2", (Synergy("commune", "a.2"),)),
    ],
)
def test_synergies_name_the_partner_plan_and_action(header, cell, synergies):
    (found,), warnings = fields([header], [cell])
    assert warnings == []
    assert found.synergies == synergies


def test_a_synergy_not_understood_is_named():
    (found,), warnings = fields(["Synergies"], ["avec la zone de police"])
    assert found.synergies == ()
    assert warnings[0].startswith("Ligne 2 : synergie « avec la zone de police » non compris")


# --- the cells the export writes ----------------------------------------------------------------


@pytest.mark.parametrize("value", [0, 12, 15000, 12.5, -3.25, 1234567.89, 0.001])
def test_a_number_written_the_french_way_reads_back(value):
    assert read_number(format_amount(value)) == value


def test_the_exports_cells_read_back_as_the_same_fields():
    indicators = (Indicator("dossiers", "dossiers", 12, (Measure(date(2026, 11, 3), 4),)),)
    budget = (BudgetLine(2026, 15000, "ordinaire", "SPW (UREBA)"),)
    decisions = (Decision("conseil", date(2027, 3, 24), "12", "https://x.be/1"),)
    headers = ["Indicateurs chiffrés", "Budget", "Décisions"]
    cells = [format_indicators(indicators), format_budget(budget), format_decisions(decisions)]
    (found,), warnings = fields(headers, cells)

    assert warnings == []
    assert (found.indicators, found.budget, found.decisions) == (indicators, budget, decisions)


# --- what the import stores -------------------------------------------------------------------


def test_import_stores_the_fields_and_a_changed_field_is_a_change():
    db = open_db(":memory:")
    first = parse_csv(csv_of(["ODD", "Budget"], ["3", "2026 : 100"], ["", ""]))
    report = import_plan(db, first)
    number = {row["code"]: row["number"] for row in db["actions"].rows}

    assert report.created == 2
    assert fields_of(db, [number["1"]])[number["1"]].odd == (3,)

    again = import_plan(db, first)
    assert (again.changed, again.changes) == (0, [])

    second = parse_csv(csv_of(["ODD", "Budget"], ["3, 11", "2026 : 100"], ["", ""]))
    preview = import_plan(db, second, dry_run=True)
    assert (preview.changed, preview.changes) == (1, ["action 1 : ODD modifiés"])
    assert fields_of(db, [number["1"]])[number["1"]].odd == (3,)  # a preview keeps nothing

    import_plan(db, second)
    assert fields_of(db, [number["1"]])[number["1"]].odd == (3, 11)


def test_a_file_without_a_fields_column_keeps_the_field():
    db = open_db(":memory:")
    import_plan(db, parse_csv(csv_of(["Budget", "ODD"], ["2026 : 100", "7"])))
    report = import_plan(db, parse_csv(csv_of(["ODD"], ["7"])))
    (number,) = [row["number"] for row in db["actions"].rows]

    assert report.changed == 0
    assert fields_of(db, [number])[number].budget == (BudgetLine(2026, 100),)


def test_a_number_of_thousands_of_digits_is_no_amount():
    (found,), warnings = fields(
        ["Budget", "Indicateurs chiffrés"], ["2026 : " + "9" * 5000, "x : 1"]
    )

    assert found.budget == ()
    assert found.indicators == (Indicator("x", None, 1),)
    assert len(warnings) == 1 and warnings[0].startswith("Ligne 2 : ligne de budget « 2026 : 999")


@pytest.mark.parametrize(
    "cell", ["0000 : 100", "x : 1 (atteint 3 en 0000)", "x : 1 (atteint 3 le 31/02/2026)"]
)
def test_a_year_or_a_day_that_is_none_is_named(cell):
    header = "Budget" if cell.startswith("0") else "Indicateurs chiffrés"
    (found,), warnings = fields([header], [cell])

    assert found.budget == found.indicators == ()
    assert len(warnings) == 1
