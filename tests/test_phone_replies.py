"""Phone-sized replies: long lists come in pages under 2,000 characters, each ending with what to
type for the next one; people are named by initials or name, never by raw chat id."""

import re
from dataclasses import dataclass

import pytest

from commands.formatting import PHONE, paginate
from commands.render import person_name
from commands.types import Directory, Message
from storage import history
from storage.actions import pilot_codes
from storage.vocabulary import fold
from tests.conftest import ADMIN, LUC, NOW, STRANGER, SYLVIE, snapshot

#: The last line of a page that has a next one: "… et 42 autres : !retard page 2".
_MORE = re.compile(r"^… et (\d+) autres? : (!.+ page (\d+))$")
#: A raw chat id, as Matrix writes one.
_CHAT_ID = re.compile(r"@[^\s:]+:[^\s:]+")


def every_page(say, sender: str, command: str) -> list[str]:
    """The text of each page of a list, following the footer of each page to the next."""
    pages = [say(sender, command).text]
    while match := _MORE.match(pages[-1].splitlines()[-1]):
        assert int(match.group(3)) == len(pages) + 1
        pages.append(say(sender, match.group(2)).text)
        assert len(pages) < 50, "the pages never end"
    return pages


def items(page: str) -> list[str]:
    return [line for line in page.splitlines() if line.startswith("• ")]


def assert_pages_fit_and_lose_nothing(pages: list[str], expected_count: int) -> None:
    assert len(pages) > 1
    for page in pages:
        assert len(page) <= PHONE, page
    shown = [item for page in pages for item in items(page)]
    assert len(shown) == len(set(shown)) == expected_count
    left = [int(_MORE.match(page.splitlines()[-1]).group(1)) for page in pages[:-1]]
    assert left == [
        expected_count - sum(len(items(p)) for p in pages[: i + 1]) for i in range(len(left))
    ]


# ---------------------------------------------------------------- the pages of each list


def test_my_actions_for_a_pilot_with_many_actions_fit_a_phone_in_pages(say):
    pages = every_page(say, LUC, "!mes actions")
    assert pages[0].startswith("Actions de LM/chefs de service : 33 (page 1/2)")
    assert pages[0].splitlines()[-1] == "… et 8 autres : !mes-actions page 2"
    assert pages[1].startswith("Actions de LM/chefs de service : 33 (page 2/2)")
    assert_pages_fit_and_lose_nothing(pages, 33)


def test_a_group_continued_on_the_next_page_repeats_its_heading(say):
    second = say(LUC, "!mes-actions page 2").text
    assert second.splitlines()[1] == "⚠ En retard (33)"


def test_my_overdue_actions_come_in_pages(say):
    assert_pages_fit_and_lose_nothing(every_page(say, LUC, "!mes-retards"), 33)


def test_overdue_lists_every_late_action_in_pages_grouped_by_os(say):
    pages = every_page(say, STRANGER, "!retard")
    assert pages[0].startswith("⚠ 127 actions en retard au 14/03/2025 (page 1/")
    assert pages[0].splitlines()[-1] == "… et 107 autres : !retard page 2"
    assert_pages_fit_and_lose_nothing(pages, 127)
    headings = [line for page in pages for line in page.splitlines() if line.startswith("OS ")]
    numbers = [int(line.split()[1]) for line in headings]
    assert numbers == sorted(numbers) and set(numbers) == {1, 2, 3, 4, 5, 6}


def test_overdue_of_one_os_pages_with_the_os_in_the_command(say):
    pages = every_page(say, STRANGER, "!retard 3")
    assert pages[0].splitlines()[-1].endswith(": !retard 3 page 2")
    assert_pages_fit_and_lose_nothing(pages, 44)
    assert all("OS 1 " not in page for page in pages)


@pytest.mark.parametrize(
    "written", ["!retard 3 page 2", "!retard 3 p2", "!retard 3 P. 2", "!retards 3 p 2"]
)
def test_a_page_is_asked_for_in_several_short_ways(say, written):
    assert say(STRANGER, written).text == say(STRANGER, "!retard 3 page 2").text


def test_search_results_come_in_pages_with_the_words_in_the_command(say):
    pages = every_page(say, STRANGER, "!cherche de")
    first = pages[0].splitlines()
    assert first[0].startswith("118 actions pour « de » (page 1/")
    assert first[-1].endswith(": !cherche de page 2")
    assert_pages_fit_and_lose_nothing(pages, 118)


def test_a_long_history_comes_in_pages_newest_first(say):
    for percent in range(1, 61):
        say(SYLVIE, f"!maj 23 en cours {percent}% étape {percent} du tronc commun validée")
    pages = every_page(say, STRANGER, "!historique 23")
    assert items(pages[0])[0].endswith("SV : 60 % — étape 60 du tronc commun validée")
    assert items(pages[-1])[-1].endswith(
        "à démarrer → en cours, 1 % — étape 1 du tronc commun validée"
    )
    assert_pages_fit_and_lose_nothing(pages, 60)


def test_a_persons_history_comes_in_pages(say):
    for percent in range(1, 31):
        say(LUC, f"!maj 52 en cours {percent}% point avec le service, réunion le 5 juin")
    pages = every_page(say, ADMIN, f"!historique {LUC}")
    assert pages[0].startswith("Modifications de LM : 30 (page 1/")
    assert pages[0].splitlines()[-1].endswith(f": !historique {LUC} page 2")
    assert_pages_fit_and_lose_nothing(pages, 30)


def test_own_history_is_asked_for_with_moi(say):
    say(LUC, "!maj 52 en cours")
    assert say(LUC, "!historique moi").text == say(LUC, f"!historique {LUC}").text


def test_the_html_twin_shows_the_same_page(say):
    reply = say(LUC, "!mes-actions page 2")
    assert reply.html.startswith("<b>Actions de LM/chefs de service : 33 (page 2/2)</b>")
    assert reply.html.count("<li>") == len(items(reply.text))


def test_a_list_that_fits_has_no_page_mark_and_no_footer(say):
    text = say(SYLVIE, "!mes-actions").text
    assert "(page" not in text and "autres :" not in text and len(text) <= PHONE


def test_an_item_never_cut_even_when_longer_than_a_page_allows():
    reply = paginate("Tête", [("", ["a" * 600] * 5)], 1, "!liste")
    assert all(line == "• " + "a" * 600 for line in items(reply.text))
    assert len(reply.text) <= PHONE


# ---------------------------------------------------------------- pages that do not exist


def test_a_page_past_the_end_is_refused_in_french_and_writes_nothing(say, db):
    before = snapshot(db)
    reply = say(LUC, "!mes-actions page 5")
    assert reply.refused
    assert reply.text == "Page 5 : il n'y a que 2 pages. La dernière : !mes-actions page 2"
    assert snapshot(db) == before


def test_a_second_page_of_a_short_list_says_it_all_fits(say):
    reply = say(SYLVIE, "!mes-actions page 2")
    assert reply.refused
    assert reply.text == "Page 2 : tout tient sur une seule page, tapez !mes-actions"


def test_page_zero_is_refused(say):
    reply = say(STRANGER, "!retard page 0")
    assert reply.refused and "à partir de 1" in reply.text


# ---------------------------------------------------------------- people named, not chat ids


def test_codir_post_names_the_pilot_by_initials(say):
    post = say(LUC, "!maj 52 en cours 30% devis reçus").posts[0]
    assert post.text.startswith("LM a mis à jour l'action 52")
    assert post.html.startswith("<b>LM</b> a mis à jour")
    assert not _CHAT_ID.search(post.text) and not _CHAT_ID.search(post.html)


@dataclass(frozen=True)
class NamedMessage(Message):
    """A message whose transport gave the sender's display name."""

    sender_name: str = ""


def test_codir_post_names_someone_without_initials_by_display_name_or_localpart(engine):
    def post_of(message):
        return engine.handle(message).posts[0].text

    unnamed = Message(sender=ADMIN, text="!maj 52 en cours", room="!r", event_id="$1")
    assert post_of(unnamed).startswith("dg a mis à jour")
    named = NamedMessage(ADMIN, "!maj 53 en cours", "!r", "$2", sender_name="Directrice")
    # The display name with its chat id's localpart: a name alone can be imitated.
    assert post_of(named).startswith("Directrice (dg) a mis à jour")
    initials_win = NamedMessage(LUC, "!maj 52 fait", "!r", "$3", sender_name="Luc M.")
    assert post_of(initials_win).startswith("LM a mis à jour")


def test_a_group_is_not_a_name_and_an_odd_chat_id_still_gets_one():
    team = Directory(links={"chefs de service": {SYLVIE, LUC}, "SV": {SYLVIE}})
    assert person_name(team, SYLVIE) == "SV"
    assert person_name(team, LUC) == "luc"
    assert person_name(team, "@:weird") == "@:weird"


def test_history_names_people_by_initials_never_by_chat_id(say):
    say(LUC, "!maj 52 en cours devis")
    say(ADMIN, "!echeance 52 2026")
    for text in (
        say(STRANGER, "!historique 52").text,
        say(ADMIN, f"!historique {LUC}").text,
        say(STRANGER, "!action 52").text,
    ):
        assert "LM : à démarrer → en cours" in text
        assert not _CHAT_ID.search(text), text
    assert "dg : échéance : 2026" in say(STRANGER, "!historique 52").text


def test_refusal_of_another_persons_history_offers_moi(say):
    text = say(SYLVIE, f"!historique {LUC}").text
    assert text.endswith("Le vôtre : !historique moi")


def test_an_old_huge_comment_gives_history_pages_that_fit_a_phone(say, db):
    # Stored before comments were capped at 1,000 characters.
    history.record_update(db, 23, SYLVIE, comment="é" * 19_000, at=NOW)
    history.record_update(db, 23, SYLVIE, comment="mot " * 900, at=NOW)
    for text in ("!historique 23", f"!historique {SYLVIE}"):
        reply = say(ADMIN, text)
        assert not reply.refused and len(reply.text) <= PHONE, text
        assert "…" in reply.text, text


def test_the_directory_with_every_pilot_linked_comes_in_pages(say, directory, db):
    codes = sorted(pilot_codes(db))
    for code in codes:
        directory.links.setdefault(code, {f"@{fold(code).replace(' ', '-')}:example.org"})
    pages = every_page(say, ADMIN, "!pilotes")
    assert pages[0].startswith(f"Pilotes liés ({len(codes)}) (page 1/")
    assert_pages_fit_and_lose_nothing(pages, len(codes))
