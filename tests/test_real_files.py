"""Files as DGs save them: the seed's table saved from Excel and LibreOffice (title block, merged
cells, totals, French headers, Windows-1252), commune codes, plans with no actions yet.

Every file is built here, from the bundled recap (`load_example()`) or from a few rows."""

import csv
import io
import time

import pytest
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import CoveredTableCell, Table, TableCell, TableRow
from odf.text import P
from openpyxl import Workbook

from reports.spreadsheet_ods import table_ods
from reports.spreadsheet_xlsx import table_xlsx
from reports.table import table_csv
from storage.actions import Action, list_actions
from storage.db import open_db
from storage.importing import (
    ImportFormatError,
    import_plan,
    load_example,
    parse_csv,
    parse_file,
    parse_ods,
    parse_xlsx,
)
from storage.plans import only_plan

SEED = load_example()
TITLE_BLOCK = [
    ["PST DU CPAS DE FRAMERIES 2019-2024"],
    ["Objectifs Stratégiques - Objectifs Opérationnels - Actions"],
    [],
]
PRINT_HEADER = [
    "Objectif stratégique",
    "Objectif opérationnel",
    "N°",
    "Intitulé de l'action",
    "Indicateur(s)",
    "Pil. Adm",
    "Échéance",
]


def seed_blocks():
    """The seed's plan as (O.S., its O.O.s with their actions), in the document's order."""
    for objective in SEED.objectives:
        operational = [oo for oo in SEED.operational if oo.os_number == objective.number]
        yield (
            objective,
            [(oo, [a for a in SEED.actions if a.oo_number == oo.number]) for oo in operational],
        )


def action_cells(action):
    return [action.title, action.indicators, "/".join(action.pilots), action.deadline]


def seed_outline(first_header):
    """The seed's table as its document lays it out: one label column, O.S./O.O./action rows."""
    rows = [*TITLE_BLOCK, [first_header, "Intitulé", "Indicateurs", "Pil. Adm", "Échéance"]]
    for objective, operational in seed_blocks():
        rows.append([f"O.S.{objective.number}", objective.title, f"VOLET {objective.volet}"])
        for oo, actions in operational:
            rows.append([f"O.O.{oo.number}", oo.title])
            rows += [[f"Action {a.code}", *action_cells(a)] for a in actions]
            rows.append([])
    return rows


def seed_print_blocks():
    """The seed laid out for print: O.S. and O.O. cells "O.S.1 title", one block per O.O.
    Yields (O.S. cell, O.O. cell, action rows)."""
    for objective, operational in seed_blocks():
        os_cell = f"O.S.{objective.number} {objective.title}"
        for oo, actions in operational:
            oo_cell = f"O.O.{oo.number} {oo.title}"
            yield os_cell, oo_cell, [[f"Action {a.code}", *action_cells(a)] for a in actions]


def csv_bytes(rows, encoding):
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def assert_is_the_seed(parsed, volets=False):
    def plan(pst):
        return (
            [(o.number, o.title) + ((o.volet,) if volets else ()) for o in pst.objectives],
            [(o.number, o.title) for o in pst.operational],
            [
                (a.code, a.oo_number, a.title, a.indicators, a.pilots, a.deadline, a.end_date)
                for a in pst.actions
            ],
        )

    assert (len(parsed.objectives), len(parsed.operational), len(parsed.actions)) == (6, 25, 127)
    assert plan(parsed) == plan(SEED)


# --- The seed's table, saved as DGs save it -------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "first_header"), [("utf-8-sig", ""), ("cp1252", "N°"), ("utf-8", "N°")]
)
def test_seed_table_saved_as_csv_with_its_own_headers_is_the_seed(tmp_path, encoding, first_header):
    path = tmp_path / "pst.csv"
    path.write_bytes(csv_bytes(seed_outline(first_header), encoding))
    parsed = parse_file(path)
    assert_is_the_seed(parsed, volets=True)
    warnings = ["Le fichier CSV n'est pas en UTF-8 ; lu comme Windows-1252."]
    assert parsed.warnings == (warnings if encoding == "cp1252" else [])


def seed_print_xlsx(merge=True) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in TITLE_BLOCK:
        sheet.append(row)
    sheet.merge_cells("A1:G1")  # the title, centred across the table
    sheet.append(PRINT_HEADER)
    current_os = None
    for os_cell, oo_cell, actions in seed_print_blocks():
        first = sheet.max_row + 1
        for index, action in enumerate(actions):
            shown_os = os_cell if os_cell != current_os else ""
            sheet.append([shown_os, oo_cell if index == 0 else "", *action])
            current_os = os_cell
        if merge and len(actions) > 1:
            sheet.merge_cells(start_row=first, end_row=sheet.max_row, start_column=2, end_column=2)
    if merge:  # each O.S. merged down its rows
        starts = [row for row in range(5, sheet.max_row + 1) if sheet.cell(row, 1).value]
        for start, end in zip(starts, [*starts[1:], sheet.max_row + 1], strict=True):
            if end - start > 1:
                sheet.merge_cells(start_row=start, end_row=end - 1, start_column=1, end_column=1)
    sheet.append(["Total", "", "", "127 actions"])
    sheet.append([])
    sheet.append(["Approuvé par le Conseil de l'Action sociale du 19 décembre 2019"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_seed_table_laid_out_for_print_in_xlsx_is_the_seed():
    parsed = parse_xlsx(seed_print_xlsx())
    assert_is_the_seed(parsed)
    assert parsed.actions[0].line == 5  # sheet rows: three title rows, the header on row 4
    assert parsed.warnings == [
        f"Ligne {5 + 127 + 2} ignorée (ni action ni objectif) : "
        "« Approuvé par le Conseil de l'Action sociale du 19 décembre 2019 »."
    ]


def test_empty_os_and_oo_cells_continue_the_ones_above_without_merged_cells():
    assert_is_the_seed(parse_xlsx(seed_print_xlsx(merge=False)))


def ods_cell(value, **attributes):
    if isinstance(value, int | float):
        cell = TableCell(valuetype="float", value=value, **attributes)
        cell.addElement(P(text=str(value)))
        return cell
    cell = TableCell(valuetype="string", **attributes) if value else TableCell(**attributes)
    if value:
        cell.addElement(P(text=value))
    return cell


def ods_bytes(rows, empty_rows_after=1_048_000) -> bytes:
    """An .ods of `rows`; a cell given as (value, n) spans n rows, None is a covered cell;
    LibreOffice's run of empty rows and columns at the end."""
    document = OpenDocumentSpreadsheet()
    table = Table(name="PST")
    for cells in rows:
        row = TableRow()
        for cell in cells:
            if cell is None:
                row.addElement(CoveredTableCell())
            elif isinstance(cell, tuple):
                row.addElement(ods_cell(cell[0], numberrowsspanned=cell[1]))
            else:
                row.addElement(ods_cell(cell))
        row.addElement(TableCell(numbercolumnsrepeated=16_000))
        table.addElement(row)
    empty = TableRow(numberrowsrepeated=empty_rows_after)
    empty.addElement(TableCell(numbercolumnsrepeated=16_384))
    table.addElement(empty)
    document.spreadsheet.addElement(table)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def test_seed_table_saved_as_ods_with_merged_cells_is_the_seed():
    rows = [*TITLE_BLOCK, PRINT_HEADER]
    for os_cell, oo_cell, actions in seed_print_blocks():
        for index, (code, *rest) in enumerate(actions):
            first_oo = (oo_cell, len(actions)) if index == 0 else None
            number = int(code.removeprefix("Action "))  # a number cell, as typed
            rows.append([os_cell, first_oo, number, *rest])
    rows.append(["Total", "", "", "127 actions"])
    assert_is_the_seed(parse_ods(ods_bytes(rows)))


def test_ods_declaring_a_million_repeated_empty_rows_is_read_quickly():
    rows = [PRINT_HEADER, ["O.S.1 Solidarité", "O.O.1.1 Logement", 1, "Achat", "", "LM", "2021"]]
    data = ods_bytes(rows, empty_rows_after=1_048_574)
    started = time.monotonic()
    parsed = parse_ods(data)
    assert time.monotonic() - started < 2
    assert [(a.code, a.title, a.pilots) for a in parsed.actions] == [("1", "Achat", ["LM"])]


def test_ods_repeating_a_filled_row_a_million_times_is_refused():
    document = OpenDocumentSpreadsheet()
    table = Table(name="PST")
    header = TableRow()
    for name in PRINT_HEADER:
        header.addElement(ods_cell(name))
    filled = TableRow(numberrowsrepeated=1_000_000)
    for value in ("1", "1.1", "", "Achat", "", "LM", "2021"):
        filled.addElement(ods_cell(value))
    table.addElement(header)
    table.addElement(filled)
    document.spreadsheet.addElement(table)
    out = io.BytesIO()
    document.write(out)
    with pytest.raises(ImportFormatError, match="plus de 20000 lignes"):
        parse_ods(out.getvalue())


def test_a_file_named_ods_that_is_not_one_is_refused(tmp_path):
    path = tmp_path / "pst.ods"
    path.write_bytes(b"PK not really")
    with pytest.raises(ImportFormatError, match="illisible"):
        parse_file(path)


# --- Plans as communes and new terms have them ----------------------------------------------

COMMUNE = """\
PST de la commune 2025-2030;;;;;;
;;;;;;
OS;OO;N°;Intitulé;Indicateurs;Pilote(s);Échéance
OS 1 – Une commune propre;OO 1.1 – Réduire les déchets;1.1.1;Parcs à conteneurs;Tonnes;JD;2026
;;1.1.2;Poubelles publiques;Nombre;JD;2027
;OO 1.2 – Sensibiliser;1.2.1;Écoles;Classes;MB;2028
O.S. 2 : Une commune sûre;O.O.2.1 Éclairer;2.1.1;Éclairage LED;Points;PL;2029
Totaux;;;4;;;
"""


def test_a_commune_plan_numbered_1_1_1_keeps_its_codes():
    parsed = parse_csv(COMMUNE)
    assert [(a.code, a.oo_number) for a in parsed.actions] == [
        ("1.1.1", "1.1"),
        ("1.1.2", "1.1"),
        ("1.2.1", "1.2"),
        ("2.1.1", "2.1"),
    ]
    assert [(o.number, o.title) for o in parsed.objectives] == [
        (1, "Une commune propre"),
        (2, "Une commune sûre"),
    ]
    assert [o.title for o in parsed.operational] == [
        "Réduire les déchets",
        "Sensibiliser",
        "Éclairer",
    ]
    assert parsed.warnings == []


def test_a_plan_with_objectives_and_no_actions_yet_imports():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["PST 2025-2030 (projet)"])
    sheet.append(PRINT_HEADER)
    sheet.append(["O.S.1 Être un CPAS solidaire", "O.O.1.1 Améliorer l'accès au logement"])
    sheet.append(["", "O.O.1.2 Renforcer l'aide énergétique"])
    sheet.append(["O.S.2 Être un CPAS pour les seniors", "O.O.2.1 Projets de vie", "", ""])
    out = io.BytesIO()
    workbook.save(out)
    parsed = parse_xlsx(out.getvalue())
    assert parsed.actions == []
    assert [(o.number, o.title) for o in parsed.objectives] == [
        (1, "Être un CPAS solidaire"),
        (2, "Être un CPAS pour les seniors"),
    ]
    assert [(o.os_number, o.number, o.title) for o in parsed.operational] == [
        (1, "1.1", "Améliorer l'accès au logement"),
        (1, "1.2", "Renforcer l'aide énergétique"),
        (2, "2.1", "Projets de vie"),
    ]


def test_a_sheet_with_a_header_and_nothing_else_is_refused():
    with pytest.raises(ImportFormatError, match="ni objectif ni action"):
        parse_csv(";".join(PRINT_HEADER) + "\n;;;;;;\n")


def test_a_status_written_as_free_text_is_passed_through_whole():
    text = (
        "OS;OO;Action;Intitulé;Indicateurs;Pilotes;Échéance;État d'avancement\n"
        "1;1.1;7;Formation des AS;Nombre;DF;2020-2024;Formation reçue le 02/12/15\n"
        "1;1.1;8;Audits;Nombre;DF;2020-2024;Réalisé\n"
    )
    first, second = parse_csv(text).actions
    assert first.status == "Formation reçue le 02/12/15"
    assert second.status == "Réalisé"


def test_a_progress_column_written_in_words_is_read_as_the_status():
    text = (
        "OS;OO;N°;Action;Indicateurs;Pilotes;Échéance;Avancement\n"
        "1;1.1;7;Audits;;DF;2021;En cours\n"
    )
    (action,) = parse_csv(text).actions
    assert (action.title, action.status, action.progress) == ("Audits", "En cours", None)


# --- Merged cells ---------------------------------------------------------------------------

HEADER = ["OS", "OO", "N°", "Intitulé", "Indicateurs", "Pilotes", "Échéance"]
THREE_ACTIONS = [
    ["1", "1.1", "1", "Achat", "", "LM", "2020-2024"],
    ["1", "1.1", "2", "Travaux", "", "MR", ""],
    ["1", "1.1", "3", "Accueil", "", "DB", ""],
]


def xlsx_bytes(rows, merged=()):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for cells in merged:
        sheet.merge_cells(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_deadline_merged_down_several_actions_holds_for_each_in_xlsx():
    parsed = parse_xlsx(xlsx_bytes([HEADER, *THREE_ACTIONS], merged=["G2:G4"]))
    assert [a.deadline for a in parsed.actions] == ["2020-2024"] * 3


def test_a_deadline_spanning_several_actions_holds_for_each_in_ods():
    rows = [HEADER, [*THREE_ACTIONS[0][:6], ("2020-2024", 3)]]
    rows += [[*row[:6], None] for row in THREE_ACTIONS[1:]]
    parsed = parse_ods(ods_bytes(rows))
    assert [a.deadline for a in parsed.actions] == ["2020-2024"] * 3


def test_a_title_merged_across_columns_is_read_once():
    rows = [
        ["", "Intitulé", "Indicateurs", "Pil. Adm", "Échéance"],
        ["O.S.1", "Etre un CPAS solidaire"],
        ["O.O.1.1", "Améliorer l'accès au logement"],
        ["Action 1", "Achat", "Travaux", "LM", "2021"],
    ]
    parsed = parse_xlsx(xlsx_bytes(rows, merged=["B2:E2", "B3:E3"]))
    assert parsed.objectives[0].title == "Etre un CPAS solidaire"
    assert parsed.objectives[0].volet is None
    assert parsed.warnings == []
    assert parsed.actions[0].indicators == "Travaux"


# --- Headers, labels and rows as tables have them ---------------------------------------------


VALUES = {
    "os": "1", "oo": "1.1", "action": "7", "title": "Achat", "indicators": "Fait",
    "pilots": "LM", "deadline": "2021",
}  # fmt: skip


@pytest.mark.parametrize(
    "header",
    [
        {name: name for name in VALUES},
        {
            "O.S.": "os",
            "O.O.": "oo",
            "Numéro": "action",
            "Libellé": "title",
            "Indicateur(s)": "indicators",
            "Responsable(s)": "pilots",
            "Délai": "deadline",
        },
        {
            "Objectif stratégique": "os",
            "Objectif opérationnel": "oo",
            "N° action": "action",
            "Intitulé (de l'action)": "title",
            "INDICATEURS": "indicators",
            "Pilote(s)": "pilots",
            "Date d'échéance": "deadline",
        },
        {
            "OS": "os",
            "OO": "oo",
            "Num.": "action",
            "Titre": "title",
            "Indicateur de suivi": "indicators",
            "Porteur de projet": "pilots",
            "Échéancier": "deadline",
        },
        {  # in another order; "Action" beside "N°" is the title
            "N°": "action",
            "Action": "title",
            "Indicateurs": "indicators",
            "Pil. Adm": "pilots",
            "Échéance": "deadline",
            "OO": "oo",
            "OS": "os",
        },
    ],
)
def test_headers_are_read_under_the_names_tables_give_them(header):
    text = ";".join(header) + "\n" + ";".join(VALUES[name] for name in header.values())
    parsed = parse_csv(text)
    (action,) = parsed.actions
    assert (action.code, action.oo_number, action.title) == ("7", "1.1", "Achat")
    assert (action.indicators, action.pilots, action.deadline) == ("Fait", ["LM"], "2021")
    assert parsed.warnings == []


@pytest.mark.parametrize(
    ("os_cell", "oo_cell"),
    [
        ("O.S.1 Solidarité", "O.O.1.2 Énergie"),
        ("OS 1 – Solidarité", "OO 1.2 – Énergie"),
        ("O.S. 1 : Solidarité", "O.O. 1.2 : Énergie"),
        ("Objectif stratégique 1 : Solidarité", "Objectif opérationnel 1.2 - Énergie"),
    ],
)
def test_an_objective_number_and_title_share_one_cell(os_cell, oo_cell):
    text = f"{';'.join(HEADER)}\n{os_cell};{oo_cell};5;Audits;;DF;2021\n"
    parsed = parse_csv(text)
    assert [(o.number, o.title) for o in parsed.objectives] == [(1, "Solidarité")]
    assert [(o.number, o.title) for o in parsed.operational] == [("1.2", "Énergie")]


@pytest.mark.parametrize(
    ("cell", "code"),
    [("29", "29"), ("Action 29", "29"), ("N° 29", "29"), ("1.1.1", "1.1.1"), ("A.2.3", "A.2.3")],
)
def test_an_action_code_is_read_as_printed(cell, code):
    text = f"{';'.join(HEADER)}\n1;1.1;{cell};Achat;;LM;2021\n"
    assert parse_csv(text).actions[0].code == code


def test_title_block_totals_and_notes_around_the_table_are_skipped():
    text = (
        "PST 2019-2024, CPAS de Frameries,,,,,,\n"
        ",,,,,,,\n"
        "OS,OO,N°,Intitulé,Indicateurs,Pilotes,Échéance,Budget\n"
        "1,1.1,1,Achat,,LM,2021,5000\n"
        "Sous-total O.S.1,,,,,,,5000\n"
        ",,,,,,,\n"
        "2,2.1,2,Audits,,DF,2022,\n"
        "TOTAL,,,,,,,5000\n"
        "* Pil. Adm : pilote administratif,,,,,,,\n"
    )
    parsed = parse_csv(text)
    assert [(a.code, a.line) for a in parsed.actions] == [("1", 4), ("2", 7)]
    assert parsed.warnings == [
        # An amount without its year is not a budget line (never a year guessed).
        "Ligne 4 : ligne de budget « 5000 » non compris, ignoré "
        "(on attend par ex. « 2026 : 15 000 € ordinaire (SPW) »).",
        "Ligne 9 ignorée (ni action ni objectif) : « * Pil. Adm : pilote administratif ».",
    ]


def test_a_row_with_a_title_and_no_action_code_names_the_line():
    text = f"{';'.join(HEADER)}\n1;1.1;;Achat;;LM;2021\n"
    with pytest.raises(ImportFormatError) as error:
        parse_csv(text)
    assert str(error.value) == "Ligne 2 : ligne « Achat » sans numéro d'action."


def test_a_sheet_without_a_recognisable_header_says_what_it_looks_for():
    with pytest.raises(ImportFormatError, match="Ligne d'en-têtes introuvable"):
        parse_csv("Budget;Montant\n2021;5000\n")


def test_a_csv_in_utf16_as_excel_saves_unicode_text_is_read(tmp_path):
    path = tmp_path / "pst.csv"
    path.write_bytes(("\t".join(HEADER) + "\n1\t1.1\t1\tÉcole\t\tLM\t2021\n").encode("utf-16"))
    assert parse_file(path).actions[0].title == "École"


# --- Workbooks of several sheets ------------------------------------------------------------


def seed_as_exported() -> list[Action]:
    """The seed as storage gives it to the reports once imported, nothing updated yet."""
    db = open_db(":memory:")
    import_plan(db, SEED)
    return list_actions(db, only_plan(db).id)


@pytest.mark.parametrize("export", [table_csv, table_xlsx, table_ods], ids=lambda f: f.__name__)
def test_the_table_the_bot_exports_imports_back_as_the_same_plan(tmp_path, export):
    suffix = export.__name__.removeprefix("table_")
    path = tmp_path / f"pst.{suffix}"
    path.write_bytes(export(seed_as_exported()))
    parsed = parse_file(path)
    assert_is_the_seed(parsed, volets=False)
    assert {a.status for a in parsed.actions} == {"à démarrer"}


def workbook_with_a_cover_page(*table_rows) -> bytes:
    workbook = Workbook()
    workbook.active.title = "Page de garde"
    workbook.active.append(["Programme stratégique transversal 2025-2030"])
    workbook.create_sheet("Feuil2")
    table = workbook.create_sheet("PST")
    for row in (HEADER, *table_rows):
        table.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_workbook_opening_on_a_cover_page_reads_the_sheet_with_the_table():
    parsed = parse_xlsx(workbook_with_a_cover_page(THREE_ACTIONS[0]))
    assert [a.title for a in parsed.actions] == ["Achat"]
    assert parsed.warnings == ["Feuilles sans en-têtes de PST, ignorées : « Page de garde »."]


def test_a_refusal_in_a_later_sheet_names_the_sheet():
    again = ["1", "1.1", "1", "Encore", "", "LM", "2021"]
    with pytest.raises(ImportFormatError) as error:
        parse_xlsx(workbook_with_a_cover_page(THREE_ACTIONS[0], again))
    assert str(error.value) == (
        "Feuille « PST » : Ligne 3 : l'action 1 apparaît deux fois (déjà ligne 2)."
    )
