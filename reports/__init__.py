"""Report generators: plain functions from the plan's rows to file bytes.

Rows are those of `storage.plan.consolidated_rows` (one dict per action, in plan order, see
`plan.py`). Nothing here reads the database or knows the chat; the command that asks for a
report uploads the bytes.

    >>> from reports.sample import synthetic_plan
    >>> rows = synthetic_plan(127)
    >>> table_xlsx(rows)[:2], progress_chart_png(rows)[1:4]
    (b'PK', b'PNG')

odfpy, matplotlib, python-docx and xmlschema are base dependencies (a plain `pip install`
answers every report command); they are imported when a format needs them, so the bot starts
fast.
"""

from reports.chart import progress_chart_png
from reports.ecomptes import ecomptes_xml, validate_ecomptes
from reports.evaluation import evaluation_report
from reports.plan import status_summary
from reports.spreadsheet import table_xlsx
from reports.spreadsheet_ods import table_ods
from reports.table import TableHeading, table_csv, table_html, table_md
from reports.table_pdf import table_pdf

__all__ = [
    "TableHeading",
    "ecomptes_xml",
    "evaluation_report",
    "progress_chart_png",
    "status_summary",
    "table_csv",
    "table_html",
    "table_md",
    "table_ods",
    "table_pdf",
    "table_xlsx",
    "validate_ecomptes",
]
