"""A synthetic plan, as the `Action` values storage reads (`list_actions(..., with_history=True)`),
for tests, benchmarks and demos.

>>> actions = synthetic_plan(127)
>>> len(actions), len({a.os_number for a in actions}), len({a.oo_number for a in actions})
(127, 6, 25)
"""

import random
from datetime import UTC, date, datetime, timedelta

from storage.actions import Action
from storage.vocabulary import (
    ABANDONED,
    AT_RISK,
    BLOCKED,
    DONE,
    GOOD,
    IN_PROGRESS,
    NOT_STARTED,
    NOTE,
    REPORT_ORDER,
    STATUS_CHANGE,
)

_VOCABULARY = (
    "améliorer renforcer la communication interne externe du CPAS avec les bénéficiaires "
    "service social insertion socio-professionnelle logement énergie personnel formation "
    "informatique marché public subvention procédure bâtiment maison de repos crèche"
)
_WORDS = _VOCABULARY.split()

# Text that has broken exporters before: markup, formulas, separators, newlines, non-Latin-1.
_AWKWARD = (
    "Réunions <b>thématiques</b> & suivi « qualité »",
    "=SUM(A1:A2) n'est pas une formule",
    "Budget ; recettes | dépenses",
    "Première ligne\nseconde ligne",
    "Plan ✚ d'action – 2ᵉ phase",
    "@room ne notifie personne",
)


def _sentence(rng: random.Random, low: int, high: int) -> str:
    words = rng.choices(_WORDS, k=rng.randint(low, high))
    return " ".join(words).capitalize()


#: The plan the synthetic actions belong to (no database holds it).
PLAN_ID = 1


def synthetic_plan(n_actions: int, *, seed: int = 0) -> list[Action]:
    """`n_actions` actions ordered by OS, OO and code, deterministic for a given seed.

    About 21 actions per OS (at most 20 OS) and 5 per OO, like a CPAS plan (6 OS / 25 OO /
    127 actions). Every status, health and volet appears; some titles exceed 255 characters.
    """
    rng = random.Random(seed)
    n_os = max(1, min(20, round(n_actions / 21)))
    n_oo = max(n_os, round(n_actions / 5))
    oo_per_os = [n_oo // n_os + (1 if i < n_oo % n_os else 0) for i in range(n_os)]
    objectives = [(os, k) for os in range(1, n_os + 1) for k in range(1, oo_per_os[os - 1] + 1)]
    actions_per_oo = [
        n_actions // n_oo + (1 if i < n_actions % n_oo else 0) for i in range(len(objectives))
    ]
    os_titles = {
        os: f"Etre un CPAS qui {_sentence(rng, 4, 10).lower()}" for os in range(1, n_os + 1)
    }
    actions = []
    number = 0
    for oo_position, ((os_number, k), count) in enumerate(
        zip(objectives, actions_per_oo, strict=True), start=1
    ):
        oo_title = _sentence(rng, 3, 9)
        oo = (f"{os_number}.{k}", oo_title, oo_position)
        for _ in range(count):
            number += 1
            actions.append(_action(rng, number, os_number, os_titles[os_number], oo))
    return actions


def _action(rng, number, os_number, os_title, oo) -> Action:
    oo_number, oo_title, oo_position = oo
    # Every status in every OS, in the proportions of a plan at mid-term.
    status = (
        REPORT_ORDER[number % 5]
        if number % 3 == 0
        else rng.choices(REPORT_ORDER, (35, 35, 20, 6, 4))[0]
    )
    start_year = rng.choice((2019, 2020, 2021, 2022))
    end_year = rng.randint(start_year, 2024)
    title = _sentence(rng, 4, 16)
    if number % 7 == 0:
        title = _AWKWARD[number // 7 % len(_AWKWARD)]
    if number % 50 == 0:
        title = " ".join([title] * 30)  # beyond eComptes' 255 characters
    history = _history(rng, number, status, start_year, end_year)
    progress = next((e["progress"] for e in reversed(history) if e["progress"] is not None), None)
    return Action(
        number=number,
        plan_id=PLAN_ID,
        code=str(number),
        title=title,
        os_number=os_number,
        os_title=os_title,
        volet=("interne", "externe", None)[os_number % 3],
        oo_number=oo_number,
        oo_title=oo_title,
        oo_position=oo_position,
        position=number,
        indicators=rng.choice(("Fait/pas fait", "Nombre de réunions", "Taux de satisfaction")),
        pilots=tuple(
            rng.sample(["LM", "MR", "MAC", "SV", "AB", "Service RH"], k=rng.randint(0, 3))
        ),
        deadline=f"{start_year}-{end_year}" if end_year != start_year else str(end_year),
        start=date(start_year, 1, 1) if number % 4 else None,
        end=date(end_year, 12, 31) if number % 5 else None,
        status=status,
        progress=progress,
        health=(None, GOOD, AT_RISK, BLOCKED)[number % 4],
        indicator_value=None,
        last_comment=history[-1]["comment"] if history else None,
        updated_at=history[-1]["at"] if history else None,
        history=tuple(history),
    )


def _history(rng, number, status, start_year, end_year) -> list[dict]:
    entries = []
    at = datetime(start_year, 1, 15, 9, 30, tzinfo=UTC)
    previous = NOT_STARTED
    path = {NOT_STARTED: [], IN_PROGRESS: [IN_PROGRESS], DONE: [IN_PROGRESS, DONE]}
    steps = path.get(status, [IN_PROGRESS, status])
    progress = 0
    for step in steps:
        at += timedelta(days=rng.randint(30, 400))
        progress = 100 if step == DONE else min(90, progress + rng.randint(10, 50))
        entries.append(
            {
                "action_number": number,
                "at": at,
                "who": rng.choice(("@sylvie:example.org", "SV", "LM")),
                "kind": STATUS_CHANGE,
                "old_status": previous,
                "new_status": step,
                "progress": progress if step != ABANDONED else None,
                "comment": _sentence(rng, 5, 14),
            }
        )
        previous = step
    if entries and rng.random() < 0.5:
        entries.append(
            {
                "action_number": number,
                "at": entries[-1]["at"] + timedelta(days=rng.randint(1, 90)),
                "who": "MR",
                "kind": NOTE,
                "old_status": None,
                "new_status": None,
                "progress": None,
                "comment": _sentence(rng, 5, 14),
            }
        )
    return entries
