"""What the evaluation reads of the actions' fields (storage/plan_fields.py) beside the
actions: each action's fields as they stand, and the titles of the partner actions its
synergies name when their plan is in the database.

    >>> from storage.actions import list_actions
    >>> shown = evaluation_fields(db, list_actions(db, plan_id))
    >>> shown.of(1).is_empty, dict(shown.partner_titles)
    (True, {})
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import sqlite_utils

from storage.actions import Action
from storage.plan_fields import EMPTY, ActionFields, fields_of


@dataclass(frozen=True)
class EvaluationFields:
    #: By action number; effective (an undone decision or synergy is not there).
    by_action: Mapping[int, ActionFields] = field(default_factory=dict)
    #: (partner plan's code, partner action's code) -> the partner action's title.
    partner_titles: Mapping[tuple[str, str], str] = field(default_factory=dict)

    def of(self, number: int) -> ActionFields:
        return self.by_action.get(number, EMPTY)


def evaluation_fields(db: sqlite_utils.Database, actions: Iterable[Action]) -> EvaluationFields:
    """The fields of `actions` and the titles of the partners their synergies name."""
    by_action = fields_of(db, [action.number for action in actions])
    named = {
        (s.partner_plan, s.partner_code)
        for fields in by_action.values()
        for s in fields.synergies
        if s.partner_plan and s.partner_code
    }
    titles = {}
    for plan, code in named:
        row = db.execute(
            "select a.title from actions a join plans p on p.id = a.plan_id"
            " where p.code = ? and a.code = ?",
            [plan, code],
        ).fetchone()
        if row:
            titles[(plan, code)] = row[0]
    return EvaluationFields(by_action, titles)
