"""The CODIR digest's content, on a prepared history."""

from datetime import UTC, date, datetime, timedelta
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
    assert "Faites (1)\n• 52 Numérisation du courrier entrant et sor… (LM/ACB)" in text
    assert "Démarrées (1)\n• 23 " in text
    assert "Suspendues ou abandonnées (2)\n• 24 " in text
    assert "— suspendue" in text and "• 25 " in text and "— abandonnée" in text
    assert "• 32 " not in text


def test_digest_counts_changes_since_the_previous_digest(db, directory):
    _calm(db)
    _changed(db, 52, LUC, "fait", 2)
    previous = digest(db, Rhythm(), directory, MONDAY - timedelta(days=1))
    sends.record(db, previous)
    _changed(db, 23, SYLVIE, "en cours", 0.5)
    text = digest(db, Rhythm(), directory, MONDAY).text
    assert "depuis le 22/11/2026" in text
    assert "• 23 " in text and "• 52 " not in text


def test_digest_is_sent_even_when_nobody_reported(db, directory):
    _calm(db)
    text = digest(db, Rhythm(), directory, MONDAY).text
    assert "Aucun changement de statut cette semaine." in text


def test_digest_tells_what_is_late_and_what_falls_due_within_30_days(db, directory):
    _calm(db)
    db.execute("update actions set end_date = '2026-10-31' where number in (52, 53)")
    db.execute("update actions set end_date = '2026-11-20' where number = 54")
    db.execute("update actions set end_date = '2026-12-15' where number = 23")
    db.execute("update actions set end_date = '2027-01-15' where number = 24")
    text = digest(db, Rhythm(), directory, MONDAY).text
    # Newly late since the last digest (16/11): 54 only; 52 and 53 are counted, not repeated.
    assert "Nouvellement en retard (1, sur 3 en retard)\n• 54 " in text
    assert "— échéance du 20/11/2026" in text and "• 52 " not in text
    assert "; 3 en retard." in text
    assert "À échéance dans les 30 jours (1)\n• 23 " in text and "— 15/12/2026" in text
    assert "• 24 " not in text


def test_digest_names_pilots_silent_for_too_long(db, directory):
    _calm(db)
    db.execute(
        "update updates set at = ? where action_number in"
        " (select action_number from action_pilots where pilot = 'LM')",
        [(MONDAY - timedelta(weeks=7)).astimezone(UTC).isoformat()],
    )
    text = digest(db, Rhythm(), directory, MONDAY).text
    line = next(line for line in text.splitlines() if line.startswith("Sans nouvelles"))
    names = line.split(" : ")[1].split(", ")
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
    assert "3 rappels sans réponse, 2 pilotes) : SV, chefs de service" in text


def test_digest_progress_leaves_abandoned_actions_out_and_says_so(db, directory):
    _calm(db)
    db.execute("update actions set status = 'fait' where number <= 25")
    db.execute("update actions set status = 'abandonné' where number between 26 and 27")
    text = digest(db, Rhythm(), directory, MONDAY).text
    assert (
        "Avancement : 20 % des actions faites (25 sur 125, les 2 abandonnées non comptées)" in text
    )


def test_digest_fits_a_phone_and_ends_with_the_commands_for_the_full_picture(db, directory):
    for number in range(1, 128, 2):  # many changes, everything late (the example's deadlines)
        _changed(db, number, LUC, "fait", 1)
    found = digest(db, Rhythm(), directory, MONDAY)
    assert len(found.text) <= PHONE
    assert found.text.endswith("Tableau complet : !tableau — actions en retard : !retard")
    assert "!tableau" in found.html and "<b>" in found.html


def test_digest_html_escapes_titles(db, directory):
    db.execute(
        "update actions set title = '<script>x</script>', health = 'bloque' where number = 52"
    )
    html = digest(db, Rhythm(), directory, MONDAY).html
    assert "<script>" not in html and "&lt;script&gt;" in html


# ---------------------------------------------------------------- the agenda, section by section


def _health(db, number: int, value: str, reason: str | None, days_ago: float) -> dict:
    return history.record_update(
        db,
        number,
        LUC,
        kind="health",
        value=value,
        comment=reason,
        at=MONDAY - timedelta(days=days_ago),
    )


def _sections(text: str) -> list[str]:
    return [line for line in text.splitlines() if line and not line.startswith("•")]


def test_digest_section_risks_lists_blocked_first_with_the_reason(db, directory):
    _calm(db)
    _health(db, 53, "risque", "retard du fournisseur", 20)
    _health(db, 52, "bloque", "marché infructueux", 2)
    text = digest(db, Rhythm(), directory, MONDAY).text
    assert (
        "Bloquées ou à risque (2)\n"
        "• 52 Numérisation du courrier entrant et sor… (LM/ACB) — bloquée : marché infructueux\n"
        "• 53 " in text
    )
    assert "— à risque : retard du fournisseur" in text


def test_digest_section_risks_comes_first_and_points_to_risques(db, directory):
    _calm(db)
    for number in range(40, 48):
        _health(db, number, "risque", None, 1)
    _changed(db, 23, SYLVIE, "fait", 1)
    text = digest(db, Rhythm(), directory, MONDAY).text
    assert _sections(text)[1] == "Bloquées ou à risque (8)"
    assert "• … et 3 autres : !risques" in text
    assert text.count("— à risque") == 5


def test_digest_section_moved_deadlines_tells_the_old_and_new_deadline(db, directory):
    _calm(db)
    old = db.execute("select deadline from actions where number = 52").fetchone()[0]
    history.record_deadline(db, 52, ADMIN, deadline="2027-06", at=MONDAY - timedelta(days=1))
    history.record_deadline(db, 53, ADMIN, deadline="2027-06", at=MONDAY - timedelta(days=9))
    text = digest(db, Rhythm(), directory, MONDAY).text
    assert (
        "Échéances reportées (1)\n• 52 Numérisation du courrier entrant et sor… (LM/ACB)"
        f" — {old} → 2027-06" in text
    )
    assert "Aucun changement" not in text


def test_digest_section_newly_late_shows_five_then_the_count_and_retard(db, directory):
    _calm(db)
    db.execute("update actions set end_date = '2026-11-18' where number between 40 and 49")
    text = digest(db, Rhythm(), directory, MONDAY).text
    assert "Nouvellement en retard (10, sur 10 en retard)" in text
    assert "• … et 5 autres : !retard" in text


def test_digest_section_done_and_started_tell_each_action_once_in_its_final_state(db, directory):
    _calm(db)
    _changed(db, 23, SYLVIE, "en cours", 4)
    _changed(db, 23, SYLVIE, "fait", 2)
    _changed(db, 24, SYLVIE, "en cours", 3)
    _changed(db, 24, SYLVIE, "à démarrer", 2)  # back where it was: nothing to tell
    text = digest(db, Rhythm(), directory, MONDAY).text
    assert "Faites (1)\n• 23 " in text and "Démarrées" not in text and "• 24 " not in text


def test_digest_leaves_an_undone_change_out(db, directory):
    _calm(db)
    history.record_update(db, 23, LUC, new_status="fait", at=MONDAY - timedelta(days=2))
    undoable = history.last_undoable(db, LUC)
    history.record_undo(db, undoable, LUC, at=MONDAY - timedelta(days=1), comments={})
    text = digest(db, Rhythm(), directory, MONDAY).text
    assert "Faites" not in text and "• 23 " not in text


def test_digest_section_due_before_the_next_conseil(db, directory):
    _calm(db)
    db.execute("update actions set end_date = '2027-02-15' where number = 23")
    db.execute("update actions set end_date = '2027-04-15' where number = 24")
    rhythm = Rhythm(conseil=(date(2026, 10, 1), date(2027, 3, 24), date(2027, 6, 23)))
    text = digest(db, rhythm, directory, MONDAY).text
    assert "À échéance avant le Conseil du 24/03/2027 (1)\n• 23 " in text
    assert "— 15/02/2027" in text and "• 24 " not in text


def test_digest_section_silent_pilots_comes_before_the_trend(db, directory):
    _calm(db)
    db.execute(
        "update updates set at = ?", [(MONDAY - timedelta(weeks=7)).astimezone(UTC).isoformat()]
    )
    sections = _sections(digest(db, Rhythm(), directory, MONDAY).text)
    assert sections[-3].startswith("Sans nouvelles") and sections[-2].startswith("Avancement")


def test_digest_section_trend_tells_now_the_last_digest_and_a_month_ago(db, directory):
    _calm(db)
    for number in range(1, 14):  # 13 done five weeks ago
        _changed(db, number, LUC, "fait", 35)
    for number in range(14, 27):  # 13 more after the month mark, before the last digest
        _changed(db, number, LUC, "fait", 20)
    for number in range(27, 40):  # 13 more this week
        _changed(db, number, LUC, "fait", 2)
    text = digest(db, Rhythm(), directory, MONDAY).text
    assert "Avancement : 30,7 % des actions faites (39 sur 127" in text
    assert "; 20,5 % au dernier digest, 10,2 % il y a un mois ;" in text


def _scripted_month(db) -> None:
    """A month of use of the bundled example: updates, a blocked health with its reason, a
    moved deadline, a digest a week ago."""
    for days_ago, number in ((28, 23), (25, 24), (21, 52), (18, 53), (14, 30)):
        _changed(db, number, LUC, "en cours", days_ago)
    for days_ago, number in ((26, 25), (12, 32), (9, 33)):
        _changed(db, number, SYLVIE, "fait", days_ago)
    _health(db, 53, "bloque", "marché infructueux", 5)
    _health(db, 30, "risque", "budget 2027 pas encore voté", 4)
    history.record_deadline(db, 31, ADMIN, deadline="2027-06", at=MONDAY - timedelta(days=3))
    _changed(db, 52, LUC, "fait", 2)
    _changed(db, 54, SYLVIE, "en cours", 1)
    _changed(db, 55, SYLVIE, "abandonné", 1)


def test_digest_length_bound_holds_on_the_example_after_a_scripted_month(db, directory):
    _scripted_month(db)
    sends.record(db, digest(db, Rhythm(), directory, MONDAY - timedelta(days=7)))
    found = digest(db, Rhythm(conseil=(date(2027, 3, 24),)), directory, MONDAY)
    assert len(found.text) <= PHONE
    order = _sections(found.text)
    assert order[0].startswith("Digest CODIR du 23/11/2026 (changements depuis le 16/11/2026)")
    assert order[1:5] == [
        "Bloquées ou à risque (2)",
        "Échéances reportées (1)",
        "Faites (1)",
        "Démarrées (1)",
    ]
    assert "• 53 " in found.text and "bloquée : marché infructueux" in found.text
    assert "Suspendues ou abandonnées (1)\n• 55 " in found.text
    assert order[-2].startswith("Avancement") and order[-1].startswith("Tableau complet")


def test_digest_length_bound_holds_with_every_section_full(db, directory):
    for number in range(1, 128, 2):
        _changed(db, number, LUC, "fait", 1)
    for number in range(2, 128, 4):
        _health(db, number, "bloque", "une raison assez longue pour remplir la ligne du digest", 1)
        history.record_deadline(
            db, number, ADMIN, deadline="2027-06", at=MONDAY - timedelta(hours=5)
        )
    db.execute("update actions set end_date = '2026-11-18' where number % 4 = 0")
    found = digest(db, Rhythm(), directory, MONDAY)
    assert len(found.text) <= PHONE
    assert found.text.endswith("Tableau complet : !tableau — actions en retard : !retard")
