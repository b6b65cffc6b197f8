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

An action's fields (storage/plan_fields.py) go where the schema has a place: its synergies
are its Plans (one Plan each, « commune:5.1.4 », « synergie » when no plan is named). The
schema has none for indicators with targets and values, budget lines, ODD, decisions, nor
for a mandataire known by name only (Mandataire wants a civility, first name, phone and
e-mail): they are labelled Description lines, one item each, written in the grammar of
`fields_cells.py` (« Budget : 2026 : 15 000 € ordinaire (SPW) »). A Mandataire element from
another tool is read as a mandataire's name. `read_plan` gives the plan with its fields.

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

from storage.importing.fields_cells import FIELDS
from storage.importing.fields_row import read_fields
from storage.importing.messages import MESSAGES
from storage.importing.model import MAX_FILE_BYTES, ParsedPST, plan_from_rows
from storage.importing.safe_xml import EVERYTHING, iter_xml
from storage.plan_fields import EMPTY
from storage.vocabulary import ABANDONED, BLOCKED, DONE, IN_PROGRESS, NOT_STARTED, ON_HOLD

SCHEMA_VERSION = "201805V1"
#: The Generateur of the files we write (reports/ecomptes.py).
GENERATOR = "pst-bot"
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
#: An action's fields that have no place in the schema: label -> the cell (fields_cells.py)
#: its lines make, one item a line (ODD: one line « 3, 11 »).
FIELD_LABELS = {
    "Indicateur chiffré": "indicator_fields",
    "Budget": "budget",
    "ODD": "odd",
    "Mandataire": "mandataries",
    "Décision": "decisions",
}
#: The Plan of a synergy with the other institution, no plan named.
SYNERGY_WITHOUT_PLAN = "synergie"
_LABELS = (LABEL_FULL_TITLE, LABEL_INDICATORS, LABEL_DEADLINE, LABEL_HEALTH, *FIELD_LABELS)
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


def read_plan(data: bytes) -> ParsedPST:
    """An eComptes file as a plan, each action with its fields (`plan_from_rows`, then the
    fields of each row); an item not understood is left out and named in the warnings.

    A file we wrote gives every field (a field it does not write is empty); another tool's
    gives those it holds, the import leaves the others as they are."""
    warnings: list[str] = []
    root = parse_xml(data)
    rows = _rows(root, warnings)
    plan = plan_from_rows(rows)
    ours = (root.findtext("Identifiants/Generateur") or "").strip() == GENERATOR
    given = {name for row in rows for name in FIELDS if getattr(row["fields"], name)}
    plan.actions = [
        action.model_copy(update={"fields": rows[action.line - 1]["fields"]})
        for action in plan.actions
    ]
    plan.fields_given = [name for name in FIELDS if ours or name in given]
    plan.warnings.extend(warnings)
    return plan


def parse_ecomptes(data: bytes) -> list[dict]:
    """Rows named like an `Action`'s fields ("number" the printed code) from an eComptes PST file.

    Reads files from other tools too: objectives without our "OS-1"/"OO-1.1"/"ACT-3"
    identifiers are numbered in document order, and missing optional fields become None.
    Call reports.validate_ecomptes first to refuse files that do not follow the schema;
    `read_plan` reads the actions' fields too.
    """
    return _rows(parse_xml(data))


def _rows(root: ET.Element, warnings: list[str] | None = None) -> list[dict]:
    """The rows; with `warnings`, each with its "fields" (what is not understood in them is
    named in `warnings`)."""
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
                    if warnings is not None:
                        row["fields"] = _plan_fields(action_node, action_count, warnings)
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
    """The labelled lines of the Description; a label said on several lines (a budget line
    each) keeps them all, one a line."""
    fields: dict[str, str] = {}
    for line in (node.findtext("Description/Valeur") or "").splitlines():
        match = _LINE.match(line.strip())
        if match:
            label, value = match.group(1), match.group(2).strip()
            if label in FIELD_LABELS and label in fields:
                value = f"{fields[label]}\n{value}"
            fields[label] = value
    return fields


def _plan_fields(node, index: int, warnings: list[str]):
    """The action's fields: its labelled lines, its Plans (synergies), another tool's
    Mandataire; `index` (the action's place in the file) names it in a warning."""
    described = _described(node)
    record = {cell: described.get(label, "") for label, cell in FIELD_LABELS.items()}
    if not record["mandataries"] and node.find("Mandataire") is not None:
        record["mandataries"] = " ".join(
            (node.findtext(f"Mandataire/{tag}") or "").strip() for tag in ("Prenom", "Nom")
        ).strip()
    plans = [(plan.text or "").strip() for plan in node.iterfind("Plans/Plan")]
    record["synergies"] = "\n".join(
        "oui" if plan == SYNERGY_WITHOUT_PLAN else plan for plan in plans if plan
    )
    return read_fields(record, index, warnings) if any(record.values()) else EMPTY


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
