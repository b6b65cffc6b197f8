"""The Matrix transport (matrix-nio): `bot.matrix.bot.MatrixBot` runs it, started by bot/run.py.

One concern per module: `bot` the sync loop and its token, `login` the session, `store` the
encryption store's key, `sync` one sync, `rooms` which rooms are served, `events` which events
are answered, `send` sending, `direct` the scheduler's sends, `taps` a reaction on a reminder
(and its removal), `texts` what users read. What it
shares with the other transports (the database worker, answering one message, the outbox) is in
bot/delivery.py.
"""
