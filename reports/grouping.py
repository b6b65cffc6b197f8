"""The plan as the reports lay it out: actions under their operational objective (OO), OOs
under their strategic objective (OS), in plan order.

    >>> from storage.actions import list_actions
    >>> groups = group_plan(list_actions(db, plan_id))
    >>> first = groups[0]
    >>> first.number, first.objectives[0].number, first.actions[0].code
    (1, '1.1', '1')

Counting (per status, "% done") lives in `storage/progress.py`, French dates and figures in
`storage/french.py`: chat commands use them too.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from storage.actions import Action


class Objective(NamedTuple):
    """One OO of the plan and its OS, as the plan holds it, with or without actions."""

    os_number: int
    os_title: str
    volet: str | None
    oo_number: str
    oo_title: str


@dataclass
class OperationalGroup:
    number: str
    title: str
    actions: list[Action] = field(default_factory=list)


@dataclass
class StrategicGroup:
    number: int
    title: str
    volet: str | None
    objectives: list[OperationalGroup] = field(default_factory=list)

    @property
    def actions(self) -> list[Action]:
        return [action for oo in self.objectives for action in oo.actions]


def group_plan(actions: list[Action], outline: Iterable[Objective] = ()) -> list[StrategicGroup]:
    """OS -> OO -> actions, in the order the actions first name them; the OOs of `outline`
    (the plan's objectives in plan order) come first, with their actions or without any."""
    strategic: dict[int, StrategicGroup] = {}
    operational: dict[tuple[int, str], OperationalGroup] = {}
    for objective in outline:
        os_group = strategic.get(objective.os_number)
        if os_group is None:
            os_group = StrategicGroup(objective.os_number, objective.os_title, objective.volet)
            strategic[objective.os_number] = os_group
        key = (objective.os_number, objective.oo_number)
        if key not in operational:
            operational[key] = OperationalGroup(objective.oo_number, objective.oo_title)
            os_group.objectives.append(operational[key])
    for action in actions:
        os_group = strategic.get(action.os_number)
        if os_group is None:
            os_group = StrategicGroup(action.os_number, action.os_title, action.volet)
            strategic[action.os_number] = os_group
        key = (action.os_number, action.oo_number)
        oo_group = operational.get(key)
        if oo_group is None:
            oo_group = OperationalGroup(action.oo_number, action.oo_title)
            operational[key] = oo_group
            os_group.objectives.append(oo_group)
        oo_group.actions.append(action)
    return list(strategic.values())
