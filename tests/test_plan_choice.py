"""Which plan: one rule, `storage.plans.choose_plan`, with a typed refusal for each way it fails,
and the sentence each floor says for it (chat, command line, import)."""

import pytest

from bot import console_texts
from bot.cli import _chosen_plan
from commands import texts
from commands.errors import plan_refusal
from storage import plans
from storage.db import open_db
from storage.importing import ImportFormatError, import_plan, load_example
from storage.plans import (
    ConfiguredPlanUnknown,
    NoPlan,
    PlanAmbiguous,
    PlanUnknown,
    choose_plan,
)
from storage.transactions import transaction
from tests.conftest import ADMIN, NOW


@pytest.fixture
def empty():
    return open_db(":memory:")


@pytest.fixture
def one(empty):
    with transaction(empty):
        plans.create_plan(empty, "cpas")
    return empty


@pytest.fixture
def two(one):
    with transaction(one):
        plans.create_plan(one, "commune")
    return one


def test_the_only_plan_is_chosen_when_nothing_names_one(one):
    assert choose_plan(one).code == "cpas"
    assert choose_plan(one, room="!any:x").code == "cpas"


def test_a_code_names_its_plan_whatever_its_case(two):
    assert choose_plan(two, code=" Commune ").code == "commune"


def test_an_empty_database_refuses_with_no_plan(empty):
    with pytest.raises(NoPlan):
        choose_plan(empty)
    with pytest.raises(NoPlan):
        choose_plan(empty, code="cpas")


def test_several_plans_and_none_named_refuses_with_the_codes(two):
    with pytest.raises(PlanAmbiguous) as refused:
        choose_plan(two, room="!any:x")
    assert refused.value.codes == ("commune", "cpas")


def test_an_unknown_code_refuses_with_the_code_and_the_plans(two):
    with pytest.raises(PlanUnknown) as refused:
        choose_plan(two, code="ville")
    assert (refused.value.code, refused.value.codes) == ("ville", ("commune", "cpas"))
    assert not isinstance(refused.value, ConfiguredPlanUnknown)


def test_a_configured_room_works_on_its_plan(two):
    assert choose_plan(two, room="!c:x", configured={"!c:x": "commune"}).code == "commune"


def test_a_configured_code_missing_from_the_database_says_the_configuration_named_it(empty):
    with pytest.raises(ConfiguredPlanUnknown) as refused:
        choose_plan(empty, room="!c:x", configured={"!c:x": "ville"})
    assert refused.value.code == "ville"


def test_a_room_plan_set_in_chat_wins_over_the_configuration(two):
    commune = plans.plan_by_code(two, "commune")
    with transaction(two):
        plans.set_room_plan(two, "!c:x", commune.id, who=ADMIN, at=NOW)
    assert choose_plan(two, room="!c:x", configured={"!c:x": "cpas"}).code == "commune"


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (NoPlan(), texts.EMPTY_PLAN),
        (PlanAmbiguous(("a", "b")), texts.NO_PLAN_FOR_ROOM.format(codes="a, b")),
        (PlanUnknown("x", ("a",)), texts.UNKNOWN_PLAN.format(code="x", codes="a")),
        (ConfiguredPlanUnknown("x", ("a",)), texts.CONFIGURED_PLAN_MISSING.format(code="x")),
    ],
)
def test_the_chat_says_each_refusal_by_its_type(error, expected):
    assert plan_refusal(error) == expected


def test_the_command_line_says_each_refusal_by_its_type(two):
    with pytest.raises(SystemExit) as empty:
        _chosen_plan(open_db(":memory:"), None)
    assert str(empty.value) == console_texts.NO_PLAN_YET
    with pytest.raises(SystemExit) as ambiguous:
        _chosen_plan(two, None)
    assert str(ambiguous.value) == console_texts.WHICH_PLAN.format(codes="commune, cpas")
    with pytest.raises(SystemExit) as unknown:
        _chosen_plan(two, "ville")
    expected = console_texts.UNKNOWN_PLAN.format(code="ville", codes="commune, cpas")
    assert str(unknown.value) == expected
    assert _chosen_plan(two, "cpas").code == "cpas"


def test_the_import_refuses_several_plans_unnamed_and_creates_a_new_code(two):
    with pytest.raises(ImportFormatError, match="plusieurs PST"):
        import_plan(two, load_example())
    assert import_plan(two, load_example(), "ville").plan == "ville"
    assert choose_plan(two, code="ville").code == "ville"
