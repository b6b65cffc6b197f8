"""Importing a PST in chat, end to end: a file dropped in a room on a real Synapse and in a
Teams personal chat on the stand-in (file served at the download URL the activity names,
authentication on), previewed, confirmed once, the file not kept.

The Matrix test uses the session's bot (`pst_bot`, the bundled example as its plan): the file
dropped is that example's recap itself, so confirming it changes no action (0 new, 0 changed)
and the other tests see the same plan.
"""

from __future__ import annotations

from .botproc import EXAMPLE
from .teams_standin import plain

RECAP = EXAMPLE.read_bytes()


def pending_files(bot) -> int:
    return bot.query("select count(*) from pending_imports")[0][0]


async def test_matrix_admin_drops_a_plan_previews_and_confirms_it_once(pst_bot):
    team = pst_bot
    dropped = await team.dg.send_file(team.group_room, "pst.md", RECAP, "text/markdown")
    preview = await team.dg.reply_to(dropped, timeout=30)
    assert preview.sender == team.bot.user_id
    assert "Aperçu de l'import" in preview.body, preview.body
    assert "127 actions seraient importés (0 nouvelles, 0 modifiées" in preview.body
    assert pending_files(team.bot) == 1

    applied = await team.dg.command(team.group_room, "!importer confirmer")
    assert "appliqué" in applied.body and "127 actions importés" in applied.body, applied.body
    assert pending_files(team.bot) == 0
    again = await team.dg.command(team.group_room, "!importer confirmer")
    assert "Aucun fichier en attente" in again.body


async def test_matrix_a_pilots_file_is_ignored_with_a_notice(pst_bot):
    team = pst_bot
    dropped = await team.lm.send_file(team.group_room, "pst.md", RECAP, "text/markdown")
    notice = await team.lm.reply_to(dropped, timeout=30)
    assert "ignoré" in notice.body and "administrateurs" in notice.body
    assert pending_files(team.bot) == 0


async def test_matrix_a_broken_sheet_is_refused_in_french(pst_bot):
    team = pst_bot
    dropped = await team.dg.send_file(
        team.group_room, "pst.xlsx", b"not a workbook", "application/octet-stream"
    )
    refusal = await team.dg.reply_to(dropped, timeout=30)
    assert "refusé, rien n'a été modifié" in refusal.body, refusal.body
    assert pending_files(team.bot) == 0


async def test_matrix_a_file_in_an_encrypted_room_is_fetched_and_decrypted(pst_bot):
    team = pst_bot
    room = await team.crypto.room_with(team.bot.user_id, encrypted=True)
    dropped = await team.crypto.send_file(room, "pst.md", RECAP, "text/markdown")
    notice = await team.crypto.reply_to(dropped, timeout=30)
    # Not an admin: ignored, but only once its file was downloaded and decrypted.
    assert "ignoré" in notice.body, notice.body
    log = team.bot.log_text()
    assert f"Fichier {dropped} non" not in log


# --- Teams: a personal chat, the file at the stand-in's download URL -------------------------


def test_teams_admin_sends_a_plan_previews_and_confirms_it_once(teams_bot):
    team = teams_bot
    activity = team.standin.file_message(team.dg, "pst.md", RECAP)
    assert team.post(activity) == 200
    (preview,) = team.answers(activity)
    assert "Aperçu de l'import" in plain(preview.text), preview.text
    assert "127 actions seraient importés (0 nouvelles, 0 modifiées" in plain(preview.text)
    token = activity["attachments"][0]["content"]["uniqueId"]
    # Fetched once, from the URL the activity named, without the bot's token.
    assert team.standin.downloads.count((token, "")) == 1
    assert pending_files(team.bot) == 1

    (applied,) = team.answers(team.say(team.dg, "!importer confirmer"))
    assert "appliqué" in plain(applied.text), applied.text
    assert pending_files(team.bot) == 0
    (again,) = team.answers(team.say(team.dg, "!importer confirmer"))
    assert "Aucun fichier en attente" in plain(again.text)


def test_teams_redelivered_file_is_previewed_once(teams_bot):
    team = teams_bot
    activity = team.standin.file_message(team.dg, "pst.md", RECAP)
    assert team.post(activity) == 200
    team.answers(activity)
    assert team.post(activity) == 200  # Teams sends it again: nothing more is said
    (cancelled,) = team.answers(team.say(team.dg, "!importer annuler"))
    assert "annulé" in plain(cancelled.text)
    conversation = activity["conversation"]["id"]
    since = team.standin.sent(conversation)[team.marks[activity["id"]] :]
    assert len([s for s in since if "Aperçu de l'import" in s.text]) == 1


def test_teams_a_file_at_an_untrusted_host_is_not_fetched(teams_bot):
    team = teams_bot
    url = f"{team.standin.foreign_url}download/secret"
    activity = team.standin.file_message(team.dg, "pst.md", RECAP, url=url)
    before = len(team.standin.foreign)
    assert team.post(activity) == 200
    (refusal,) = team.answers(activity)
    assert "n'a pas pu être téléchargé" in plain(refusal.text), refusal.text
    assert len(team.standin.foreign) == before
    assert pending_files(team.bot) == 0


def test_teams_a_pilots_file_is_ignored_with_a_notice(teams_bot):
    team = teams_bot
    activity = team.standin.file_message(team.lm, "pst.md", RECAP)
    assert team.post(activity) == 200
    (notice,) = team.answers(activity)
    assert "ignoré" in plain(notice.text) and "administrateurs" in plain(notice.text)
    assert pending_files(team.bot) == 0
