"""The kinds of chat ids: one home, commands/chat_ids.py."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commands.chat_ids import (
    MATRIX,
    TEAMS,
    addressable,
    is_matrix_user,
    is_teams_object,
    is_teams_user,
    is_upn,
    kind,
    localpart,
    looks_like_chat_id,
    well_formed,
)

AAD = "aad:0f3c2b1a-1234-4abc-9def-0123456789ab"

names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._-", min_size=1, max_size=20)
servers = st.from_regex(r"\A[a-z]{1,10}\.(org|be|com)\Z")


@pytest.mark.parametrize(
    ("chat_id", "expected"),
    [
        ("@luc:example.org", MATRIX),
        ("@pst-bot:matrix.cpas.be:8448", MATRIX),
        (AAD, TEAMS),
        ("teams:29:1xyz", TEAMS),
        ("luc@cpas.be", TEAMS),
        ("LM", None),
        ("@luc", None),
        ("", None),
    ],
)
def test_kind_names_the_transport_of_a_chat_id(chat_id, expected):
    assert kind(chat_id) == expected


@given(names, servers)
def test_a_matrix_id_is_never_a_teams_id(name, server):
    matrix = f"@{name}:{server}"
    assert is_matrix_user(matrix) and not is_teams_user(matrix) and not is_upn(matrix)
    assert localpart(matrix) == name


@given(names, servers)
def test_a_upn_is_a_teams_user_named_by_its_localpart(name, server):
    upn = f"{name}@{server}"
    assert is_upn(upn) and is_teams_user(upn) and not is_matrix_user(upn)
    assert localpart(upn) == name
    assert addressable(upn)


@given(st.text(max_size=40))
def test_an_object_id_is_teams_and_names_nobody(rest):
    for prefix in ("aad:", "teams:"):
        chat_id = prefix + rest
        assert is_teams_object(chat_id) and is_teams_user(chat_id)
        assert localpart(chat_id) == ""
        assert not addressable(chat_id)


@given(st.text(max_size=40))
def test_kind_is_one_of_the_transports_or_none_for_any_text(text):
    found = kind(text)
    assert found in (MATRIX, TEAMS, None)
    assert (found == MATRIX) == is_matrix_user(text)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("@anne:example.org", "@anne:example.org"),
        ("@anne:example.org:8448", "@anne:example.org:8448"),
        (AAD, AAD),
        ("Anne@CPAS.be", "anne@cpas.be"),
        ("@anne", None),
        ("aad:not-a-uuid", None),
        ("anne@cpas", None),
        ("anne dupont@cpas.be", None),
        ("LM", None),
    ],
)
def test_well_formed_reads_a_typed_chat_id_strictly(typed, expected):
    assert well_formed(typed) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [("@anne:x", True), ("anne@cpas.be", True), (AAD, True), ("LM", False), ("12", False)],
)
def test_looks_like_chat_id_tells_a_person_from_initials_or_a_number(word, expected):
    assert looks_like_chat_id(word) is expected


@given(st.text(max_size=60))
def test_a_well_formed_id_has_a_kind(text):
    typed = well_formed(text)
    if typed is not None:
        assert kind(typed) is not None
        assert looks_like_chat_id(typed)
