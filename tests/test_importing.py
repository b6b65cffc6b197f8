import io
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from storage.importing import (
    EXAMPLE_PATH,
    ImportFormatError,
    load_example,
    parse_csv,
    parse_file,
    parse_recap,
    parse_xlsx,
)

FIXTURES = Path(__file__).parent / "fixtures"

OS_ROW = "<b><u>O.S.1</u></b>\t<b>Etre un CPAS solidaire</b>\t<b><u>VOLET EXTERNE</u></b>\t\t"
OO_ROW = "<b>O.O.1.1</b>\t<b>Améliorer l'accès au logement</b>\t\t\t"
ACTION_ROW = "Action 1\tAcquisition d'un bâtiment\tRéalisation des travaux\tLM/MA C\t2021-2024"


def recap(*lines: str) -> str:
    return "\n".join(lines)


def actions_by_number(parsed):
    return {int(action.code): action for action in parsed.actions}


# --- Bundled example ------------------------------------------------------------------------


def test_recap_import_of_example_yields_6_os_25_oo_127_actions():
    parsed = load_example()
    assert [objective.number for objective in parsed.objectives] == [1, 2, 3, 4, 5, 6]
    assert len(parsed.operational) == 25
    assert len(parsed.actions) == 127
    assert [action.code for action in parsed.actions] == [str(n) for n in range(1, 128)]
    assert parsed.unparsed_deadlines == []
    assert parsed.warnings == []


def test_example_is_bundled_inside_the_package():
    assert EXAMPLE_PATH.name == "pst-cpas-frameries-2019-2024.md"
    text = EXAMPLE_PATH.read_text(encoding="utf-8")
    assert "Conseil de l'Action sociale du 19 décembre 2019" in text
    assert text.endswith("Nombre de conventions avec d'autres services PSE\tLM\t2021")


def test_example_action_52_keeps_raw_deadline_and_ends_with_the_last_year():
    action = actions_by_number(load_example())[52]
    assert action.pilots == ["LM", "ACB"]
    assert action.deadline == "2020 pour entrant - 2022 pour sortant"
    assert action.start_date == date(2020, 1, 1)
    assert action.end_date == date(2022, 12, 31)
    assert (action.os_number, action.oo_number, action.volet) == (3, "3.1", "interne")


def test_example_action_39_has_its_broken_initials_repaired():
    action = actions_by_number(load_example())[39]
    assert action.pilots == ["SB", "JU", "GDG"]
    assert action.start_date == date(2019, 4, 1)
    assert action.oo_title == "Améliorer le cadre et la qualité de vie des résidents"


def test_example_action_64_is_piloted_by_a_group():
    action = actions_by_number(load_example())[64]
    assert action.pilots == ["chefs de service"]
    assert action.indicators == "Nombre de procédures rédigées"


def test_example_oo_written_with_a_space_is_read():
    numbers = [oo.number for oo in load_example().operational]
    assert numbers[:4] == ["1.1", "1.2", "1.3", "1.4"]
    assert "3.3" in numbers and "4.1" in numbers and "4.3" in numbers


def test_example_objectives_lose_their_markup_and_get_a_volet():
    objectives = load_example().objectives
    assert objectives[1].title == (
        "Etre un CPAS qui développe des services et des actions adaptés aux besoins des Seniors"
    )
    assert [objective.volet for objective in objectives] == [
        "externe",
        "externe",
        "interne",
        "externe",
        "externe",
        "externe",
    ]


def test_example_line_numbers_point_into_the_bundled_file():
    lines = EXAMPLE_PATH.read_text(encoding="utf-8").splitlines()
    action = actions_by_number(load_example())[52]
    assert lines[action.line - 1].startswith("Action 52\t")


# --- Recap format ---------------------------------------------------------------------------


def test_recap_skips_titles_headers_and_blank_lines():
    parsed = parse_recap(
        recap(
            "## Tableau récapitulatif",
            "<b>PST DU CPAS DE FRAMERIES 2019-2024</b>\t\t\t\t",
            "\t<b>Intitulé</b>\t<b>Indicateurs</b>\t<b>Pil. Adm</b>\t<b>Échéance</b>",
            OS_ROW,
            "",
            OO_ROW,
            ACTION_ROW,
            "",
            "Action 2\tRenforcement des partenariats\t\t\t",
        )
    )
    first, second = parsed.actions
    assert first.title == "Acquisition d'un bâtiment"
    assert first.pilots == ["LM", "MAC"]
    assert first.line == 7
    assert (second.indicators, second.pilots, second.deadline) == ("", [], "")
    assert (second.start_date, second.end_date) == (None, None)
    assert parsed.unparsed_deadlines == []


def test_recap_collects_unparsed_deadlines_by_action_number():
    parsed = parse_recap(recap(OS_ROW, OO_ROW, "Action 7\tTitre\t\tLM\tcontinu"))
    assert parsed.unparsed_deadlines == [("7", "continu")]


def test_recap_action_without_title_names_the_line():
    with pytest.raises(ImportFormatError) as error:
        parse_recap(recap(OS_ROW, OO_ROW, "Action 12\t\tIndicateur\tLM\t2021"))
    assert error.value.line == 3
    assert str(error.value) == "Ligne 3 : ligne « Action 12 » sans intitulé."


def test_recap_action_before_any_oo_is_refused():
    with pytest.raises(ImportFormatError) as error:
        parse_recap(recap(OS_ROW, ACTION_ROW))
    assert error.value.line == 2
    assert "Action 1" in str(error.value)


def test_recap_oo_of_another_os_is_refused():
    with pytest.raises(ImportFormatError) as error:
        parse_recap(recap(OS_ROW, "<b>O.O.2.1</b>\t<b>Ailleurs</b>", ACTION_ROW))
    assert error.value.line == 2
    assert "O.S.1" in str(error.value)


def test_recap_oo_before_any_os_is_refused():
    with pytest.raises(ImportFormatError) as error:
        parse_recap(recap(OO_ROW, ACTION_ROW))
    assert error.value.line == 1


def test_recap_duplicate_action_number_is_refused():
    with pytest.raises(ImportFormatError) as error:
        parse_recap(recap(OS_ROW, OO_ROW, ACTION_ROW, "", ACTION_ROW))
    assert error.value.line == 5
    assert str(error.value) == "Ligne 5 : l'action 1 apparaît deux fois (déjà ligne 3)."


def test_recap_unknown_line_inside_the_table_is_refused():
    with pytest.raises(ImportFormatError) as error:
        parse_recap(recap(OS_ROW, OO_ROW, ACTION_ROW, "Total\t127 actions"))
    assert error.value.line == 4
    assert "Total 127 actions" in str(error.value)


def test_recap_with_objectives_and_no_actions_is_a_plan_at_the_start_of_a_term():
    parsed = parse_recap(recap("# Mon PST", OS_ROW, OO_ROW))
    assert [(o.number, o.volet) for o in parsed.objectives] == [(1, "externe")]
    assert [o.number for o in parsed.operational] == ["1.1"]
    assert parsed.actions == []


def test_recap_without_objectives_or_actions_is_refused():
    with pytest.raises(ImportFormatError) as error:
        parse_recap(recap("# Mon PST", "Rien encore."))
    assert error.value.line is None
    assert str(error.value) == "Le fichier ne contient ni objectif ni action : rien à importer."


# --- CSV ------------------------------------------------------------------------------------

CSV_HEADER = "os,oo,action,title,indicators,pilots,deadline"


def test_csv_import_reads_all_columns():
    parsed = parse_file(FIXTURES / "pst-minimal.csv")
    first, second, third, fourth = parsed.actions
    assert (first.os_number, first.oo_number, first.code) == (1, "1.1", "1")
    assert first.pilots == ["LM", "MR", "MAC", "DB"]
    assert (first.status, first.progress, first.comment) == ("en cours", 40, "Compromis signé")
    assert (first.start_date, first.end_date) == (date(2021, 1, 1), date(2024, 12, 31))
    assert (second.status, second.progress, second.comment) == (None, None, None)
    assert third.oo_title == "Renforcer l'aide énergétique"
    assert fourth.title == "Projet de vie, tronc commun"
    assert fourth.end_date == date(2022, 2, 28)
    assert parsed.unparsed_deadlines == [("3", "continu")]
    assert [(o.number, o.title) for o in parsed.objectives] == [
        (1, "Etre un CPAS solidaire"),
        (2, "Etre un CPAS pour les Seniors"),
    ]
    assert [(o.number, o.title) for o in parsed.operational] == [
        ("1.1", "Améliorer l'accès au logement"),
        ("1.2", "Renforcer l'aide énergétique"),
        ("2.1", "Objectif opérationnel 2.1"),
    ]


def test_csv_with_semicolons_bom_and_french_headers():
    parsed = parse_file(FIXTURES / "pst-french-headers.csv")
    first, second = parsed.actions
    assert (first.os_number, first.oo_number, first.code) == (1, "1.1", "1")
    assert first.pilots == ["LM", "chefs de service"]
    assert (first.status, first.progress) == ("en cours", 25)
    assert first.start_date == date(2019, 4, 1)
    assert (second.oo_number, second.pilots) == ("1.2", ["DF", "JT"])
    assert second.end_date == date(2025, 6, 30)
    assert parsed.objectives[0].title == "Objectif stratégique 1"


def test_csv_missing_column_names_the_column():
    text = "os,oo,action,title,indicators,deadline\n1,1.1,1,Titre,Ind,2021\n"
    with pytest.raises(ImportFormatError) as error:
        parse_csv(text)
    assert error.value.line == 1
    assert str(error.value).startswith("Ligne 1 : colonne obligatoire « pilots » absente")


def test_csv_bad_action_number_names_the_line():
    text = f"{CSV_HEADER}\n1,1.1,1,Titre,Ind,LM,2021\n1,1.1,douze,Titre,Ind,LM,2021\n"
    with pytest.raises(ImportFormatError) as error:
        parse_csv(text)
    assert error.value.line == 3
    assert "« douze »" in str(error.value)


def test_csv_progress_out_of_range_names_the_line():
    text = "os,oo,action,title,indicators,pilots,deadline,progress\n1,1.1,1,T,I,LM,2021,140%\n"
    with pytest.raises(ImportFormatError) as error:
        parse_csv(text)
    assert error.value.line == 2
    assert "140%" in str(error.value)


def test_csv_oo_outside_its_os_is_refused():
    text = f"{CSV_HEADER}\n1,2.1,1,Titre,Ind,LM,2021\n"
    with pytest.raises(ImportFormatError) as error:
        parse_csv(text)
    assert error.value.line == 2
    assert "O.O.2.1" in str(error.value)


def test_csv_conflicting_os_titles_are_refused():
    text = (
        "os,oo,action,title,indicators,pilots,deadline,os_title\n"
        "1,1.1,1,T,I,LM,2021,Solidarité\n"
        "1,1.1,2,T,I,LM,2021,Solidarité\n"
        "1,1.2,3,T,I,LM,2021,Autre chose\n"
    )
    with pytest.raises(ImportFormatError) as error:
        parse_csv(text)
    assert error.value.line == 4
    assert "ligne 2" in str(error.value)


def test_csv_accepts_prefixed_numbers_and_bare_oo():
    text = f"{CSV_HEADER}\nO.S.2,O.O.2.3,Action 9,T,I,LM,2021\n2,4,10,T,I,LM,2021\n"
    parsed = parse_csv(text)
    assert [(a.os_number, a.oo_number, int(a.code)) for a in parsed.actions] == [
        (2, "2.3", 9),
        (2, "2.4", 10),
    ]


def test_csv_duplicate_action_number_in_one_oo_is_refused():
    text = f"{CSV_HEADER}\n1,1.1,1,T,I,LM,2021\n1,1.1,1,T,I,LM,2021\n"
    with pytest.raises(ImportFormatError) as error:
        parse_csv(text)
    assert error.value.line == 3


def test_csv_unknown_columns_are_ignored_with_a_warning():
    parsed = parse_csv(f"{CSV_HEADER},couleur\n1,1.1,1,T,I,LM,2021,bleu\n")
    assert parsed.warnings == ["Colonne « couleur » non reconnue, ignorée."]
    assert parsed.actions[0].title == "T"


def test_csv_in_windows_1252_is_read_with_a_warning(tmp_path):
    path = tmp_path / "pst.csv"
    path.write_bytes(f"{CSV_HEADER}\n1,1.1,1,Bâtiment,I,LM,févr-22\n".encode("cp1252"))
    parsed = parse_file(path)
    assert parsed.actions[0].title == "Bâtiment"
    assert parsed.actions[0].end_date == date(2022, 2, 28)
    assert parsed.warnings == ["Le fichier CSV n'est pas en UTF-8 ; lu comme Windows-1252."]


# --- XLSX -----------------------------------------------------------------------------------


def xlsx_bytes(rows, percent_cells=()):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for cell in percent_cells:
        sheet[cell].number_format = "0%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_import_reads_the_first_sheet_with_sheet_row_numbers():
    data = xlsx_bytes(
        [
            ["OS", "OO", "Action", "Intitulé", "Indicateurs", "Pilotes", "Échéance", "Avancement"],
            [1, "1.1", 1, "Acquisition", "Travaux", "LM/MA C", datetime(2025, 6, 15), 0.4],
            [],
            [1, 1.2, 2, "Audits", "Nombre", "DF/JT", "2023-24", 55],
        ],
        percent_cells=["H2"],
    )
    first, second = parse_xlsx(data).actions
    assert (first.line, first.pilots, first.progress) == (2, ["LM", "MAC"], 40)
    assert (first.deadline, first.end_date) == ("2025-06-15", date(2025, 6, 15))
    assert (second.line, second.oo_number, second.progress) == (4, "1.2", 55)
    assert second.end_date == date(2024, 12, 31)


def test_xlsx_missing_column_names_the_column():
    data = xlsx_bytes([["os", "oo", "action", "title", "indicators", "pilots"], [1, "1.1", 1]])
    with pytest.raises(ImportFormatError) as error:
        parse_xlsx(data)
    assert "« deadline »" in str(error.value)


def test_xlsx_that_is_not_a_workbook_is_refused():
    with pytest.raises(ImportFormatError) as error:
        parse_xlsx(b"not a zip file")
    assert str(error.value).startswith("Fichier Excel illisible")


# --- Dispatch -------------------------------------------------------------------------------


def test_parse_file_reads_xlsx_and_recap_by_extension(tmp_path):
    xlsx = tmp_path / "pst.XLSX"
    xlsx.write_bytes(xlsx_bytes([CSV_HEADER.split(","), [1, "1.1", 1, "T", "I", "LM", "2021"]]))
    assert parse_file(xlsx).actions[0].title == "T"
    text = tmp_path / "pst.txt"
    text.write_text(recap(OS_ROW, OO_ROW, ACTION_ROW), encoding="utf-8")
    assert parse_file(text).actions[0].pilots == ["LM", "MAC"]


def test_parse_file_refuses_unknown_extension(tmp_path):
    path = tmp_path / "pst.pdf"
    path.write_bytes(b"%PDF")
    with pytest.raises(ImportFormatError) as error:
        parse_file(path)
    assert str(error.value).startswith("Format de fichier non reconnu : « .pdf »")
