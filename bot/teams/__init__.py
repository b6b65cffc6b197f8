"""The Microsoft Teams transport (Teams SDK v2): `bot.teams.bot.TeamsBot` runs it, started by
bot/run.py when Teams is configured.

One concern per module: `bot` serving and stopping, `app` the SDK's App, `trust` what may reach
it (body size, service URLs, the gate), `signatures` the Bot Connector's tokens, `turns` the
activity handlers, `members` who is who and who joins or leaves a team, `auth` the tenant
filter and identities, `files` files on their way, `cards` the adaptive cards, `reach` the
scheduler's sends, `manifest` the app package, `texts` what users read. Only `app`, `turns` and
`cards` import the SDK (`bot` loads them without its import-time side effects), so this package
imports nothing: `bot.teams.texts` is cheap to import. What it shares with the other
transports is in bot/delivery.py.
"""
