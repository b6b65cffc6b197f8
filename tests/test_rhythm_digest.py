"""The CODIR digest's content, on a prepared history."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from commands.formatting import PHONE
from commands.schedule import Outgoing, Rhythm, digest
from storage import history, sends
from storage.transactions import transaction
from tests.conftest import ADMIN, LUC, SYLVIE

BRUSSELS = ZoneInfo("Europe/Brussels")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=BRUSSELS)


def _calm(db) -> None:
    """Far deadlines and fresh news everywhere, so only what a test prepares shows."""
    fresh = (MONDAY - timedelta(days=10)).astimezone(UTC).isoformat()
    with transaction(db):
        db.execute("update actions set end_date = '2030-12-31'")
        db.execute(
            "insert into updates (action_number, at, who, kind, old_status, new_status)"
            " select number, ?, 'import', 'note', status, status from actions",
            [fresh],
        )


def _changed(db, number: int, who: str, status: str, days_ago: float) -> None:
    history.record_update(db, number, who, new_status=status, at=MONDAY - timedelta(days=days_ago))


def test_digest_tells_what_changed_this_week_with_who(db, directory):
    _calm(db)
    _changed(db, 52, LUC, "fait", 2)
    _changed(db, 23, SYLVIE, "en cours", 3)
    _changed(db, 24, ADMIN, "suspendu", 1)
    _changed(db, 25, ADMIN, "abandonné", 1)
    _changed(db, 32, SYLVIE, "en cours", 9)  # before the week: not told
    text = digest(db, Rhythm(), directory, MONDAY).text
    assert "Digest CODIR du 23/11/2026 (changements depuis le 16/11/2026)" in text
    assert "• Faites (1) : 52 (LM)" in text
    assert "• Démarrées (1) : 23 (SV)" in text
    assert "• Suspendues (1) : 24 (dg)" in text and "• Abandonnées (1) : 25 (dg)" in text
    assert "32 (SV)" not in text


def test_digest_counts_changes_since_the_previous_digest(db, directory):
    _calm(db)
    _changed(db, 52, LUC, "fait", 2)
    previous = digest(db, Rhythm(), directory, MONDAY - timedelta(days=1))
    sends.record(db, previous)
    _changed(db, 23, SYLVIE, "en cours", 0.5)
    text = digest(db, Rhythm(), directory, MONDAY).text
    assert "depuis le 22/11/2026" in text
    assert "23 (SV)" in text and "52 (LM)" not in text


def test_digest_is_sent_even_when_nobody_reported(db, directory):
    _calm(db)
    text = digest(db, Rhythm(), directory, MONDAY).text
    assert "Aucun changement de statut cette semaine." in text


def test_digest_tells_what_is_late_and_what_falls_due_within_30_days(db, directory):
    _calm(db)
    db.execute("update actions set end_date = '2026-10-31' where number in (52, 53)")
    db.execute("update actions set end_date = '2026-12-15' where number = 23")
    db.execute("update actions set end_date = '2027-01-15' where number = 24")
    text = digest(db, Rhythm(), directory, MONDAY).text
    assert "• En retard (2) : 52, 53" in text
    assert "• Échéance dans les 30 jours (1) : 23 (15/12/2026)" in text
    assert "24 (15/01/2027)" not in text


def test_digest_names_pilots_silent_for_too_long(db, directory):
    _calm(db)
    db.execute(
        "update updates set at = ? where action_number in"
        " (select action_number from action_pilots where pilot = 'LM')",
        [(MONDAY - timedelta(weeks=7)).astimezone(UTC).isoformat()],
    )
    text = digest(db, Rhythm(), directory, MONDAY).text
    line = next(line for line in text.splitlines() if line.startswith("Sans nouvelles"))
    names = line.split(" : ")[1].split(" (")[0].split(", ")
    # LM, and the co-pilots whose every action LM pilots too; not SV.
    assert "LM" in names and "SV" not in names


def test_digest_names_pilots_after_three_ignored_reminders(db, directory):
    _calm(db)
    for days_ago in (6, 4, 2):
        sends.record(
            db,
            Outgoing(
                key=f"reminder:{SYLVIE}:{days_ago}",
                kind="reminder",
                recipient=SYLVIE,
                label="SV",
                text="…",
                html="…",
                at=MONDAY - timedelta(days=days_ago),
            ),
        )
    text = digest(db, Rhythm(), directory, MONDAY).text
    # SV, and the group she belongs to.
    assert "3 rappels sans réponse) : SV, chefs de service (2 pilotes)" in text


def test_digest_progress_leaves_abandoned_actions_out_and_says_so(db, directory):
    _calm(db)
    db.execute("update actions set status = 'fait' where number <= 25")
    db.execute("update actions set status = 'abandonné' where number between 26 and 27")
    text = digest(db, Rhythm(), directory, MONDAY).text
    assert (
        "Avancement : 20 % des actions faites (25 sur 125, les 2 abandonnées non comptées)." in text
    )


def test_digest_fits_a_phone_and_ends_with_the_commands_for_the_full_picture(db, directory):
    for number in range(1, 128, 2):  # many changes, everything late (the example's deadlines)
        _changed(db, number, LUC, "fait", 1)
    found = digest(db, Rhythm(), directory, MONDAY)
    assert len(found.text) <= PHONE
    assert found.text.endswith("Tableau complet : !tableau — actions en retard : !retard")
    assert "!tableau" in found.html and "<b>" in found.html


def test_digest_html_escapes_titles(db, directory):
    db.execute("update strategic_objectives set title = '<script>x</script>' where number = 1")
    html = digest(db, Rhythm(), directory, MONDAY).html
    assert "<script>" not in html and "&lt;script&gt;" in html
