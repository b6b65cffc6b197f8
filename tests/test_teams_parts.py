"""The Teams transport's plain parts, without the SDK nor a network: how replies read in Teams,
who the sender is, who leaves a team, the signed download links, which tenant is served, the
bot's token cache.
(The whole transport against a stand-in for Microsoft is tested in tests/e2e/.)"""

import logging
from types import SimpleNamespace
from urllib.parse import parse_qs

import httpx
import pytest

from bot.teams import texts
from bot.teams.auth import (
    Identities,
    TenantFilter,
    TokenError,
    TokenSource,
    describe,
    room_of,
)
from bot.teams.files import FileShelf, content_disposition, download, upload
from commands.types import Attachment, Directory

TENANT = "0f3c1111-2222-3333-4444-555566667777"


# ---------------------------------------------------------------- replies as markdown


def test_each_line_stays_a_line_in_teams():
    assert texts.to_markdown("Action 29\nStatut : fait") == "Action 29  \nStatut : fait"


def test_a_blank_line_stays_a_paragraph_break():
    assert texts.to_markdown("Titre\n\n\nSuite\n") == "Titre\n\nSuite"


def test_bullets_and_accents_are_left_as_written():
    text = "⚠ 2 actions en retard :\n• 1 Acquisition d'un bâtiment (échéance 2020, LM)"
    assert texts.to_markdown(text) == text.replace("\n", "  \n")


def test_a_comment_with_markdown_characters_shows_as_typed():
    assert texts.to_markdown("Note : *urgent* voir _budget_") == (
        "Note : \\*urgent\\* voir \\_budget\\_"
    )
    assert texts.to_markdown("`code` [lien] <b>gras</b>") == (
        "\\`code\\` \\[lien\\] &lt;b>gras&lt;/b>"
    )


def test_a_line_never_becomes_a_heading_a_quote_or_a_list():
    assert texts.to_markdown("# 3\n> cité\n- tiret\n2. point") == (
        "\\# 3  \n\\> cité  \n\\- tiret  \n\\2. point"
    )


def test_an_empty_reply_is_empty():
    assert texts.to_markdown("") == ""


def test_a_message_reads_as_typed_without_teams_escapes():
    assert texts.incoming_text("\xa0!note 23 R&amp;D &lt;urgent&gt; ") == "!note 23 R&D <urgent>"
    assert texts.incoming_text(None) == ""


def test_a_failed_request_is_one_log_line():
    request = httpx.Request("POST", "https://connector.test/v3/conversations/a:1/activities")
    error = httpx.HTTPStatusError("404\nmore", request=request, response=httpx.Response(404))
    assert describe(error) == (
        "HTTP 404 (POST https://connector.test/v3/conversations/a:1/activities)"
    )
    assert describe(httpx.ConnectError("refused\ndetails")) == "ConnectError: refused"


def test_sizes_read_in_french():
    assert texts.size(42_478) == "41 Ko"
    assert texts.size(2_500_000) == "2,4 Mo"


# ---------------------------------------------------------------- where from


def test_a_channel_is_one_room_whatever_the_thread():
    assert room_of("19:abc@thread.tacv2;messageid=1712345") == "19:abc@thread.tacv2"
    assert room_of("19:abc@thread.tacv2") == "19:abc@thread.tacv2"
    assert room_of("a:1personal-chat") == "a:1personal-chat"


def activity(conversation_tenant=TENANT, channel_tenant=TENANT):
    tenant = SimpleNamespace(id=channel_tenant) if channel_tenant else None
    return SimpleNamespace(
        conversation=SimpleNamespace(tenant_id=conversation_tenant),
        channel_data=SimpleNamespace(tenant=tenant),
    )


def test_our_tenant_is_served():
    assert TenantFilter(TENANT).allows(activity())
    assert TenantFilter(TENANT.upper()).allows(activity(channel_tenant=None))
    assert TenantFilter(TENANT).allows(activity(conversation_tenant=None))


def test_another_tenant_is_ignored_and_logged_once(caplog):
    tenants = TenantFilter(TENANT)
    with caplog.at_level(logging.INFO, logger="bot.teams.auth"):
        assert not tenants.allows(activity("other", "other"))
        assert not tenants.allows(activity("other", "other"))
    assert len([r for r in caplog.records if "other" in r.getMessage()]) == 1


def test_an_activity_naming_no_tenant_or_two_tenants_is_ignored():
    tenants = TenantFilter(TENANT)
    assert not tenants.allows(activity(None, None))
    assert not tenants.allows(activity(TENANT, "other"))
    assert not tenants.allows(activity("other", TENANT))


# ---------------------------------------------------------------- who


class FakeMembers:
    """The Bot Connector's member lookup: the UPN it returns, and how often it was asked."""

    def __init__(self, upn: str | None = "Luc@CPAS.be", error: Exception | None = None):
        self.upn, self.error, self.calls = upn, error, 0

    async def __call__(self) -> str | None:
        self.calls += 1
        if self.error is not None:
            raise self.error
        return self.upn


async def test_a_person_configured_by_object_id_is_known_without_a_lookup():
    members = FakeMembers()
    directory = Directory(admins={"aad:0f3c"}, links={"LM": {"luc@cpas.be"}})
    assert await Identities().sender("0f3c", directory, members) == "aad:0f3c"
    assert members.calls == 0


async def test_no_lookup_when_the_directory_names_nobody_by_upn():
    members = FakeMembers()
    directory = Directory(admins={"@dg:example.org"}, links={"LM": {"aad:1234"}})
    assert await Identities().sender("0f3c", directory, members) == "aad:0f3c"
    assert members.calls == 0


async def test_a_person_configured_by_upn_is_found_once_whatever_the_case():
    members, people = FakeMembers("Luc@CPAS.be"), Identities()
    directory = Directory(links={"LM": {"luc@cpas.be"}})
    assert await people.sender("0f3c", directory, members) == "luc@cpas.be"
    assert await people.sender("0f3c", directory, members) == "luc@cpas.be"
    assert members.calls == 1


async def test_the_directory_spelling_of_a_upn_is_kept():
    directory = Directory(codir={"Luc@Cpas.be"})
    assert await Identities().sender("0f3c", directory, FakeMembers("luc@cpas.be")) == (
        "Luc@Cpas.be"
    )


async def test_a_upn_given_a_role_in_chat_counts():
    directory = Directory(roles={"luc@cpas.be": "codir"})
    assert await Identities().sender("0f3c", directory, FakeMembers()) == "luc@cpas.be"


async def test_a_person_the_directory_does_not_know_stays_their_object_id():
    members, people = FakeMembers("anne@cpas.be"), Identities()
    directory = Directory(links={"LM": {"luc@cpas.be"}})
    assert await people.sender("0f3c", directory, members) == "aad:0f3c"
    assert await people.sender("0f3c", directory, members) == "aad:0f3c"
    assert members.calls == 1
    assert await people.sender("0f3c", directory, FakeMembers(None)) == "aad:0f3c"


async def test_a_failed_lookup_is_tried_again_at_the_next_message():
    people = Identities()
    directory = Directory(links={"LM": {"luc@cpas.be"}})
    down = FakeMembers(error=httpx.ConnectError("connector down"))
    assert await people.sender("0f3c", directory, down) == "aad:0f3c"
    assert await people.sender("0f3c", directory, FakeMembers()) == "luc@cpas.be"


# ---------------------------------------------------------------- signed download links


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def export(name: str = "pst-tableau.csv") -> Attachment:
    return Attachment(name, b"OS;Action\n1;Acquisition\n", "text/csv")


def test_a_signed_link_serves_its_file_until_it_expires():
    clock = Clock()
    shelf = FileShelf(60, clock=clock)
    token = shelf.link_token(shelf.put(export()))
    assert shelf.read_link(token) == (200, export())
    clock.now += 59 * 60
    assert shelf.read_link(token)[0] == 200
    clock.now += 60
    assert shelf.read_link(token) == (410, None)


def test_a_forged_link_is_unknown():
    shelf = FileShelf(60, clock=Clock())
    file_id, expires, signature = shelf.link_token(shelf.put(export())).split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    assert shelf.read_link(f"{file_id}.{expires}.{flipped}") == (404, None)
    later = int(expires) + 3600  # a longer life, same signature
    assert shelf.read_link(f"{file_id}.{later}.{signature}") == (404, None)
    assert shelf.read_link("nothing") == (404, None)
    assert shelf.read_link("a.b.c") == (404, None)


def test_a_link_opens_only_its_own_file():
    shelf = FileShelf(60, clock=Clock())
    mine = shelf.put(export("mine.csv"))
    theirs = shelf.put(export("theirs.csv"))
    _, expires, signature = shelf.link_token(mine).split(".")
    assert shelf.read_link(f"{theirs}.{expires}.{signature}") == (404, None)


def test_a_link_signed_by_another_bot_start_is_unknown():
    clock = Clock()
    before, after = FileShelf(60, clock=clock), FileShelf(60, clock=clock)
    token = before.link_token(before.put(export()))
    assert after.read_link(token) == (404, None)


def test_the_download_route_serves_the_file_as_an_attachment():
    shelf = FileShelf(60, clock=Clock())
    response = download(shelf, shelf.link_token(shelf.put(export("pst-état.csv"))))
    assert response.status_code == 200
    assert response.body == export().data
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == (
        "attachment; filename=\"pst-etat.csv\"; filename*=UTF-8''pst-%C3%A9tat.csv"
    )


def test_the_download_route_says_in_french_why_there_is_no_file():
    clock = Clock()
    shelf = FileShelf(60, clock=clock)
    token = shelf.link_token(shelf.put(export()))
    unknown = download(shelf, "forged.123.abc")
    assert (unknown.status_code, unknown.body.decode()) == (404, texts.DOWNLOAD_UNKNOWN)
    clock.now += 3601
    expired = download(shelf, token)
    assert (expired.status_code, expired.body.decode()) == (410, texts.DOWNLOAD_EXPIRED)


def test_a_consent_card_file_is_gone_once_expired_or_removed():
    clock = Clock()
    shelf = FileShelf(1, clock=clock)
    first, second = shelf.put(export()), shelf.put(export())
    shelf.remove(first)
    assert shelf.get(first) is None
    assert shelf.get(second) == export()
    clock.now += 61
    assert shelf.get(second) is None


def test_a_filename_without_ascii_still_downloads():
    assert content_disposition("é.csv").startswith('attachment; filename="e.csv"')
    assert 'filename="export"' in content_disposition("漢字")
    assert "\n" not in content_disposition("a\r\nSet-Cookie: x.csv")


async def test_an_upload_puts_the_whole_file_with_its_range():
    seen = []

    def onedrive(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.headers["Content-Range"], request.content))
        return httpx.Response(201, json={"id": "file-1"})

    async with httpx.AsyncClient(transport=httpx.MockTransport(onedrive)) as http:
        await upload(http, "https://onedrive.test/upload/1", b"0123456789")
    assert seen == [("PUT", "bytes 0-9/10", b"0123456789")]


# ---------------------------------------------------------------- the bot's own token


class Login:
    """The login endpoint: a token valid `lifetime` seconds, and every request it got."""

    def __init__(self, status: int = 200, lifetime: int = 3600) -> None:
        self.status, self.lifetime, self.requests = status, lifetime, []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append((str(request.url), parse_qs(request.content.decode())))
        if self.status != 200:
            return httpx.Response(self.status, json={"error": "invalid_client"})
        token = f"eyJ.token-{len(self.requests)}"
        return httpx.Response(200, json={"access_token": token, "expires_in": self.lifetime})


def token_source(login: Login, clock: Clock) -> TokenSource:
    http = httpx.AsyncClient(transport=httpx.MockTransport(login))
    return TokenSource(
        "https://login.test/", "app-id", TENANT, "s3cret-value", http=http, clock=clock
    )


SCOPE = "https://api.botframework.com/.default"


async def test_the_token_is_asked_by_client_credentials_for_our_tenant():
    login = Login()
    assert await token_source(login, Clock())(SCOPE, TENANT) == "eyJ.token-1"
    url, form = login.requests[0]
    assert url == f"https://login.test/{TENANT}/oauth2/v2.0/token"
    assert form == {
        "grant_type": ["client_credentials"],
        "client_id": ["app-id"],
        "client_secret": ["s3cret-value"],
        "scope": [SCOPE],
    }


async def test_the_token_is_kept_until_five_minutes_before_it_expires():
    login, clock = Login(lifetime=3600), Clock()
    token = token_source(login, clock)
    assert await token(SCOPE, TENANT) == "eyJ.token-1"
    clock.now += 3600 - 301
    assert await token([SCOPE], TENANT) == "eyJ.token-1"
    clock.now += 2
    assert await token(SCOPE, TENANT) == "eyJ.token-2"
    assert len(login.requests) == 2


async def test_each_scope_and_tenant_has_its_own_token():
    login = Login()
    token = token_source(login, Clock())
    await token(SCOPE, TENANT)
    await token("https://graph.microsoft.com/.default", TENANT)
    await token(SCOPE, None)  # the bot's own tenant
    assert len(login.requests) == 2


async def test_a_refused_token_says_why_without_the_secret():
    token = token_source(Login(status=401), Clock())
    with pytest.raises(TokenError) as refused:
        await token(SCOPE, TENANT)
    assert "401" in str(refused.value) and "invalid_client" in str(refused.value)
    assert "s3cret" not in str(refused.value)


# ---------------------------------------------------------------- reminder cards

REMINDER = (
    "Bonjour LM, 3 actions du PST attendent un mot de votre part :\n"
    "• 47 Rénovation — échéance dans 7 jours (31/12/2026) → !maj 47 fait\n"
    "• 1.2.3 Plan vélo — échéance dépassée (01/10/2026) → !maj 1.2.3 fait\n"
    "• 52 Marché — sans nouvelles depuis 6 semaines → !maj 52 fait\n"
    "Répondez ici : « !maj 47 fait », « !maj 47 en cours 40 % » ou « !note 47 … »"
)


def reminder_json(text: str, actions) -> dict:
    from bot.teams.cards import reminder_card

    message = reminder_card(text, actions).model_dump(by_alias=True, exclude_none=True)
    (attachment,) = message["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    return message | {"card": attachment["content"]}


def buttons(card: dict) -> list[list[dict]]:
    """The card's rows of buttons."""
    return [
        [
            button
            for column in block["columns"]
            for item in column["items"]
            if item["type"] == "ActionSet"
            for button in item["actions"]
        ]
        for block in card["body"]
        if block["type"] == "ColumnSet"
    ]


def test_a_reminder_card_has_a_row_of_three_answers_per_action():
    card = reminder_json(REMINDER, ("47", "1.2.3", "52"))["card"]
    rows = buttons(card)
    assert len(rows) == 3
    assert [(b["title"], b["data"]) for b in rows[1]] == [
        ("fait", {"pst": "!maj 1.2.3 fait"}),
        ("en cours", {"pst": "!maj 1.2.3 en cours"}),
        ("pas encore", {"pst": "!note 1.2.3 pas encore fait"}),
    ]
    assert [row[0]["data"]["pst"] for row in rows] == [
        "!maj 47 fait",
        "!maj 1.2.3 fait",
        "!maj 52 fait",
    ]
    # Action.Execute: Teams sends an invoke to the bot (it needs card version 1.4).
    assert {b["type"] for row in rows for b in row} == {"Action.Execute"}
    assert card["version"] == "1.4"


def test_a_reminder_card_shows_its_text_line_by_line_with_the_markdown_as_fallback():
    message = reminder_json(REMINDER, ("47", "1.2.3", "52"))
    card = message["card"]
    lines = [b["inlines"] for b in card["body"] if b["type"] == "RichTextBlock"]
    assert [run["text"] for (run,) in lines] == REMINDER.splitlines()
    assert lines[0][0]["weight"] == "Bolder"  # the greeting
    assert card["fallbackText"] == REMINDER
    assert message["summary"] == REMINDER.splitlines()[0]


def test_a_long_reminder_card_stops_at_twelve_rows():
    from bot.teams.cards import MOST_ROWS

    codes = tuple(str(n) for n in range(1, 21))
    rows = buttons(reminder_json(REMINDER, codes)["card"])
    assert MOST_ROWS == 12 and len(rows) == 12
    assert rows[-1][0]["data"] == {"pst": "!maj 12 fait"}


@pytest.mark.parametrize(
    "command",
    ["!maj 47 fait", "!maj 47 en cours", "!maj 1.2.3 à démarrer", "!note 47 pas encore fait"],
)
def test_the_answers_a_card_offers_are_accepted(command):
    from bot.teams.cards import command_of

    assert command_of({"pst": command}) == command


@pytest.mark.parametrize(
    "data",
    [
        None,
        "!maj 47 fait",
        {},
        {"pst": 47},
        {"other": "!maj 47 fait"},
        {"pst": "!plan supprimer"},
        {"pst": "!maj 47 abandonné"},
        {"pst": "!maj 47 fait 100% ok"},
        {"pst": "!maj 47"},
        {"pst": "!maj ../x fait"},
        {"pst": "!note 47"},
        {"pst": "!note 47 " + "x" * 201},
        {"pst": "!maj 47 fait\n!import plan.csv"},
        {"pst": "!note 47 ok\r!role dg admin"},
        {"pst": "47 fait"},
    ],
)
def test_anything_else_in_a_card_button_is_refused_in_french(data):
    from bot.teams.cards import CardDataRefused, command_of

    with pytest.raises(CardDataRefused) as refused:
        command_of(data)
    assert str(refused.value) == texts.CARD_REFUSED
    assert "rien n'a été modifié" in str(refused.value)


# ---------------------------------------------------------------- who joins or leaves a team


def team_update(removed=(), added=(), *, tenant=TENANT, team=True, bot="28:bot") -> SimpleNamespace:
    """A conversationUpdate as the SDK reads it: members as (Teams id, object id or None)."""

    def accounts(members):
        return [SimpleNamespace(id=i, aad_object_id=aad) for i, aad in members]

    return SimpleNamespace(
        id="1712345",
        conversation=SimpleNamespace(
            id="19:general@thread.tacv2", conversation_type="channel", tenant_id=tenant
        ),
        channel_data=SimpleNamespace(
            tenant=SimpleNamespace(id=tenant),
            team=SimpleNamespace(id="19:general@thread.tacv2") if team else None,
        ),
        recipient=SimpleNamespace(id=bot),
        from_=SimpleNamespace(id="29:owner", aad_object_id="00owner"),
        service_url="https://smba.trafficmanager.net/emea/",
        members_removed=accounts(removed),
        members_added=accounts(added),
    )


class Roster:
    """The team's roster at the Bot Connector: a removed member is not found any more."""

    def __init__(self, upns: dict[str, str]) -> None:
        self.upns, self.asked = upns, []

    async def get_member_by_id(self, conversation: str, member: str):
        self.asked.append((conversation, member))
        if member not in self.upns:
            request = httpx.Request("GET", f"https://connector/{conversation}/members/{member}")
            raise httpx.HTTPStatusError("404", request=request, response=httpx.Response(404))
        return SimpleNamespace(user_principal_name=self.upns[member])


def team_members(db, directory: Directory):
    from bot.delivery import DatabaseWorker
    from bot.teams.members import Members

    engine = SimpleNamespace(db=db, directory=directory, base_directory=directory)
    runtime = SimpleNamespace(db=db, engine=engine, worker=DatabaseWorker())
    return Members(runtime, TenantFilter(TENANT))


def departures_told(db) -> list[tuple[str, str]]:
    return [
        (r["recipient"], r["text"])
        for r in db.query("select * from sends where kind = 'departure'")
    ]


TEAM_DIRECTORY = Directory(
    admins={"aad:00dg"}, links={"LM": {"aad:00luc"}, "SV": {"sylvie@cpas.be"}}
)


async def test_a_pilot_removed_from_the_team_is_told_to_the_dg_once(db):
    from commands import departure_texts
    from storage import absences

    members = team_members(db, TEAM_DIRECTORY)
    ctx = SimpleNamespace(activity=team_update(removed=[("29:luc", "00luc")]), api=None)
    await members.on_conversation_update(ctx)
    await members.on_conversation_update(ctx)  # Teams delivers it again

    [(recipient, text)] = departures_told(db)
    assert recipient == "aad:00dg"
    assert text.splitlines()[0].startswith(f"👋 LM {departure_texts.WHY['removed']}")
    assert "!pilote LM " in text
    assert absences.departed(db, "aad:00luc")


async def test_a_pilot_known_by_upn_is_recognised_once_the_bot_has_met_them(db):
    members = team_members(db, TEAM_DIRECTORY)
    roster = Roster({"29:sylvie": "Sylvie@CPAS.be"})
    # Sylvie wrote to the bot: her UPN was asked then, while she was in the team.
    wrote = SimpleNamespace(activity=team_update(), api=None)
    wrote.activity.from_ = SimpleNamespace(id="29:sylvie", aad_object_id="00sylvie")
    wrote.api = SimpleNamespace(conversations=roster)
    assert await members.sender(wrote) == "sylvie@cpas.be"

    del roster.upns["29:sylvie"]  # removed: the roster no longer knows her
    removed = team_update(removed=[("29:sylvie", "00sylvie")])
    await members.on_conversation_update(SimpleNamespace(activity=removed, api=wrote.api))
    [(_, text)] = departures_told(db)
    assert text.startswith("👋 SV ")
    assert len(roster.asked) == 1


async def test_a_pilot_by_upn_the_bot_never_met_cannot_be_told(db):
    members = team_members(db, TEAM_DIRECTORY)
    api = SimpleNamespace(conversations=Roster({}))
    removed = team_update(removed=[("29:sylvie", "00sylvie")])
    await members.on_conversation_update(SimpleNamespace(activity=removed, api=api))
    assert departures_told(db) == []


@pytest.mark.parametrize(
    "update",
    [
        team_update(removed=[("28:bot", None)]),  # the bot removed from the team
        team_update(removed=[("29:luc", "00luc")], tenant="99999999-another-tenant"),
        team_update(removed=[("29:luc", "00luc")], team=False),  # a group chat, not a team
    ],
    ids=["the bot itself", "another tenant", "a group chat"],
)
async def test_no_pilot_leaves_when_the_bot_another_tenant_or_a_group_chat_is_meant(db, update):
    from storage import absences

    members = team_members(db, TEAM_DIRECTORY)
    await members.on_conversation_update(SimpleNamespace(activity=update, api=None))
    assert departures_told(db) == []
    assert not absences.departed(db, "aad:00luc")


async def test_a_pilot_added_to_a_team_again_is_back(db):
    from storage import absences

    members = team_members(db, TEAM_DIRECTORY)
    removed = team_update(removed=[("29:luc", "00luc")])
    await members.on_conversation_update(SimpleNamespace(activity=removed, api=None))
    assert absences.departed(db, "aad:00luc")
    added = team_update(added=[("29:luc", "00luc")])
    await members.on_conversation_update(SimpleNamespace(activity=added, api=None))
    assert not absences.departed(db, "aad:00luc")
