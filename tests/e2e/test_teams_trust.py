"""The ways into the Teams bot that a security review found (issue 21, items 1, 2 and 5), each
tried against the real bot (`python -m bot.cli run`) and the stand-in for Microsoft
(teams_standin.py) over real HTTP, authentication on unless the test is about turning it off.

One bot serves the module (the `teams_bot` fixture); the tests of the unauthenticated flag
start their own.
"""

from __future__ import annotations

import select
import socket
import threading
import time

import pytest
import sqlite_utils

from storage import conversations
from storage.clock import now_utc

from .botproc import BotProcess
from .conftest import TeamsTeam, teams_bot_process
from .teams_standin import (
    ADAPTIVE_CARD,
    TeamsStandIn,
    free_port,
    get,
    plain,
    post_activity,
    wait_listening,
)
from .test_teams_bot import ANY_HOUR

MIB = 1024 * 1024


def updates(team: TeamsTeam, action: int) -> list[tuple]:
    return team.bot.query(
        "select who, new_status, source_id from updates where action_number = ? order by id",
        [action],
    )


def source(activity: dict) -> str:
    return f"teams:{activity['conversation']['id']}:{activity['id']}"


def handled(bot: BotProcess, activity: dict) -> bool:
    """Whether the engine recorded the activity (under any key naming its id)."""
    rows = bot.query(
        "select 1 from handled_events where event_id like ?", [f"teams:%{activity['id']}"]
    )
    return bool(rows)


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def post_raw(port: int, headers: list[str], chunks, timeout: float = 30) -> tuple[int, int]:
    """POST /api/messages by hand: `headers`, then `chunks` (bytes) as long as the bot has not
    answered; the HTTP status and how many bytes of body went out before the answer."""
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        head = ["POST /api/messages HTTP/1.1", "Host: 127.0.0.1", *headers, "", ""]
        sock.sendall("\r\n".join(head).encode())
        for chunk in chunks:
            if select.select([sock], [], [], 0)[0]:
                break  # the answer is there: stop sending
            try:
                sock.sendall(chunk)
            except OSError:  # the bot closed the connection on us: read what it said
                break
            sent += len(chunk)
        answer = b""
        while b"\r\n" not in answer:
            data = sock.recv(4096)
            if not data:
                break
            answer += data
    return int(answer.split(b" ", 2)[1]), sent


# --- item 1: the unauthenticated flag, and where the bot's replies (and token) may go ------------


def flag_bot(workdir, standin: TeamsStandIn, port: int, *, secret: bool, host: str) -> BotProcess:
    """A bot with teams.dangerously_allow_unauthenticated = true (the Agents Playground's flag)."""
    teams = standin.teams_config(
        port,
        codir_conversation="19:codir-flag@thread.tacv2",
        dangerously_allow_unauthenticated=True,
    )
    teams["host"] = host
    env = standin.env()
    if not secret:
        del env["PST_BOT_TEAMS_SECRET"]
    lm = standin.add_user("Luc Martin", "lm@frameries.example")
    bot = BotProcess(workdir, teams=teams, env=env, access={"admins": []}, pilots={"LM": lm.aad})
    bot.lm = lm
    return bot


def test_the_unauthenticated_flag_beside_a_secret_is_refused_and_nothing_is_served(
    teams_standin, tmp_path
):
    port = free_port()
    foreign_before = len(teams_standin.foreign)
    bot = flag_bot(tmp_path / "bot", teams_standin, port, secret=True, host="127.0.0.1")
    bot.seed()
    bot.start()
    try:
        assert bot.wait(timeout=60) != 0
    finally:
        bot.terminate()
    log = bot.log_text()
    assert "dangerously_allow_unauthenticated" in log and "refusé" in log, log[-2000:]
    assert not listening(port)
    # The forged POST of the review has nowhere to go, and the bot's token went nowhere.
    activity = teams_standin.message(bot.lm, "!maj 47 fait")
    activity["serviceUrl"] = teams_standin.foreign_url
    with pytest.raises(OSError):  # connection refused
        post_activity(f"http://127.0.0.1:{port}/api/messages", activity, None)
    assert teams_standin.foreign[foreign_before:] == []


def test_the_unauthenticated_flag_on_a_host_beyond_loopback_is_refused(teams_standin, tmp_path):
    port = free_port()
    bot = flag_bot(tmp_path / "bot", teams_standin, port, secret=False, host="0.0.0.0")
    bot.seed()
    bot.start()
    try:
        assert bot.wait(timeout=60) != 0
    finally:
        bot.terminate()
    log = bot.log_text()
    assert "dangerously_allow_unauthenticated" in log and "0.0.0.0" in log, log[-2000:]
    assert not listening(port)


def test_an_unsigned_playground_post_cannot_send_the_bot_anywhere_beyond_loopback(
    teams_standin, tmp_path
):
    """The flag where it is allowed (no secret, loopback): an activity from another serviceUrl
    is refused before any effect; the Playground's own loopback address works, without a
    token (there is none to send)."""
    standin = teams_standin
    port = free_port()
    bot = flag_bot(tmp_path / "bot", standin, port, secret=False, host="127.0.0.1")
    bot.seed()
    bot.start()
    url = f"http://127.0.0.1:{port}/api/messages"
    try:
        wait_listening(port, lambda: bot.running)
        elsewhere = standin.message(bot.lm, "!maj 47 fait")
        elsewhere["serviceUrl"] = "https://evil.example/connector/"
        assert post_activity(url, elsewhere, None) == 403
        assert not handled(bot, elsewhere)
        assert bot.query("select count(*) from updates") == [(0,)]

        playground = standin.message(bot.lm, "!action 47")
        playground["serviceUrl"] = standin.foreign_url  # loopback: where a Playground listens
        before = len(standin.foreign)
        assert post_activity(url, playground, None) == 200, bot.log_text()[-3000:]
        reached = standin.wait_for(lambda: standin.foreign[before:], what="the Playground reply")
        assert all(authorization == "" for _, _, authorization in reached)
    finally:
        exit_code = bot.terminate()
    assert exit_code == 0, bot.log_text()[-3000:]
    assert "ATTENTION" in bot.log_text()


def test_a_signed_activity_naming_a_foreign_service_url_gets_nothing_not_even_a_token(
    teams_bot,
):
    team = teams_bot
    standin = team.standin
    tokens_before = len(standin.recording.tokens)
    foreign_before = len(standin.foreign)
    activity = standin.message(team.lm, "!maj 51 fait")
    activity["serviceUrl"] = standin.foreign_url
    # Even a token that names it (Microsoft would never sign one): refused before any effect.
    assert team.post(activity, standin.sign(activity)) == 403
    assert updates(team, 51) == []
    assert not handled(team.bot, activity)
    assert standin.foreign[foreign_before:] == []
    assert len(standin.recording.tokens) == tokens_before  # no token asked for it either
    # The bot goes on serving Teams' own service URL.
    (answer,) = team.answers(team.say(team.lm, "!action 51"))
    assert plain(answer.text).startswith("Action 51 — ")


def test_a_reminder_to_a_chat_stored_from_a_foreign_service_url_goes_nowhere(
    teams_standin, tmp_path
):
    """A personal chat an older bot stored from a forged activity, its serviceUrl the
    attacker's: the reminders due to that pilot are given up, nothing (no token) is sent."""
    standin = teams_standin
    lm = standin.add_user("Luc Martin", "lm@frameries.example")
    port = free_port()
    bot = teams_bot_process(
        tmp_path / "bot",
        standin,
        port,
        codir_conversation="19:codir-stored@thread.tacv2",
        access={"admins": []},
        pilots={"LM": lm.aad},
    )
    bot.config_path.write_text(bot.config_path.read_text("utf-8") + ANY_HOUR, "utf-8")
    bot.seed()
    chat = standin.personal(lm)["id"]
    db = sqlite_utils.Database(bot.database)
    conversations.remember(db, lm.aad, "teams", chat, standin.foreign_url, now_utc())
    db.close()
    foreign_before = len(standin.foreign)
    bot.start()
    try:
        wait_listening(port, lambda: bot.running)
        standin.wait_for(
            lambda: "hors de la liste autorisée" in bot.log_text(), 30, "the reminder given up"
        )
        assert standin.foreign[foreign_before:] == []
        assert standin.sent(chat) == []
    finally:
        exit_code = bot.terminate()
    assert exit_code == 0, bot.log_text()[-3000:]


# --- item 2: only the Bot Connector's tokens; keys fetched off the loop; keys per conversation ---


def test_an_entra_issued_token_without_a_service_url_claim_is_refused(teams_bot):
    team = teams_bot
    standin = team.standin
    foreign_before = len(standin.foreign)
    activity = standin.message(team.lm, "!maj 55 fait")
    activity["serviceUrl"] = standin.foreign_url  # not signed anywhere in such a token
    assert team.post(activity, standin.sign_entra(activity)) == 401
    # Its own service URL does not help it either.
    activity = standin.message(team.lm, "!maj 55 fait")
    assert team.post(activity, standin.sign_entra(activity)) == 401
    assert updates(team, 55) == []
    assert standin.foreign[foreign_before:] == []
    assert standin.sent(activity["conversation"]["id"])[team.marks[activity["id"]] :] == []


def test_a_reused_activity_id_in_another_chat_is_neither_dropped_nor_given_another_reply(
    teams_bot,
):
    team = teams_bot
    first = team.say(team.lm, "!maj 53 en cours 20%")
    (answer,) = team.answers(first)
    assert plain(answer.text).startswith("Action 53 : ")
    # Another person, another chat, the same activity id (ids are unique per conversation).
    second = team.standin.message(team.sv, "!maj 24 en cours 10%")
    second["id"] = first["id"]
    chat = second["conversation"]["id"]
    before = len(team.standin.sent(chat))  # (team.answers marks by activity id: not here)
    assert post_activity(team.url, second, team.standin.sign(second)) == 200
    (answer,) = team.standin.wait_for(lambda: team.standin.sent(chat)[before:], what="answer")
    assert plain(answer.text) == "Action 24 : à démarrer → en cours, 10 %."
    assert updates(team, 24) == [(team.sv.upn, "en cours", source(second))]
    assert updates(team, 53) == [(team.lm.aad, "en cours", source(first))]


def test_forged_tokens_with_unknown_key_ids_neither_stall_the_bot_nor_fetch_keys_each_time(
    teams_standin, tmp_path
):
    """A bot that has not fetched Microsoft's keys yet, and a key endpoint that takes 5 s: five
    forged tokens naming made-up key ids arrive first. The keys are fetched once, off the
    event loop: /files answers meanwhile, the forgeries get 401, the first real message is
    answered once the keys are there, and more made-up key ids within the minute fetch
    nothing."""
    standin = teams_standin
    lm = standin.add_user("Luc Martin", "lm@frameries.example")
    reader = standin.add_user("Rita Lecteur", "rita@frameries.example")
    port = free_port()
    bot = teams_bot_process(
        tmp_path / "bot",
        standin,
        port,
        codir_conversation="19:codir-keys@thread.tacv2",
        access={"admins": []},
        pilots={"LM": lm.aad},
    )
    bot.seed()
    url = f"http://127.0.0.1:{port}/api/messages"
    statuses: list[int] = []

    def forge(n: int) -> None:
        activity = standin.message(reader, "!maj 72 fait")
        authorization = standin.sign(activity, key=standin.foreign_key, kid=f"made-up-{n}")
        statuses.append(post_activity(url, activity, authorization))

    bot.start()
    try:
        wait_listening(port, lambda: bot.running)
        fetches = standin.recording.key_fetches
        standin.keys_delay = 5.0  # Microsoft's key endpoint is slow today
        forgers = [threading.Thread(target=forge, args=(n,)) for n in range(5)]
        for thread in forgers:
            thread.start()
        time.sleep(0.5)  # the forgeries are in: the keys are being fetched
        started = time.monotonic()
        status, _, _ = get(f"http://127.0.0.1:{port}/files/nothing-here")
        files_took = time.monotonic() - started
        assert status in (400, 404, 410)
        assert files_took < 1.5, files_took

        message = standin.message(lm, "!action 72")
        chat = message["conversation"]["id"]
        before = len(standin.sent(chat))
        assert post_activity(url, message, standin.sign(message)) == 200
        (answer,) = standin.wait_for(lambda: standin.sent(chat)[before:], what="the answer")
        assert plain(answer.text).startswith("Action 72 — ")
        for thread in forgers:
            thread.join(timeout=30)
        assert statuses == [401] * 5
        assert standin.recording.key_fetches - fetches == 1

        # More made-up key ids within the minute: refused at once, nothing fetched.
        started = time.monotonic()
        forge(5)
        assert statuses[-1] == 401 and time.monotonic() - started < 1.5
        assert standin.recording.key_fetches - fetches == 1
        assert bot.query("select count(*) from updates") == [(0,)]
    finally:
        standin.keys_delay = 0.0
        exit_code = bot.terminate()
    assert exit_code == 0, bot.log_text()[-3000:]


# --- item 5: the body's size, the API pages, the cards' text ------------------------------------


def test_a_huge_declared_body_is_refused_with_413_before_it_is_read_or_authenticated(teams_bot):
    team = teams_bot
    rss_before = rss_mb(team.bot.pid)
    headers = ["Content-Type: application/json", f"Content-Length: {300 * MIB}"]
    status, sent = post_raw(team.port, headers, (b"x" * 65536 for _ in range(300 * 16)))
    assert status == 413  # unsigned, yet not 401: the size is checked first
    assert sent < 300 * MIB
    assert rss_mb(team.bot.pid) - rss_before < 50


def test_a_huge_chunked_body_is_cut_off_with_413_once_it_passes_the_limit(teams_bot):
    team = teams_bot
    rss_before = rss_mb(team.bot.pid)
    piece = b"x" * 65536
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    headers = ["Content-Type: application/json", "Transfer-Encoding: chunked"]
    status, sent = post_raw(team.port, headers, (chunk for _ in range(300 * 16)))
    assert status == 413
    assert sent < 100 * MIB, sent  # the bot answered long before the 300 MB were sent
    assert rss_mb(team.bot.pid) - rss_before < 50
    # A body within the limit is read and goes on to authentication.
    activity = team.standin.message(team.lm, "!action 29")
    activity["padding"] = "x" * (MIB // 2)
    assert team.post(activity, None) == 401


def test_the_api_documentation_pages_are_not_served(teams_bot):
    team = teams_bot
    for path in ("/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect"):
        status, body, _ = get(f"{team.public_url}{path}")
        assert status == 404, (path, body[:200])


def test_a_link_in_a_pilots_words_is_plain_text_on_the_proposal_card(teams_bot):
    team = teams_bot
    (question,) = team.answers(
        team.say(team.lm, "!mja 52 fait [Cliquez ici](https://evil.example)")
    )
    (card,) = [a["content"] for a in question.attachments if a["contentType"] == ADAPTIVE_CARD]
    texts = [b for b in card["body"] if b["type"] != "ActionSet"]
    assert texts and all(b["type"] == "RichTextBlock" for b in texts), texts
    runs = [run for block in texts for run in block["inlines"]]
    assert all(run["type"] == "TextRun" for run in runs)  # never read as markdown
    assert any("[Cliquez ici](https://evil.example)" in run["text"] for run in runs)
