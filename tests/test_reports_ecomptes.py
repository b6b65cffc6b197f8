"""eComptes export and import, checked against the official schema with xmlschema."""

import xml.etree.ElementTree as ET
from datetime import date
from importlib import resources

import pytest
import xmlschema

from reports import ecomptes_xml, validate_ecomptes
from reports.sample import synthetic_plan
from storage.actions import Action
from storage.importing import EcomptesError, parse_ecomptes
from tests.report_rows import report_row

IDS = {
    "ins": "53020",
    "admin_type": "CPAS",
    "exercise": 2024,
    "pst_id": "PST-2019-2024",
    "version": "201805V1",
    "description": "PST du CPAS de Frameries 2019-2024",
}


def action(number, status="en cours", **fields):
    return report_row(number, status, **fields)


@pytest.fixture(scope="module")
def schema():
    source = resources.files("storage").joinpath("data/ecomptes-pst-201805V1.xsd")
    with resources.as_file(source) as path:
        return xmlschema.XMLSchema(str(path))


@pytest.fixture(scope="module")
def plan():
    return synthetic_plan(127)


def actions(data: bytes) -> list[ET.Element]:
    return ET.fromstring(data).findall(".//Action")


# ---------------------------------------------------------------- the file


def test_export_of_a_whole_plan_is_valid_against_the_xsd(plan, schema):
    data = ecomptes_xml(plan, **IDS)

    schema.validate(data.decode("iso-8859-1"))
    validate_ecomptes(data)
    assert len(actions(data)) == 127


def test_export_is_iso_8859_1_with_character_references_for_other_characters():
    data = ecomptes_xml([action(1, title="Plan ✚ d'action – 2ᵉ phase, été")], **IDS)

    assert data.startswith(b"<?xml version='1.0' encoding='ISO-8859-1'?>")
    assert "été".encode("iso-8859-1") in data
    assert b"&#10010;" in data and b"&#8211;" in data
    assert actions(data)[0].findtext("Libelle") == "Plan ✚ d'action – 2ᵉ phase, été"


def test_identifiers_and_description_come_from_the_arguments(plan):
    root = ET.fromstring(ecomptes_xml(plan, **IDS))

    assert [e.text for e in root.find("Identifiants")] == [
        "PST-2019-2024",
        "CPAS",
        "53020",
        "PST",
        "2024",
        "201805V1",
        "pst-bot",
    ]
    assert root.findtext("PST/DescriptionPST/Libelle") == IDS["description"]
    assert root.findtext("PST/DescriptionPST/ExerciceDebut") == "2019"
    assert root.findtext("PST/DescriptionPST/ExerciceFin") == "2024"
    assert {e.get("Exercice") for e in root.iter() if e.get("ElementId")} == {"2024"}


@pytest.mark.parametrize(
    ("status", "health", "code"),
    [
        ("à démarrer", None, "NON_COMMENCE"),
        ("en cours", "bloque", "EN_COURS"),
        ("suspendu", None, "EN_ATTENTE"),
        ("suspendu", "risque", "EN_ATTENTE"),
        ("suspendu", "bloque", "PROBLEME"),
        ("fait", None, "TERMINE"),
        ("abandonné", None, "ANNULE_ABANDONNE"),
    ],
)
def test_statuses_map_to_ecomptes_codes(status, health, code):
    (element,) = actions(ecomptes_xml([action(1, status, health=health)], **IDS))

    assert element.findtext("Statut") == code


@pytest.mark.parametrize(
    ("status", "progress", "rate"),
    [
        ("fait", None, "100"),
        ("en cours", None, "0"),
        ("à démarrer", None, "0"),
        ("en cours", 35, "35"),
        ("fait", 80, "80"),
    ],
)
def test_progress_rate_defaults_to_100_when_done_and_0_otherwise(status, progress, rate):
    (element,) = actions(ecomptes_xml([action(1, status, progress=progress)], **IDS))

    assert element.findtext("TauxAvancement") == rate


def test_action_fields_dates_pilots_comment(schema):
    row = action(1, start=date(2020, 3, 1), end=None, pilots=("SV", "Service RH"))
    (element,) = actions(ecomptes_xml([row], **IDS))

    assert element.findtext("DateDebut") == "2020-03-01"
    assert element.find("DateFin") is None
    assert element.findtext("Departement") == "SV/Service RH"
    assert element.find("Responsable") is None  # needs a civility and a name we do not have
    assert element.findtext("RemarqueStatut/Valeur") == "Marché attribué"
    assert (
        element.findtext("Description/Valeur")
        == "Indicateurs : Fait/pas fait\nÉchéance : 2019-2024"
    )


def test_long_titles_are_cut_to_255_characters_and_kept_whole_in_the_description():
    title = "Très long intitulé " * 30
    data = ecomptes_xml([action(1, title=title)], **IDS)
    (element,) = actions(data)

    assert len(element.findtext("Libelle")) == 255
    assert element.findtext("Libelle").endswith("…")
    assert f"Intitulé complet : {title.strip()}" in element.findtext("Description/Valeur")
    validate_ecomptes(data)


def test_objectives_take_dates_status_and_progress_from_their_actions():
    rows = [
        action(1, "fait", progress=None, start=date(2019, 5, 1), end=date(2021, 1, 1)),
        action(2, "en cours", progress=40, start=None, end=date(2023, 6, 30)),
        action(3, "abandonné", progress=None),
    ]
    oo = ET.fromstring(ecomptes_xml(rows, **IDS)).find(".//ObjectifOperationnel")

    assert oo.findtext("DateDebut") == "2019-01-01"
    assert oo.findtext("DateFin") == "2024-12-31"
    assert oo.findtext("Statut") == "EN_COURS"
    assert oo.findtext("TauxAvancement") == "70"  # (100 + 40) / 2, abandoned left out


def test_volets_group_their_os_in_a_fixed_order():
    rows = [
        action(1, os_number=1, volet="externe"),
        action(2, os_number=2, oo_number="2.1", volet="interne"),
        action(3, os_number=3, oo_number="3.1", volet=None),
        action(4, os_number=4, oo_number="4.1", volet="interne"),
    ]
    data = ecomptes_xml(rows, **IDS)
    volets = ET.fromstring(data).findall("PST/Volets/Volet")

    assert [v.findtext("Libelle") for v in volets] == [
        "Volet interne",
        "Volet externe",
        "Volet non précisé",
    ]
    assert [[os.get("ElementId") for os in v.iter("ObjectifStrategique")] for v in volets] == [
        ["OS-2", "OS-4"],
        ["OS-1"],
        ["OS-3"],
    ]
    validate_ecomptes(data)


def test_element_ids_are_unique_even_when_the_plan_repeats_numbers():
    rows = [action(1), action(1), action(1, os_number=2, oo_number="1.1")]
    data = ecomptes_xml(rows, **IDS)
    ids = [e.get("ElementId") for e in ET.fromstring(data).iter() if e.get("ElementId")]

    assert len(ids) == len(set(ids))
    assert "ACT-1~2" in ids and "ACT-1~3" in ids and "OO-1.1~2" in ids
    validate_ecomptes(data)


def test_an_empty_plan_still_gives_a_valid_file():
    data = ecomptes_xml([], **IDS)

    validate_ecomptes(data)
    assert ET.fromstring(data).findtext("PST/Volets/Volet/Libelle") == "Volet non précisé"


@pytest.mark.parametrize(
    ("argument", "value", "message"),
    [
        ("admin_type", "COMMUNE", "AC ou CPAS"),
        ("ins", "Frameries", "INS"),
        ("version", "2019", "201805V1"),
        ("pst_id", "x" * 41, "40 caractères"),
    ],
)
def test_arguments_the_schema_would_refuse_are_refused_clearly(argument, value, message):
    with pytest.raises(ValueError, match=message):
        ecomptes_xml([action(1)], **(IDS | {argument: value}))


# ---------------------------------------------------------------- validation


def test_validation_names_the_faulty_element():
    data = ecomptes_xml([action(1)], **IDS).replace(
        b"<Statut>EN_COURS</Statut>", b"<Statut>X</Statut>", 1
    )

    with pytest.raises(EcomptesError, match="non conforme .*Statut"):
        validate_ecomptes(data)


def test_validation_refuses_text_that_is_not_xml():
    with pytest.raises(EcomptesError, match="XML mal formé"):
        validate_ecomptes(b"<dataroot><PST>")


# ---------------------------------------------------------------- import


def as_imported(action: Action) -> dict:
    """What survives the trip through eComptes, in the shape the import reads it back: no
    update times, no history, a figure for progress, the title on one line."""
    progress = action.progress
    if progress is None:
        progress = 100 if action.status == "fait" else 0
    return {
        "os_number": action.os_number,
        "os_title": action.os_title,
        "volet": action.volet,
        "oo_number": action.oo_number,
        "oo_title": action.oo_title,
        "number": action.printed_number,
        "title": " ".join(action.title.split()),
        "indicators": action.indicators,
        "pilots": list(action.pilots),
        "deadline": action.deadline,
        "start_date": action.start,
        "end_date": action.end,
        "status": action.status,
        "progress": progress,
        "health": action.health,
        "last_comment": action.last_comment or None,
        "last_update": None,
        "history": [],
    }


def test_round_trip_gives_back_the_actions(plan):
    parsed = parse_ecomptes(ecomptes_xml(plan, **IDS))

    by_number = {row["number"]: row for row in parsed}
    assert len(parsed) == 127
    for action in plan:
        assert by_number[action.printed_number] == as_imported(action)


def test_round_trip_keeps_the_plan_order_when_volets_are_in_order():
    rows = [action(1, volet="interne"), action(2, os_number=2, oo_number="2.1", volet="externe")]

    assert [r["number"] for r in parse_ecomptes(ecomptes_xml(rows, **IDS))] == [1, 2]


def test_import_reads_a_file_from_another_tool(schema):
    foreign = ecomptes_xml([action(1, "suspendu", health="bloque")], **IDS)
    root = ET.fromstring(foreign)
    for element in root.iter():
        if element.get("ElementId"):
            element.set("ElementId", f"uuid-{id(element)}")
    action_element = root.find(".//Action")
    action_element.find("Description/Valeur").text = "Texte libre d'un autre logiciel"
    action_element.find("Departement").text = None
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    schema.validate(data.decode("utf-8"))

    (row,) = parse_ecomptes(data)

    assert (row["os_number"], row["oo_number"], row["number"]) == (1, "1.1", 1)
    assert row["status"] == "suspendu" and row["health"] == "bloque"
    assert row["pilots"] == [] and row["indicators"] == ""
    assert row["deadline"] == "2019-2024"  # from the dates


def test_import_refuses_a_file_that_is_not_an_ecomptes_pst():
    with pytest.raises(EcomptesError, match="pas un PST eComptes"):
        parse_ecomptes(b"<?xml version='1.0'?><html/>")
    with pytest.raises(EcomptesError, match="XML mal formé"):
        parse_ecomptes(b"PK\x03\x04")
