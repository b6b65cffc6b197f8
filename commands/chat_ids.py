"""What kind of chat id a string is: the one home of "is this a Matrix user, a Teams user?".

A person is known by the chat id their transport gives:

- Matrix: the full user id, ``@localpart:server`` (``@luc:example.org``);
- Teams: ``aad:<Entra object id>`` (what an activity carries), the user principal name a
  directory may write instead (``luc@cpas.be``, compared lower-cased), or ``teams:<id>``.

The loose tests (`is_matrix_user`, `is_teams_user`, `kind`) sort ids that are already known, to
pick a transport; `well_formed` is the strict reading of an id a person typed in chat.
Importing nothing from the project, this module can be used by every floor above storage.
"""

from __future__ import annotations

import re
from typing import Literal

#: The transports a chat id can belong to.
MATRIX = "matrix"
TEAMS = "teams"

Kind = Literal["matrix", "teams"]

#: The prefixes of Teams ids that are not names (an object id names nobody a reader knows).
TEAMS_PREFIXES = ("aad:", "teams:")

#: "@localpart:server", as Matrix writes a person (at most 255 characters), port allowed.
_MATRIX_TYPED = re.compile(r"^@[^\s:]{1,200}:[^\s:]+(?::\d{1,5})?$")
#: "aad:<Entra object id>", a UUID.
_AAD_TYPED = re.compile(r"^aad:[0-9a-fA-F-]{36}$")
#: "luc@cpas.be": a user principal name, with a dotted domain.
_UPN_TYPED = re.compile(r"^[^\s@:]{1,200}@[^\s@:]+\.[^\s@:]+$")


def is_matrix_user(chat_id: str) -> bool:
    """A Matrix user id: starts with "@" and names its server.

    >>> is_matrix_user("@luc:example.org"), is_matrix_user("luc@cpas.be"), is_matrix_user("@luc")
    (True, False, False)
    """
    return chat_id.startswith("@") and ":" in chat_id


def is_upn(chat_id: str) -> bool:
    """A user principal name ("luc@cpas.be"): an "@" that does not start the id.

    >>> is_upn("luc@cpas.be"), is_upn("@luc:example.org"), is_upn("aad:0f3c")
    (True, False, False)
    """
    return "@" in chat_id and not chat_id.startswith("@")


def is_teams_object(chat_id: str) -> bool:
    """A Teams id that is not a name: "aad:<object id>" or "teams:<id>".

    >>> is_teams_object("aad:0f3c"), is_teams_object("teams:29:1x"), is_teams_object("luc@cpas.be")
    (True, True, False)
    """
    return chat_id.startswith(TEAMS_PREFIXES)


def is_teams_user(chat_id: str) -> bool:
    """A Teams person: an object id ("aad:…", "teams:…") or a user principal name.

    >>> is_teams_user("aad:0f3c"), is_teams_user("luc@cpas.be"), is_teams_user("@luc:x")
    (True, True, False)
    """
    return is_teams_object(chat_id) or is_upn(chat_id)


def kind(chat_id: str) -> Kind | None:
    """The transport a chat id belongs to, or None for anything else (initials, a typo).

    >>> kind("@luc:example.org"), kind("aad:0f3c"), kind("luc@cpas.be"), kind("LM")
    ('matrix', 'teams', 'teams', None)
    """
    if is_matrix_user(chat_id):
        return MATRIX
    if is_teams_user(chat_id):
        return TEAMS
    return None


def looks_like_chat_id(word: str) -> bool:
    """A word written as a person rather than as initials or a number: it has an "@" (Matrix
    or UPN) or an "aad:" prefix. `well_formed` then says whether it is a valid one.

    >>> looks_like_chat_id("@anne:x"), looks_like_chat_id("anne@cpas.be"), looks_like_chat_id("LM")
    (True, True, False)
    """
    return "@" in word or word.startswith("aad:")


def localpart(chat_id: str) -> str:
    """The part of a chat id a reader may recognise: "luc" for "@luc:example.org" and for
    "luc@cpas.be"; "" for a Teams object id, which names nobody.

    >>> localpart("@luc:example.org"), localpart("luc@cpas.be"), localpart("aad:0f3c")
    ('luc', 'luc', '')
    """
    if is_teams_object(chat_id):
        return ""
    return chat_id.removeprefix("@").split(":", 1)[0].split("@", 1)[0]


def addressable(chat_id: str) -> bool:
    """Whether a person can write to this id (a Matrix id, a UPN), unlike a Teams object id.

    >>> addressable("@dg:x"), addressable("dg@cpas.be"), addressable("aad:0f3c")
    (True, True, False)
    """
    return not is_teams_object(chat_id)


def well_formed(word: str) -> str | None:
    """A chat id as typed in chat, checked strictly: a Matrix id ("@anne:example.org"), a Teams
    identity ("aad:<object id>") or a UPN (returned lower-cased); None for anything else.

    >>> well_formed("@anne:example.org"), well_formed("Anne@CPAS.be"), well_formed("@anne")
    ('@anne:example.org', 'anne@cpas.be', None)
    """
    if _MATRIX_TYPED.match(word) or _AAD_TYPED.match(word):
        return word
    if _UPN_TYPED.match(word):
        return word.lower()
    return None
