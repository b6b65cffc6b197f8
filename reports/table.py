"""The recap table ("Tableau récapitulatif"): one line per action, as CSV, Markdown or HTML.

The spreadsheets (xlsx, ods) live in `spreadsheet.py`; all share `table_values`, so a column
reads the same everywhere.

    >>> table_csv([])[:3] == b"\\xef\\xbb\\xbf"
    True
"""

import csv
import io
from datetime import datetime

from reports.document import Document, Heading, Paragraph, Table, to_html, to_md
from reports.labels import TABLE_HEADERS, TABLE_TITLE
from reports.plan import (
    format_percent,
    format_timestamp,
    group_plan,
    local_time,
    pilots_text,
    status_summary,
)
from storage.vocabulary import STATUS_COLUMNS, health_label

# Cells starting with these are run as formulas by spreadsheet software (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def table_values(row: dict) -> tuple:
    """The 14 cells of an action's line in TABLE_HEADERS order, typed: int, str, datetime, None."""
    return (
        row["os_number"],
        row["os_title"] or "",
        row["oo_number"] or "",
        row["oo_title"] or "",
        row["number"],
        row["title"] or "",
        row.get("indicators") or "",
        pilots_text(row),
        row.get("deadline") or "",
        row["status"],
        row.get("progress"),
        health_label(row.get("health")),
        row.get("last_comment") or "",
        local_time(row["last_update"]) if row.get("last_update") else None,
    )


def _csv_cell(value) -> str | int:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def table_csv(rows: list[dict]) -> bytes:
    """The table as CSV for Excel: ";" separator, UTF-8 with BOM, French headers.

    Text that a spreadsheet would run as a formula (starting with =, +, -, @) gets a leading
    apostrophe.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(TABLE_HEADERS)
    for row in rows:
        writer.writerow([_csv_cell(value) for value in table_values(row)])
    return buffer.getvalue().encode("utf-8-sig")


# ---------------------------------------------------------------- Markdown and HTML

_GROUPED_HEADERS = TABLE_HEADERS[4:]  # OS and OO are the headings above each table


def _text_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_timestamp(value)
    return str(value)


def table_document(rows: list[dict]) -> Document:
    """The table grouped under OS and OO headings, ready to render."""
    summary = status_summary(rows)
    counts = ", ".join(
        f"{STATUS_COLUMNS[status].lower()} : {count}"
        for status, count in summary["by_status"].items()
    )
    blocks = [
        Paragraph(
            f"{summary['total']} actions ({counts}) ; "
            f"{format_percent(summary['done_percent'])} réalisées.",
            "meta",
        )
    ]
    numeric = frozenset({0, 6})  # Action, Avancement
    for os_group in group_plan(rows):
        blocks.append(Heading(f"OS {os_group.number} – {os_group.title}", 1))
        for oo_group in os_group.objectives:
            blocks.append(Heading(f"OO {oo_group.number} – {oo_group.title}", 2))
            lines = [
                tuple(_text_cell(value) for value in table_values(row)[4:])
                for row in oo_group.actions
            ]
            blocks.append(Table(_GROUPED_HEADERS, lines, numeric))
    return Document(TABLE_TITLE, blocks)


def table_md(rows: list[dict]) -> bytes:
    """The table as Markdown, one table per OO under its OS and OO headings (UTF-8)."""
    return to_md(table_document(rows))


def table_html(rows: list[dict]) -> bytes:
    """The table as a standalone HTML page (UTF-8, embedded CSS, all text escaped)."""
    return to_html(table_document(rows))
