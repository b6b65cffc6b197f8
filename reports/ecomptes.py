"""Writing the PST in eComptes, the Walloon exchange format, and checking a file against its schema.

The format (its tree, the schema, the status codes, the labelled Description lines) is
described where it is read back: `storage/importing/ecomptes.py`. How our actions fit in:

- Statut: see STATUS_CODES; a suspended action whose health is "bloque" is PROBLEME.
- Responsable is a person (civility, name, first name, phone, e-mail, all required): pilot
  initials cannot fill it truthfully, so the pilots go to Departement, joined with "/".
- Description holds what has no field of its own: full title when the Libelle was cut,
  indicators, deadline text and health, one "Label : value" line each (read back by
  storage.importing.parse_ecomptes). RemarqueStatut holds the last comment. ETP is unknown: 0.
- An action's fields (`fields`, storage.plan_fields.fields_of): its synergies are its Plans,
  one Plan each; indicators with target and values, budget lines, ODD, mandataires and
  decisions have no place in the schema and are Description lines, one item each
  (FIELD_LABELS; a mandataire known by name cannot fill Mandataire, which wants a civility).
- OS and OO take their dates, progress (mean of their live actions) and status from their
  actions. Volets: "interne", "externe", and one without volet for OS that have none.

Files are written in ISO-8859-1 like the schema itself; other characters become character
references (&#8211;).
"""

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources

from reports.grouping import group_plan
from reports.xml_text import clean
from storage.actions import Action
from storage.importing.ecomptes import (
    FIELD_LABELS,
    GENERATOR,
    LABEL_DEADLINE,
    LABEL_FULL_TITLE,
    LABEL_HEALTH,
    LABEL_INDICATORS,
    PROBLEM,
    SCHEMA_FILE,
    SCHEMA_VERSION,
    STATUS_CODES,
    SYNERGY_WITHOUT_PLAN,
    EcomptesError,
    parse_xml,
)
from storage.importing.fields_cells import format_field, format_synergies
from storage.plan_fields import EMPTY, ActionFields
from storage.progress import check_status, effective_progress
from storage.vocabulary import ABANDONED, BLOCKED, ON_HOLD

ENCODING = "ISO-8859-1"
LIBELLE_MAX = 255

VOLETS = {"interne": "Volet interne", "externe": "Volet externe", None: "Volet non précisé"}

# ---------------------------------------------------------------- writing


def ecomptes_xml(
    actions: list[Action],
    *,
    ins: str,
    admin_type: str,
    exercise: int,
    pst_id: str,
    version: str = SCHEMA_VERSION,
    description: str,
    fields: Mapping[int, ActionFields] | None = None,
) -> bytes:
    """The plan as an eComptes XML file (ISO-8859-1 bytes), valid against the 201805V1 schema.

    `ins` is the INS code of the commune ("53020"), `admin_type` "AC" (commune) or "CPAS",
    `exercise` the budget year, `pst_id` our identifier of the plan (<= 40 characters),
    `version` the schema version (only "201805V1" exists), `description` the PST's title,
    `fields` each action's (by number: storage.plan_fields.fields_of).
    """
    fields = fields or {}
    if admin_type not in ("AC", "CPAS"):
        raise ValueError(f"Type d'administration inconnu : {admin_type!r} (AC ou CPAS)")
    if not str(ins).strip().isdigit():
        raise ValueError(f"Le code INS doit être un nombre : {ins!r}")
    if version != SCHEMA_VERSION:
        raise ValueError(f"Version eComptes non prise en charge : {version!r} ({SCHEMA_VERSION})")
    if not pst_id or len(pst_id) > 40:
        raise ValueError(f"L'identifiant du PST doit compter de 1 à 40 caractères : {pst_id!r}")

    root = ET.Element("dataroot")
    ids = ET.SubElement(root, "Identifiants")
    for tag, value in (
        ("Id", pst_id),
        ("TypeAdmin", admin_type),
        ("INS", str(int(ins))),
        ("Type", "PST"),
        ("Exercice", str(exercise)),
        ("Version", version),
        ("Generateur", GENERATOR),
    ):
        ET.SubElement(ids, tag).text = value

    years = [day.year for a in actions for day in (a.start, a.end) if day]
    pst = ET.SubElement(root, "PST")
    head = ET.SubElement(pst, "DescriptionPST")
    ET.SubElement(head, "IdPST").text = pst_id
    ET.SubElement(head, "Libelle").text = _libelle(description)
    ET.SubElement(head, "ExerciceDebut").text = str(min(years, default=exercise))
    ET.SubElement(head, "ExerciceFin").text = str(max(years, default=exercise))

    ids_seen: set[str] = set()

    def element(parent, tag, base_id, *, title, actions, extra_lines=(), **fields):
        node = ET.SubElement(parent, tag, ElementId=_unique(base_id, ids_seen))
        node.set("Exercice", str(exercise))
        _fill(node, title=title, actions=actions, extra_lines=extra_lines, **fields)
        return node

    volets = ET.SubElement(pst, "Volets")
    groups = group_plan(actions)
    for volet in sorted({g.volet for g in groups}, key=list(VOLETS).index):
        members = [g for g in groups if g.volet == volet]
        volet_node = element(
            volets,
            "Volet",
            f"VOLET-{(volet or 'aucun').upper()}",
            title=VOLETS[volet],
            actions=[a for g in members for a in g.actions],
        )
        os_list = ET.SubElement(volet_node, "ObjectifStrategiques")
        for os_group in members:
            os_node = element(
                os_list,
                "ObjectifStrategique",
                f"OS-{os_group.number}",
                title=os_group.title,
                actions=os_group.actions,
            )
            oo_list = ET.SubElement(os_node, "ObjectifsOperationnels")
            for oo_group in os_group.objectives:
                oo_node = element(
                    oo_list,
                    "ObjectifOperationnel",
                    f"OO-{oo_group.number}",
                    title=oo_group.title,
                    actions=oo_group.actions,
                )
                action_list = ET.SubElement(oo_node, "Actions")
                for action in oo_group.actions:
                    own = fields.get(action.number, EMPTY)
                    element(
                        action_list,
                        "Action",
                        f"ACT-{action.code}",
                        title=action.title,
                        actions=[action],
                        extra_lines=[*_action_lines(action), *_field_lines(own)],
                        start=action.start,
                        end=action.end,
                        status=_status_code(action),
                        progress=_action_progress(action),
                        pilots=action.pilots_text,
                        remark=action.last_comment,
                        plans=_plans(own),
                    )
    if len(volets) == 0:  # the schema wants at least one Volet, even for an empty plan
        element(volets, "Volet", "VOLET-AUCUN", title=VOLETS[None], actions=[])
    ET.indent(root)
    return ET.tostring(root, encoding=ENCODING, xml_declaration=True)


def _fill(
    node,
    *,
    title,
    actions,
    extra_lines,
    start=None,
    end=None,
    status=None,
    progress=None,
    pilots="",
    remark=None,
    plans=(),
):
    """Writes the ElementBaseInfo fields; an OS, OO or Volet derives them from its actions."""
    title = " ".join(clean(title).split())
    libelle = _libelle(title)
    if actions and status is None:
        starts = [a.start for a in actions if a.start]
        ends = [a.end for a in actions if a.end]
        start, end = min(starts, default=None), max(ends, default=None)
        status = _group_status([_status_code(a) for a in actions])
        live = [a for a in actions if a.status != ABANDONED]
        progress = round(sum(effective_progress(a) for a in live) / len(live)) if live else 0
    lines = [f"{LABEL_FULL_TITLE} : {title}"] if libelle != title else []
    lines.extend(extra_lines)

    ET.SubElement(node, "Libelle").text = libelle
    if start:
        ET.SubElement(node, "DateDebut").text = start.isoformat()
    if end:
        ET.SubElement(node, "DateFin").text = end.isoformat()
    _description(node, "Description", "\n".join(lines))
    ET.SubElement(node, "Statut").text = status or "NON_COMMENCE"
    if pilots:
        ET.SubElement(node, "Departement").text = clean(pilots)
    ET.SubElement(node, "TauxAvancement").text = str(progress or 0)
    _description(node, "RemarqueStatut", remark or "")
    ET.SubElement(node, "ETP").text = "0"
    plan_list = ET.SubElement(node, "Plans")
    for plan in plans:
        ET.SubElement(plan_list, "Plan").text = clean(plan)
    ET.SubElement(node, "Partenaires")


def _description(parent, tag, text):
    info = ET.SubElement(parent, tag)
    ET.SubElement(info, "Mode").text = "TEXTE"
    ET.SubElement(info, "Valeur").text = clean(text)


def _libelle(text: str) -> str:
    text = " ".join(clean(text).split())  # one line: a Libelle is a label
    return text if len(text) <= LIBELLE_MAX else text[: LIBELLE_MAX - 1] + "…"


def _unique(base: str, seen: set[str]) -> str:
    candidate, n = base, 1
    while candidate in seen:
        n += 1
        candidate = f"{base}~{n}"
    seen.add(candidate)
    return candidate


def _status_code(action: Action) -> str:
    if action.status == ON_HOLD and action.health == BLOCKED:
        return PROBLEM
    return STATUS_CODES[check_status(action)]


def _group_status(codes: list[str]) -> str:
    """The status of an objective from its actions' statuses."""
    distinct = set(codes)
    if len(distinct) == 1:
        return codes[0]
    if distinct <= {"TERMINE", "ANNULE_ABANDONNE"}:
        return "TERMINE"
    if distinct <= {"NON_COMMENCE", "ANNULE_ABANDONNE"}:
        return "NON_COMMENCE"
    return "EN_COURS"


def _action_progress(action: Action) -> int:
    return max(0, min(100, int(effective_progress(action))))


def _action_lines(action: Action) -> list[str]:
    lines = []
    for label, value in (
        (LABEL_INDICATORS, action.indicators),
        (LABEL_DEADLINE, action.deadline),
        (LABEL_HEALTH, action.health),
    ):
        if value:
            lines.append(f"{label} : {' '.join(str(value).split())}")
    return lines


def _field_lines(fields: ActionFields) -> list[str]:
    """The fields without a place in the schema, one labelled line per item (ODD: one line)."""
    lines = []
    for label, cell in FIELD_LABELS.items():
        name = "indicators" if cell == "indicator_fields" else cell
        items = fields.mandataries if name == "mandataries" else format_field(fields, name)
        for item in items.splitlines() if isinstance(items, str) else items:
            lines.append(f"{label} : {' '.join(item.split())}")
    return lines


def _plans(fields: ActionFields) -> list[str]:
    """The action's synergies as its Plans: « commune:5.1.4 », « synergie »."""
    return [
        format_synergies([s]) if s.partner_plan else SYNERGY_WITHOUT_PLAN for s in fields.synergies
    ]


# ---------------------------------------------------------------- validating


@lru_cache(maxsize=1)
def _schema():
    import xmlschema  # heavy: loaded when this format is asked for

    with resources.as_file(SCHEMA_FILE) as path:
        return xmlschema.XMLSchema(str(path))


def validate_ecomptes(data: bytes) -> None:
    """Raises EcomptesError, naming the first problems and where they are, unless `data`
    is valid against the eComptes PST schema 201805V1."""
    root = parse_xml(data)
    errors = list(_schema().iter_errors(root))
    if errors:
        details = "; ".join(f"{e.path or '/'} : {e.reason}" for e in errors[:3])
        more = f" (et {len(errors) - 3} autres erreurs)" if len(errors) > 3 else ""
        raise EcomptesError(
            f"Fichier eComptes non conforme au schéma {SCHEMA_VERSION} : {details}{more}"
        )
