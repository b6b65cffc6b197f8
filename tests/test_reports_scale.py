"""A 10,000-action plan goes through every export (the timings are in bench/bench_reports.py)."""

import zipfile
from datetime import date
from io import BytesIO

import pytest

from reports import (
    ecomptes_xml,
    evaluation_report,
    progress_chart_png,
    table_csv,
    table_html,
    table_md,
    table_ods,
    table_xlsx,
)
from reports.sample import synthetic_plan
from storage.importing import parse_ecomptes

N = 10_000


@pytest.fixture(scope="module")
def big_plan():
    return synthetic_plan(N)


def test_csv_of_10000_actions_has_one_line_each(big_plan):
    assert table_csv(big_plan).count(b"\r\n") >= N + 1


@pytest.mark.parametrize("export", [table_xlsx, table_ods], ids=lambda f: f.__name__)
def test_spreadsheets_of_10000_actions_are_complete_zip_packages(big_plan, export):
    with zipfile.ZipFile(BytesIO(export(big_plan))) as package:
        assert package.testzip() is None


@pytest.mark.parametrize("export", [table_md, table_html], ids=lambda f: f.__name__)
def test_text_tables_of_10000_actions_list_every_action(big_plan, export):
    data = export(big_plan).decode("utf-8")

    assert data.count("à démarrer") >= sum(a.status == "à démarrer" for a in big_plan)


@pytest.mark.parametrize("fmt", ["html", "md", "odt", "docx"])
def test_evaluation_of_10000_actions(big_plan, fmt):
    data = evaluation_report(big_plan, fmt, since=date(2022, 1, 1), generated_on=date(2024, 6, 30))

    assert len(data) > 100_000


def test_ecomptes_of_10000_actions_reads_back_every_action(big_plan):
    data = ecomptes_xml(big_plan, ins="53020", admin_type="CPAS", exercise=2024,
                        pst_id="PST", version="201805V1", description="PST")  # fmt: skip

    assert len(parse_ecomptes(data)) == N


def test_chart_of_10000_actions(big_plan):
    assert progress_chart_png(big_plan).startswith(b"\x89PNG")
