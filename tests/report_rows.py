"""One action (`storage.actions.Action`, as reports receive it) for the report tests."""

from datetime import date

from storage.actions import Action


def report_row(number: int, status: str = "en cours", **fields) -> Action:
    """An action of OS 1 / OO 1.1 with every field set; `fields` override any of them (by the
    Action's names: end, start, updated_at, pilots as a tuple, history as a tuple)."""
    values = {
        "number": number,
        "plan_id": 1,
        "code": str(number),
        "title": f"Action {number}",
        "os_number": 1,
        "os_title": "Etre un CPAS qui communique",
        "volet": "interne",
        "oo_number": "1.1",
        "oo_title": "Améliorer la communication",
        "oo_position": 1,
        "position": number,
        "pilots": ("LM", "MR"),
        "indicators": "Fait/pas fait",
        "deadline": "2019-2024",
        "start": date(2019, 1, 1),
        "end": date(2024, 12, 31),
        "status": status,
        "progress": 40,
        "health": None,
        "indicator_value": None,
        "last_comment": "Marché attribué",
        "updated_at": None,
        "history": (),
    }
    values |= fields
    values["pilots"] = tuple(values["pilots"])
    values["history"] = tuple(values["history"])
    return Action(**values)
