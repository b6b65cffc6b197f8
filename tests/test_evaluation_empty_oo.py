"""An OO of the plan without any action yet is in the evaluation, saying « Aucune action
encore. », as it is in the table: the Conseil sees the whole plan, not only what moved."""

import pytest

from reports.evaluation import NO_ACTIONS_SENTENCE, evaluation_report
from reports.grouping import Objective
from reports.labels import NO_ACTIONS_YET
from reports.spreadsheet import summary_lines
from storage.vocabulary import fold
from tests.conftest import ADMIN, OO_WITHOUT_ACTION, add_empty_oo


def evaluation_text(say, fmt: str) -> str:
    reply = say(ADMIN, f"!evaluation {fmt}")
    assert not reply.refused, reply.text
    (attachment,) = reply.attachments
    return attachment.data.decode("utf-8")


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_an_oo_without_action_is_in_the_evaluation_with_no_action_yet(say, db, fmt):
    add_empty_oo(db)
    text = evaluation_text(say, fmt)
    heading = f"Objectif opérationnel 1.99 : {OO_WITHOUT_ACTION}"
    assert heading in text
    after = text[text.index(heading) + len(heading) :]
    next_heading = after.index("Objectif")
    assert NO_ACTIONS_SENTENCE in after[:next_heading]


def test_the_evaluation_says_no_action_yet_only_under_an_empty_oo(say, db):
    assert NO_ACTIONS_SENTENCE not in evaluation_text(say, "md")
    add_empty_oo(db)
    assert evaluation_text(say, "md").count(NO_ACTIONS_SENTENCE) == 1


def test_the_evaluation_and_the_table_use_the_same_words(say, db):
    assert fold(NO_ACTIONS_SENTENCE).rstrip(".") == fold(NO_ACTIONS_YET)


def test_an_os_whose_oos_have_no_action_yet_is_in_the_evaluation():
    outline = [
        Objective(1, "Un CPAS solidaire", None, "1.1", "Accès au logement"),
        Objective(1, "Un CPAS solidaire", None, "1.2", "Aide énergétique"),
    ]
    text = evaluation_report([], "md", outline=outline).decode("utf-8")
    assert "Objectif stratégique 1 : Un CPAS solidaire" in text
    assert text.count(NO_ACTIONS_SENTENCE) == 2


def test_an_os_without_any_action_is_a_row_of_the_progress_per_os_table():
    outline = [
        Objective(1, "Un CPAS solidaire", None, "1.1", "Accès au logement"),
        Objective(2, "Une administration moderne", None, "2.1", "Guichet numérique"),
    ]
    text = evaluation_report([], "md", outline=outline).decode("utf-8")
    table = text[text.index("### Avancement par objectif stratégique") :]
    table = table[: table.index("### Ce qui a bougé")]
    rows = [line for line in table.splitlines() if line.startswith(("| 1 ", "| 2 "))]
    assert len(rows) == 2, table
    assert "Une administration moderne" in rows[1] and "| 0 " in rows[1]


def test_an_os_without_any_action_is_a_line_of_the_summary_sheet():
    outline = [
        Objective(1, "Un CPAS solidaire", None, "1.1", "Accès au logement"),
        Objective(2, "Une administration moderne", None, "2.1", "Guichet numérique"),
    ]
    lines = summary_lines([], outline)
    assert [line[:2] for line in lines[:2]] == [
        (1, "Un CPAS solidaire"),
        (2, "Une administration moderne"),
    ]
