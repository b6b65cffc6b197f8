"""A property of the pilots' words (issue 19, item 7): for every line built from plan words (a
real action of the sender, a status word in any case and with or without accents, maybe a
percentage in one of its spellings) and filler comment words, what the bot stores or proposes
reflects each plan word of the line; and nothing is stored that does not."""

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from commands.types import Message
from storage.actions import action_by_code, actions_of_pilots
from storage.plans import only_plan
from storage.vocabulary import DONE, NOT_STARTED, STATUSES, fold, parse_status, status_words
from tests.conftest import LUC, SYLVIE
from tests.test_corpus import DIRECTORY, fresh_engine

_PROBE = fresh_engine()
_PLAN = only_plan(_PROBE.db).id
CODES = {
    sender: sorted(a.code for a in actions_of_pilots(_PROBE.db, _PLAN, set(pilots)))
    for sender, pilots in ((SYLVIE, {"SV"}), (LUC, {"LM"}))
}
assert DIRECTORY.pilots_of(SYLVIE) >= {"SV"}
WORDS = sorted(set(status_words()) | set(STATUSES))
PERCENTS = ("{n}%", "{n} %", "{n}\u00a0%", "à {n}%", "{n} pourcent", "({n}%)")
FILLER = ("réunion", "avec", "la", "direction", "dossier", "devis", "budget", "architecte", "SPW")


def _accents(word: str, drop: bool) -> str:
    if not drop:
        return word
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


@st.composite
def lines(draw):
    sender = draw(st.sampled_from(sorted(CODES)))
    code = draw(st.sampled_from(CODES[sender]))
    word = draw(st.sampled_from(WORDS))
    word = _accents(word, draw(st.booleans()))
    word = "".join(c.upper() if draw(st.booleans()) else c for c in word)
    progress = draw(st.none() | st.integers(min_value=1, max_value=99))
    spelling = draw(st.sampled_from(PERCENTS))
    comment = draw(st.lists(st.sampled_from(FILLER), max_size=4))
    parts = [code, word]
    if progress is not None:
        parts.append(spelling.format(n=progress))
    text = " ".join(parts) + (", " + " ".join(comment) if comment else "")
    return sender, code, parse_status(word), progress, text


def _coherent(status: str, progress: int | None) -> bool:
    """Whether a status and a percentage of 1-99 can both be true."""
    return progress is None or status not in (DONE, NOT_STARTED)


def _reflects(line: str, code: str, status: str, progress: int | None) -> bool:
    folded = fold(line).replace(" %", "%")
    return (
        f" {code} " in f" {folded} "
        and fold(status) in folded
        and (progress is None or f"{progress}%" in folded)
    )


@settings(max_examples=200, deadline=None)
@given(lines())
def test_what_is_stored_or_proposed_reflects_every_plan_word(line):
    sender, code, status, progress, text = line
    engine = fresh_engine()
    before = action_by_code(engine.db, _PLAN, code)
    reply = engine.handle(Message(sender=sender, text=text, room="!room", direct=True))
    after = action_by_code(engine.db, _PLAN, code)
    stored = (after.status, after.progress, after.last_comment) != (
        before.status,
        before.progress,
        before.last_comment,
    )
    if stored:
        assert _coherent(status, progress), f"{text!r} stored {after.status}, {after.progress}"
        assert after.status == status, f"{text!r} stored {after.status}"
        if progress is not None:
            assert after.progress == progress, f"{text!r} stored {after.progress} %"
        for word in (after.last_comment or "").split():
            assert parse_status(word) is None and not any(c.isdigit() for c in word), (
                f"{text!r}: a plan word in the comment {after.last_comment!r}"
            )
    elif reply is not None and reply.proposal and _coherent(status, progress):
        assert any(_reflects(p, code, status, progress) for p in reply.proposal), (
            f"{text!r} proposed {reply.proposal}"
        )
