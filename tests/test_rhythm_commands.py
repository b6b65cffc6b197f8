"""!absent, !rappels and !digest, as a pilot and an admin type them."""

from datetime import date

from commands.engine import Engine
from commands.schedule import Rhythm
from commands.types import Message
from storage import absences, sends
from tests.conftest import ADMIN, LUC, NOW, REGISTRY, SYLVIE, snapshot

CODIR_MEMBER = "@codir:example.org"


def test_absent_until_a_date_is_kept_inclusive_and_confirmed(say, db):
    reply = say(LUC, "!absent jusqu'au 20/12/2026")
    assert (
        reply.text
        == "Noté : pas de rappel jusqu'au 20/12/2026 inclus. De retour plus tôt : !absent fin"
    )
    assert absences.away_until(db, LUC) == date(2026, 12, 20)
    assert LUC in absences.quiet_people(db, date(2026, 12, 20))
    assert LUC not in absences.quiet_people(db, date(2026, 12, 21))


def test_absent_accepts_the_date_alone_the_english_name_and_an_iso_date(say, db):
    assert not say(LUC, "!absent 20/12/2026").refused
    assert not say(SYLVIE, "!away 2026-12-21").refused
    assert not say(ADMIN, "!absent jusqu’au 22.12.2026").refused  # typographic apostrophe
    assert [absences.away_until(db, p) for p in (LUC, SYLVIE, ADMIN)] == [
        date(2026, 12, 20),
        date(2026, 12, 21),
        date(2026, 12, 22),
    ]


def test_absent_fin_ends_the_absence(say, db):
    say(LUC, "!absent jusqu'au 20/12/2026")
    assert say(LUC, "!absent fin").text == "Bon retour : les rappels reprennent."
    assert absences.away_until(db, LUC) is None
    say(LUC, "!absent 20/12/2026")
    assert not say(LUC, "!absent non").refused and absences.away_until(db, LUC) is None


def test_absent_fin_when_not_absent_is_refused_and_changes_nothing(say, db):
    before = snapshot(db)
    reply = say(LUC, "!absent fin")
    assert reply.refused and "pas noté absent" in reply.text
    assert snapshot(db) == before


def test_absent_until_a_past_date_is_refused_and_changes_nothing(say, db):
    before = snapshot(db)
    reply = say(LUC, "!absent jusqu'au 01/01/2025")  # the tests' today is 14/03/2025
    assert reply.refused
    assert reply.text.startswith("Le 01/01/2025 est déjà passé : rien n'a changé.")
    assert snapshot(db) == before


def test_absent_with_no_date_or_a_wrong_one_is_refused_in_french(say, db):
    before = snapshot(db)
    assert say(LUC, "!absent").text.startswith("Jusqu'à quand ? Exemple : !absent jusqu'au")
    assert "« demain » n'est pas une date" in say(LUC, "!absent demain").text
    assert "n'est pas une date" in say(LUC, "!absent 31/02/2026").text
    assert snapshot(db) == before


def test_rappels_off_then_on_for_oneself(say, db):
    assert (
        say(LUC, "!rappels off").text == "Vos rappels sont coupés. Pour les retrouver : !rappels on"
    )
    assert not absences.reminders_on(db, LUC) and absences.reminders_on(db, SYLVIE)
    assert say(LUC, "!reminders on").text == "Vos rappels sont rétablis."
    assert absences.reminders_on(db, LUC)


def test_rappels_off_twice_is_refused_and_changes_nothing(say, db):
    say(LUC, "!rappels off")
    before = snapshot(db)
    reply = say(LUC, "!rappels off")
    assert reply.refused and "déjà coupés" in reply.text
    assert snapshot(db) == before


def test_rappels_with_a_wrong_or_no_word_is_refused(say, db):
    before = snapshot(db)
    assert (
        say(LUC, "!rappels peut-être").text
        == "« peut-être » : tapez !rappels off, on, pause ou reprise."
    )
    assert say(LUC, "!rappels").text.startswith("Que faire des rappels ?")
    assert snapshot(db) == before


def test_rappels_pause_is_for_admins_only(say, db):
    before = snapshot(db)
    for who in (LUC, CODIR_MEMBER):
        reply = say(who, "!rappels pause")
        assert reply.refused and reply.text.startswith("Seuls les administrateurs")
        assert ADMIN in reply.text
    assert snapshot(db) == before and not absences.paused(db)


def test_rappels_pause_and_reprise_by_an_admin(say, db):
    assert say(ADMIN, "!rappels pause").text.startswith("Tous les rappels sont en pause")
    assert absences.paused(db)
    assert say(ADMIN, "!rappels pause").refused
    assert say(ADMIN, "!rappels reprise").text == "Les rappels reprennent."
    assert not absences.paused(db)
    assert say(ADMIN, "!rappels reprise").refused


def test_digest_command_shows_the_digest_without_recording_it(say, db):
    before = snapshot(db)
    reply = say(CODIR_MEMBER, "!digest")
    assert reply.text.startswith("Digest CODIR du 14/03/2025")
    assert "!tableau" in reply.text and "<b>" in reply.html
    assert sends.unsent(db) == [] and snapshot(db) == before


def test_digest_command_is_refused_to_pilots(say):
    reply = say(LUC, "!digest")
    assert reply.refused and "administrateur, CODIR" in reply.text


def test_digest_command_uses_the_configured_silence(db, directory):
    db.execute("delete from updates")
    db.execute("update plans set created_at = '2025-01-01T00:00:00+00:00'")
    ask = Message(sender=ADMIN, text="!digest")
    weeks_52 = Engine(
        db, directory, REGISTRY, clock=lambda: NOW, rhythm=Rhythm(silent_after_weeks=52)
    )
    weeks_6 = Engine(
        db, directory, REGISTRY, clock=lambda: NOW, rhythm=Rhythm(silent_after_weeks=6)
    )
    assert "sans nouvelles" not in weeks_52.handle(ask).text.lower()
    assert "sans nouvelles" in weeks_6.handle(ask).text.lower()


def test_the_absence_example_is_two_weeks_ahead_never_a_day_gone(say):
    reply = say(LUC, "!absent")
    assert reply.refused
    assert "!absent jusqu'au 28/03/2025" in reply.text  # NOW is 14/03/2025
