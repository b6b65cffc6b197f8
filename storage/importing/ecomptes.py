"""Reading a PST in eComptes, the Walloon exchange format (schema in `SCHEMA_FILE`).

    dataroot
      Identifiants: Id, TypeAdmin (AC|CPAS), INS, Type (PST), Exercice, Version, Generateur
      PST
        DescriptionPST: IdPST, Libelle, ExerciceDebut, ExerciceFin
        Volets/Volet/ObjectifStrategiques/ObjectifStrategique/ObjectifsOperationnels/
          ObjectifOperationnel/Actions/Action

Every Volet, OS, OO and Action carries the same fields, in this order: Libelle (<= 255),
DateDebut?, DateFin?, Description, Statut, Responsable?, Mandataire?, Departement?,
TauxAvancement (0-100), RemarqueStatut, ETP, Plans, Partenaires; attributes ElementId and
Exercice.

    >>> from reports.ecomptes import ecomptes_xml
    >>> from storage.actions import list_actions
    >>> data = ecomptes_xml(list_actions(db, plan_id), ins="53020", admin_type="CPAS",
    ...     exercise=2024, pst_id="PST-2019-2024", description="PST du CPAS de Frameries")
    >>> rows = parse_ecomptes(data)        # the bundled plan, written as eComptes and read back
    >>> len(rows), rows[0]["volet"], rows[0]["number"], rows[0]["status"], rows[0]["pilots"]
    (127, 'interne', 49, 'à démarrer', ['MR'])

The writer (`reports/ecomptes.py`) shares what both sides must agree on: the schema, the
status codes and the labelled lines of a Description.
"""

import io
import re
import xml.etree.ElementTree as ET
from datetime import date
from importlib import resources
from importlib.resources.abc import Traversable

from storage.importing.messages import MESSAGES
from storage.importing.model import MAX_FILE_BYTES
from storage.importing.safe_xml import EVERYTHING, iter_xml
from storage.vocabulary import ABANDONED, BLOCKED, DONE, IN_PROGRESS, NOT_STARTED, ON_HOLD

SCHEMA_VERSION = "201805V1"
SCHEMA_FILE: Traversable = resources.files("storage") / "data" / "ecomptes-pst-201805V1.xsd"

STATUS_CODES = {
    NOT_STARTED: "NON_COMMENCE",
    IN_PROGRESS: "EN_COURS",
    ON_HOLD: "EN_ATTENTE",
    DONE: "TERMINE",
    ABANDONED: "ANNULE_ABANDONNE",
}
#: A suspended action whose health is "bloque" is written PROBLEME.
PROBLEM = "PROBLEME"
STATUSES_BY_CODE = {code: status for status, code in STATUS_CODES.items()} | {PROBLEM: ON_HOLD}

# Labels of the Description lines that hold what has no field of its own (French: people read
# the file too), one "Label : value" line each.
LABEL_FULL_TITLE = "Intitulé complet"
LABEL_INDICATORS = "Indicateurs"
LABEL_DEADLINE = "Échéance"
LABEL_HEALTH = "Santé"
_LABELS = (LABEL_FULL_TITLE, LABEL_INDICATORS, LABEL_DEADLINE, LABEL_HEALTH)
_LINE = re.compile(rf"^({'|'.join(_LABELS)}) : (.*)$")
#: Elements a file may hold: an action has about thirty, a PST a few hundred actions.
MAX_ELEMENTS = 200_000


class EcomptesError(ValueError):
    """The file is not an eComptes PST we can read; the message says where and why."""


def parse_xml(data: bytes) -> ET.Element:
    """The root element, or EcomptesError when `data` is not well-formed XML or is larger than
    an import may be; UnsafeFile (an ImportFormatError) for a DTD, entities or more than
    MAX_ELEMENTS elements (`safe_xml.iter_xml`)."""
    if len(data) > MAX_FILE_BYTES:
        size, limit = len(data) // (1024 * 1024), MAX_FILE_BYTES // (1024 * 1024)
        raise EcomptesError(MESSAGES["file_too_large"].format(size=size, limit=limit))
    root = None
    try:
        for event, element in iter_xml(io.BytesIO(data), "son XML", EVERYTHING, MAX_ELEMENTS):
            if event == "end":
                root = element  # the last element to end is the root
    except ET.ParseError as e:
        raise EcomptesError(f"Fichier eComptes illisible (XML mal formé) : {e}") from e
    return root


def parse_ecomptes(data: bytes) -> list[dict]:
    """Rows named like an `Action`'s fields ("number" the printed code) from an eComptes PST file.

    Reads files from other tools too: objectives without our "OS-1"/"OO-1.1"/"ACT-3"
    identifiers are numbered in document order, and missing optional fields become None.
    Call reports.validate_ecomptes first to refuse files that do not follow the schema.
    """
    root = parse_xml(data)
    if root.tag != "dataroot" or root.find("PST/Volets") is None:
        raise EcomptesError("Ce fichier n'est pas un PST eComptes (dataroot/PST/Volets manquant).")

    rows = []
    os_count = action_count = 0
    for volet_node in root.iterfind("PST/Volets/Volet"):
        volet = _volet_of(volet_node)
        for os_node in volet_node.iterfind("ObjectifStrategiques/ObjectifStrategique"):
            os_count += 1
            os_number = int(_number_from_id(os_node, "OS") or os_count)
            os_title = _title(os_node)
            for oo_index, oo_node in enumerate(
                os_node.iterfind("ObjectifsOperationnels/ObjectifOperationnel"), start=1
            ):
                oo_number = _number_from_id(oo_node, "OO") or f"{os_number}.{oo_index}"
                oo_title = _title(oo_node)
                for action_node in oo_node.iterfind("Actions/Action"):
                    action_count += 1
                    row = {
                        "os_number": os_number,
                        "os_title": os_title,
                        "volet": volet,
                        "oo_number": oo_number,
                        "oo_title": oo_title,
                        "number": _code(_number_from_id(action_node, "ACT") or str(action_count)),
                    }
                    row.update(_action_fields(action_node))
                    rows.append(row)
    return rows


def _volet_of(node) -> str | None:
    libelle = (node.findtext("Libelle") or "").casefold()
    for volet in ("interne", "externe"):
        if volet in libelle or volet.upper() in node.get("ElementId", "").upper():
            return volet
    return None


def _code(text: str) -> int | str:
    """An action code as the rows carry it: a number when it is one ("17" -> 17)."""
    return int(text) if text.isdigit() else text


def _number_from_id(node, prefix: str) -> str | None:
    """Our ids give numbers ("OS-2" -> "2", "OO-2.1" -> "2.1", "ACT-17~2" -> "17"), others None."""
    digits = r"\d+(?:\.\d+)*" if prefix == "OO" else r"\d+"
    match = re.fullmatch(rf"{prefix}-({digits})(?:~\d+)?", node.get("ElementId", ""))
    return match.group(1) if match else None


def _described(node) -> dict[str, str]:
    fields = {}
    for line in (node.findtext("Description/Valeur") or "").splitlines():
        match = _LINE.match(line.strip())
        if match:
            fields[match.group(1)] = match.group(2).strip()
    return fields


def _title(node) -> str:
    return _described(node).get(LABEL_FULL_TITLE) or (node.findtext("Libelle") or "").strip()


def _date(node, tag) -> date | None:
    text = (node.findtext(tag) or "").strip()
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError as e:
        raise EcomptesError(
            f"Date illisible dans {tag} de {node.get('ElementId')} : {text!r}"
        ) from e


def _action_fields(node) -> dict:
    described = _described(node)
    code = (node.findtext("Statut") or "NON_COMMENCE").strip()
    if code not in STATUSES_BY_CODE:
        raise EcomptesError(f"Statut inconnu pour {node.get('ElementId')} : {code!r}")
    health = described.get(LABEL_HEALTH) or (BLOCKED if code == PROBLEM else None)
    try:
        progress = round(float(node.findtext("TauxAvancement") or 0))
    except ValueError as e:
        raise EcomptesError(f"TauxAvancement illisible pour {node.get('ElementId')}") from e
    pilots = (node.findtext("Departement") or "").strip()
    if not pilots and node.find("Responsable") is not None:
        pilots = " ".join(
            (node.findtext(f"Responsable/{tag}") or "").strip() for tag in ("Prenom", "Nom")
        ).strip()
    start, end = _date(node, "DateDebut"), _date(node, "DateFin")
    return {
        "title": _title(node),
        "indicators": described.get(LABEL_INDICATORS, ""),
        "pilots": [p for p in pilots.split("/") if p],
        "deadline": described.get(LABEL_DEADLINE) or _deadline_from(start, end),
        "start_date": start,
        "end_date": end,
        "status": STATUSES_BY_CODE[code],
        "progress": progress,
        "health": health,
        "last_comment": (node.findtext("RemarqueStatut/Valeur") or "").strip() or None,
        "last_update": None,
        "history": [],
    }


def _deadline_from(start: date | None, end: date | None) -> str:
    if not end:
        return ""
    if start and start.year != end.year:
        return f"{start.year}-{end.year}"
    return str(end.year)
