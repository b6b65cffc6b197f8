"""The files DGs have (issue 23, item 3): each shape built here, read with its counts, codes,
pilots and end dates, or refused with its real cause and line."""

import io
from datetime import date

import pytest
from openpyxl import Workbook

from storage.db import open_db
from storage.importing import (
    ImportFormatError,
    import_plan,
    parse_csv,
    parse_file,
    parse_xlsx,
    read_text,
)
from storage.importing.delimited import read_csv


def workbook(*sheets):
    """An .xlsx of (name, rows) sheets."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def summary(parsed):
    return [(a.code, a.oo_number, a.pilots, a.end_date) for a in parsed.actions]


# --- 1. iA.PST's export headers ----------------------------------------------------------------


def test_ia_pst_prefixed_headers_are_read():
    headers = [
        "O.S. Référence",
        "O.S. Titre",
        "O.O. Référence",
        "O.O. Titre",
        "A. Référence",
        "A. Titre",
        "A. Gestionnaires",
        "A. Échéance",
        "A. État",
    ]
    data = workbook(
        (
            "Export",
            [
                headers,
                [
                    "1",
                    "Être un CPAS solidaire",
                    "1.1",
                    "Logement",
                    "A.1",
                    "Acheter un bâtiment",
                    "LM",
                    "2026-06-30",
                    "En cours",
                ],
                [
                    "1",
                    "Être un CPAS solidaire",
                    "1.2",
                    "Énergie",
                    "A.2",
                    "Primes",
                    "MR/DB",
                    "2027-12-31",
                    "En création",
                ],
            ],
        )
    )
    parsed = parse_xlsx(data)
    assert summary(parsed) == [
        ("A.1", "1.1", ["LM"], date(2026, 6, 30)),
        ("A.2", "1.2", ["MR", "DB"], date(2027, 12, 31)),
    ]
    assert [o.title for o in parsed.operational] == ["Logement", "Énergie"]
    assert parsed.objectives[0].title == "Être un CPAS solidaire"
    assert parsed.actions[0].status == "En cours"


def test_an_action_column_holding_code_and_title_is_split():
    text = (
        "OS;OO;Action;Pilote;Échéance\n"
        "1;1.1;A.7 - Rénover la crèche;LM;2026-09-30\n"
        "1;1.1;A.8 : Ouvrir un guichet;MR;2027-03-31\n"
    )
    parsed = parse_csv(text)
    assert [(a.code, a.title) for a in parsed.actions] == [
        ("A.7", "Rénover la crèche"),
        ("A.8", "Ouvrir un guichet"),
    ]
    assert summary(parsed)[1] == ("A.8", "1.1", ["MR"], date(2027, 3, 31))


def test_an_action_column_without_a_title_names_the_line():
    text = "OS;OO;Action;Pilote;Échéance\n1;1.1;A.7;LM;2026\n"
    with pytest.raises(ImportFormatError) as error:
        parse_csv(text)
    assert str(error.value) == "Ligne 2 : ligne « Action A.7 » sans intitulé."


# --- 2. Numbering restarting in each O.O. ------------------------------------------------------


def test_numbering_restarting_per_oo_is_made_unique_with_a_note():
    text = (
        "OS;OO;N°;Intitulé;Pilote;Échéance\n"
        "1;1.1;A1;Acheter;LM;2026\n"
        "1;1.1;A2;Rénover;LM;2027\n"
        "1;1.2;A1;Former;MR;2026-06-30\n"
        "2;2.1;A1;Informer;DB;2028\n"
    )
    parsed = parse_csv(text)
    assert summary(parsed) == [
        ("1.1.A1", "1.1", ["LM"], date(2026, 12, 31)),
        ("1.1.A2", "1.1", ["LM"], date(2027, 12, 31)),
        ("1.2.A1", "1.2", ["MR"], date(2026, 6, 30)),
        ("2.1.A1", "2.1", ["DB"], date(2028, 12, 31)),
    ]
    assert parsed.warnings[0] == (
        "Numérotation des actions recommencée dans chaque O.O. : codes rendus uniques par "
        "l'O.S. et l'O.O. (ex. « A1 » de l'O.O.1.1 devient « 1.1.A1 »)."
    )


def test_a_code_twice_in_one_oo_is_still_refused():
    text = "OS;OO;N°;Intitulé;Pilote;Échéance\n1;1.1;A1;Acheter;LM;2026\n1;1.1;A1;Bis;LM;2026\n"
    with pytest.raises(ImportFormatError) as error:
        parse_csv(text)
    assert str(error.value) == "Ligne 3 : l'action A1 apparaît deux fois (déjà ligne 2)."


# --- 3. Four-level codes and path references ---------------------------------------------------


def test_four_level_codes_keep_sub_actions_under_their_oo():
    rows = [
        ["N°", "Intitulé", "Pilote", "Échéance"],
        ["1", "Être un CPAS solidaire", "", ""],
        ["1.1", "Logement", "", ""],
        ["1.1.1", "Acheter un bâtiment", "LM", "2026-06-30"],
        ["1.1.1.1", "Choisir le bâtiment", "LM", "2025-12-31"],
        ["1.1.1.2", "Signer l'acte", "MR", "2026-03-31"],
        ["2", "Être une administration moderne", "", ""],
        ["2.1", "Numérique", "", ""],
        ["2.1.1", "Guichet en ligne", "DB", "2027"],
    ]
    parsed = parse_xlsx(workbook(("PST", rows)))
    assert [o.number for o in parsed.objectives] == [1, 2]
    assert [o.number for o in parsed.operational] == ["1.1", "2.1"]
    assert summary(parsed) == [
        ("1.1.1", "1.1", ["LM"], date(2026, 6, 30)),
        ("1.1.1.1", "1.1", ["LM"], date(2025, 12, 31)),
        ("1.1.1.2", "1.1", ["MR"], date(2026, 3, 31)),
        ("2.1.1", "2.1", ["DB"], date(2027, 12, 31)),
    ]


def test_a_four_level_code_of_an_unknown_oo_names_it():
    rows = [
        ["N°", "Intitulé", "Pilote", "Échéance"],
        ["1", "Être un CPAS solidaire", "", ""],
        ["1.1", "Logement", "", ""],
        ["1.3.1.1", "Sous-action", "LM", "2026"],
    ]
    with pytest.raises(ImportFormatError) as error:
        parse_xlsx(workbook(("PST", rows)))
    assert str(error.value) == (
        "Ligne 4 : l'action 1.3.1.1 n'appartient à aucun O.O. connu (O.O.1.3 absent)."
    )


def test_path_references_place_each_action():
    text = (
        "Référence|Intitulé|Pilote|Échéance\n"
        "OS1/OO1.1/A1|Acheter|LM|2026-06-30\n"
        "OS1/OO1.1/A2|Rénover|LM|2027\n"
        "OS2/OO2.1/A1|Informer|DB|2028\n"
    )
    parsed = parse_csv(text)
    assert [o.number for o in parsed.operational] == ["1.1", "2.1"]
    assert summary(parsed) == [
        ("1.1.A1", "1.1", ["LM"], date(2026, 6, 30)),
        ("1.1.A2", "1.1", ["LM"], date(2027, 12, 31)),
        ("2.1.A1", "2.1", ["DB"], date(2028, 12, 31)),
    ]


# --- 4. One O.S. per sheet ---------------------------------------------------------------------


def test_one_os_per_sheet_each_with_its_header_row():
    header = ["O.O.", "N°", "Intitulé", "Pilote", "Échéance"]
    data = workbook(
        (
            "OS 1",
            [
                ["O.S.1 - Être un CPAS solidaire"],
                header,
                ["1.1", "1", "Acheter", "LM", "2026-06-30"],
                ["1.2", "2", "Former", "MR", "2027"],
            ],
        ),
        (
            "OS 2",
            [["O.S.2 - Être moderne"], [], header, ["2.1", "3", "Guichet", "DB", "2028-03-31"]],
        ),
    )
    parsed = parse_xlsx(data)
    assert [(o.number, o.title) for o in parsed.objectives] == [
        (1, "Être un CPAS solidaire"),
        (2, "Être moderne"),
    ]
    assert summary(parsed) == [
        ("1", "1.1", ["LM"], date(2026, 6, 30)),
        ("2", "1.2", ["MR"], date(2027, 12, 31)),
        ("3", "2.1", ["DB"], date(2028, 3, 31)),
    ]


def test_sheets_named_by_their_os_with_bare_oo_numbers():
    header = ["OO", "N°", "Intitulé", "Pilote", "Échéance"]
    data = workbook(
        ("OS1", [header, ["1", "1", "Acheter", "LM", "2026"]]),
        ("OS2", [header, ["1", "2", "Guichet", "DB", "2027"]]),
    )
    assert summary(parse_xlsx(data)) == [
        ("1", "1.1", ["LM"], date(2026, 12, 31)),
        ("2", "2.1", ["DB"], date(2027, 12, 31)),
    ]


def test_a_missing_os_column_is_named_with_its_line():
    text = "OO;N°;Intitulé;Pilote;Échéance\n1.1;1;Acheter;LM;2026\n"
    with pytest.raises(ImportFormatError) as error:
        parse_csv(text)
    assert error.value.line == 1
    assert "colonne obligatoire « os (O.S.) » absente" in str(error.value)


# --- 5. "|" and tab separators ----------------------------------------------------------------


@pytest.mark.parametrize("separator", ["|", "\t", ";"])
def test_pipe_tab_and_semicolon_csv_are_detected(separator):
    rows = [
        ["OS", "OO", "N°", "Intitulé", "Pilote", "Échéance"],
        ["1", "1.1", "1", "Acheter, rénover et louer", "LM", "2026-06-30"],
        ["1", "1.2", "2", "Former", "MR/DB", "2027"],
    ]
    data = "\n".join(separator.join(row) for row in rows).encode("utf-8")
    for parsed in (read_csv(data), read_text(data)):
        assert summary(parsed) == [
            ("1", "1.1", ["LM"], date(2026, 6, 30)),
            ("2", "1.2", ["MR", "DB"], date(2027, 12, 31)),
        ]


def test_a_utf16_tab_text_is_read():
    text = "OS\tOO\tN°\tIntitulé\tPilote\tÉchéance\n1\t1.1\t1\tÉcole\tLM\t2026\n"
    assert summary(read_text(text.encode("utf-16"))) == [("1", "1.1", ["LM"], date(2026, 12, 31))]


def test_a_refusal_for_want_of_columns_names_the_separator_read():
    text = "OS|OO|N°|Intitulé|Échéance\n1|1.1|1|Acheter|2026\n"
    with pytest.raises(ImportFormatError) as error:
        parse_csv(text)
    assert str(error.value).startswith("Ligne 1 : colonne obligatoire « pilots » absente")
    assert str(error.value).endswith("Colonnes lues séparées par : barre verticale.")


# --- 6. Indicators optional -------------------------------------------------------------------


def test_a_plan_without_an_indicators_column_imports():
    text = "OS;OO;N°;Intitulé;Pilote;Échéance\n1;1.1;1;Acheter;LM;2026-06-30\n"
    parsed = parse_csv(text)
    assert summary(parsed) == [("1", "1.1", ["LM"], date(2026, 6, 30))]
    assert parsed.actions[0].indicators == ""


# --- 7. Formulas without cached values --------------------------------------------------------


def test_formulas_without_saved_values_are_named_as_the_cause():
    rows = [
        ["OS", "OO", "N°", "Intitulé", "Pilote", "Échéance"],
        ["1", "1.1", "=ROW()-1", '="Acheter"', "LM", "2026"],
    ]
    with pytest.raises(ImportFormatError) as error:
        parse_xlsx(workbook(("PST", rows)))
    assert str(error.value) == (
        "Ligne 2 : formules sans valeurs enregistrées (2 cellules, ex. C2 de la feuille "
        "« PST ») : ouvrez et enregistrez le fichier dans Excel/LibreOffice, puis "
        "importez-le à nouveau."
    )


def test_a_formula_without_value_anywhere_refuses_the_file():
    rows = [
        ["OS", "OO", "N°", "Intitulé", "Pilote", "Échéance"],
        ["1", "1.1", "1", "Acheter", "LM", "=DATE(2026,6,30)"],
    ]
    with pytest.raises(ImportFormatError) as error:
        parse_xlsx(workbook(("PST", rows)))
    assert error.value.line == 2
    assert "formules sans valeurs enregistrées (1 cellules, ex. F2" in str(error.value)


# --- 8. Old Excel .xls ------------------------------------------------------------------------


def old_excel(rows) -> bytes:
    """An Excel 97-2003 workbook (.xls) of one sheet, as iA.PST and older tools export it:
    texts, numbers and a date cell."""
    import io

    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Export")
    as_day = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write(r, c, value, as_day)
            else:
                sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_ia_pst_export_in_old_excel_xls_is_read(tmp_path):
    header = ["O.S. Référence", "O.S. Titre", "O.O. Référence", "O.O. Titre", "A. Référence"]
    header += ["A. Titre", "A. Gestionnaires", "A. Échéance"]
    rows = [
        header,
        [1, "Être un CPAS solidaire", 1.1, "Logement", "A.1", "Acheter", "LM", date(2026, 6, 30)],
        [1, "Être un CPAS solidaire", 1.2, "Énergie", "A.2", "Isoler", "MR/DB", "T2 2027"],
    ]
    path = tmp_path / "export-ia-pst.xls"
    path.write_bytes(old_excel(rows))

    assert summary(parse_file(path)) == [
        ("A.1", "1.1", ["LM"], date(2026, 6, 30)),
        ("A.2", "1.2", ["MR", "DB"], date(2027, 6, 30)),
    ]


def test_a_damaged_xls_is_refused_naming_the_format(tmp_path):
    path = tmp_path / "export-ia-pst.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    with pytest.raises(ImportFormatError) as error:
        parse_file(path)
    assert str(error.value).startswith("Fichier Excel ancien (.xls) illisible : ")


def test_a_workbook_named_xls_is_read_as_the_xlsx_it_is(tmp_path):
    path = tmp_path / "export-ia-pst.xls"
    header = ["O.S. Référence", "O.O. Référence", "A. Référence", "A. Titre", "A. Gestionnaires"]
    rows = [[*header, "A. Échéance"], ["1", "1.1", "A.1", "Acheter", "LM", "2026-06-30"]]
    path.write_bytes(workbook(("Export", rows)))
    assert summary(parse_file(path)) == [("A.1", "1.1", ["LM"], date(2026, 6, 30))]


def test_a_web_page_named_xls_is_refused_with_how_to_convert(tmp_path):
    path = tmp_path / "export.xls"
    path.write_bytes(b"<html><body><table><tr><td>OS</td></tr></table></body></html>")
    with pytest.raises(ImportFormatError) as error:
        parse_file(path)
    assert str(error.value).startswith("Ce fichier .xls est en réalité une page web (HTML)")


def test_a_plan_numbered_per_oo_loads_and_reloads_unchanged():
    text = (
        "OS;OO;N°;Intitulé;Pilote;Échéance\n"
        "1;1.1;A1;Acheter;LM;2026\n"
        "1;1.2;A1;Former;MR;2026-06-30\n"
        "1;1.2;A2;Informer;MR;2027\n"
    )
    db = open_db(":memory:")
    first = import_plan(db, parse_csv(text))
    again = import_plan(db, parse_csv(text))
    assert (first.created, again.created, again.changed) == (3, 0, 0)


def test_a_title_column_holding_the_code_too_is_split():
    rows = [
        ["O.S.", "O.O.", "A. Titre", "A. Gestionnaires", "A. Échéance"],
        ["1", "1.1", "A.7 - Rénover la crèche", "LM", "2026-09-30"],
    ]
    parsed = parse_xlsx(workbook(("Export", rows)))
    assert summary(parsed) == [("A.7", "1.1", ["LM"], date(2026, 9, 30))]
    assert parsed.actions[0].title == "Rénover la crèche"
    with pytest.raises(ImportFormatError) as error:
        parse_xlsx(workbook(("Export", [*rows, ["1", "1.1", "Sans numéro", "LM", "2026"]])))
    assert str(error.value) == "Ligne 3 : ligne « Sans numéro » sans numéro d'action."
