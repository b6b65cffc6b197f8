"""Report generators: plain functions from the plan's actions to file bytes.

They take the actions as storage reads them, `storage.actions.Action` values in plan order
(`list_actions(db, plan_id, with_history=True)`: the history tells the evaluation's stories
and draws the chart's time panel). Nothing here reads the database or knows the chat; the
command that asks for a report passes the actions and uploads the bytes.

    >>> from storage.actions import list_actions
    >>> actions = list_actions(db, plan_id, with_history=True)
    >>> table_xlsx(actions)[:2], progress_chart_png(actions)[1:4]
    (b'PK', b'PNG')

`reports.sample.synthetic_plan(n)` makes a plan of any size for tests and benchmarks.

odfpy, matplotlib, python-docx and xmlschema are base dependencies (a plain `pip install`
answers every report command); they are imported when a format needs them, so the bot starts
fast.
"""

from reports.chart import progress_chart_png
from reports.ecomptes import ecomptes_xml, validate_ecomptes
from reports.evaluation import evaluation_report
from reports.spreadsheet_ods import table_ods
from reports.spreadsheet_xlsx import table_xlsx
from reports.table import TableHeading, table_csv, table_html, table_md
from reports.table_pdf import table_pdf

__all__ = [
    "TableHeading",
    "ecomptes_xml",
    "evaluation_report",
    "progress_chart_png",
    "table_csv",
    "table_html",
    "table_md",
    "table_ods",
    "table_pdf",
    "table_xlsx",
    "validate_ecomptes",
]
