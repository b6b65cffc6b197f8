"""One consolidated-table row (the shape of `plan.consolidated_rows`) for the report tests."""

from datetime import date


def report_row(number: int, status: str = "en cours", **fields) -> dict:
    """An action of OS 1 / OO 1.1 with every field set; `fields` override any of them."""
    row = {
        "os_number": 1,
        "os_title": "Etre un CPAS qui communique",
        "volet": "interne",
        "oo_number": "1.1",
        "oo_title": "Améliorer la communication",
        "number": number,
        "title": f"Action {number}",
        "indicators": "Fait/pas fait",
        "pilots": ["LM", "MR"],
        "deadline": "2019-2024",
        "start_date": date(2019, 1, 1),
        "end_date": date(2024, 12, 31),
        "status": status,
        "progress": 40,
        "health": None,
        "last_comment": "Marché attribué",
        "last_update": None,
        "history": [],
    }
    return row | fields
