"""`pst-bot run`: every transport the configuration enables, on one event loop, one database,
one engine and one worker thread (together, the `Runtime` every part shares: bot/runtime.py).

    asyncio.run(run_transports(settings))     # [matrix], [teams], or both
    run_bot("config.toml")                    # `pst-bot run`: refusals, lock, then the above

A change made in one transport is posted in every transport's CODIR room: the engine queues the
post for the others in the command's own transaction (storage/outbox.py), and each transport
sends what it owes. With `[web]`, the live pages of `!tableau-de-bord` are served too
(bot/web.py); a port it cannot have stops the others, as a transport's would. The upkeep
(nightly backup, pruning) and the scheduler (the CODIR digest, the pilots' reminders:
bot/scheduler.py) run here, once for the process.
SIGTERM or SIGINT asks every transport to stop after what it has in hand (exit 0); a second
signal stops at once. A transport that cannot go on (a wrong password, a port already taken)
stops the others: exit 1.
"""

import asyncio
import logging
import re
import signal
from contextlib import suppress

from nio.crypto import ENCRYPTION_ENABLED

from bot import console_texts as texts
from bot.config import ConfigError, Settings, load_config
from bot.lock import bot_lock
from bot.matrix.bot import MatrixBot, quiet_libraries
from bot.matrix.direct import MatrixCourier
from bot.matrix.login import LoginFailed, make_client
from bot.matrix.store import MISSING_KEY
from bot.runtime import Runtime
from bot.scheduler import Scheduler, rhythm_of
from bot.teams.trust import unauthenticated_refusal
from bot.upkeep import daily_upkeep
from bot.web import WebServer
from commands.catalogue import build_registry
from commands.engine import Engine
from commands.publishing import announce_dashboard
from storage.clock import now_utc
from storage.db import open_db

log = logging.getLogger(__name__)

#: How often the upkeep (nightly backup when due, pruning) is looked at.
UPKEEP_EVERY_S = 600
#: How long a scheduled send in hand may take to finish once the bot is asked to stop.
SCHEDULER_STOP_S = 10


#: The placeholder the example configuration writes where a secret goes.
PLACEHOLDER_SECRET = "change-me"
#: An Entra id of zeros only: the example's, never a real app or tenant.
_ZERO_ID = re.compile(r"^[0-]*0[0-]*$")


def refusals(settings: Settings) -> list[str]:
    """What stops `pst-bot run` before it opens anything: one French sentence per problem,
    naming the key. `pst-bot check` shows the same sentences (the one list both read), so
    that a configuration check accepts is one run starts with.

    >>> from bot.config import parse_config
    >>> refusals(parse_config({}))
    ['ni [matrix] ni [teams] dans la configuration : aucun canal à servir']
    """
    found = []
    if settings.matrix is None and settings.teams is None:
        found.append(texts.NO_TRANSPORT)
    matrix, teams = settings.matrix, settings.teams
    secrets = {}
    if matrix is not None:
        if ENCRYPTION_ENABLED and not matrix.pickle_key:
            found.append(MISSING_KEY)
        secrets |= {
            "matrix.password": matrix.password,
            "matrix.access_token": matrix.access_token,
            "matrix.pickle_key": matrix.pickle_key,
        }
    if teams is not None:
        secrets["teams.app_secret"] = teams.app_secret
        for key in ("app_id", "tenant_id"):
            if _ZERO_ID.match(getattr(teams, key)):
                found.append(texts.EXAMPLE_ID.format(key=f"teams.{key}"))
        refusal = unauthenticated_refusal(teams)  # the Teams transport refuses it too
        if refusal is not None:
            found.append(refusal)
    for key, value in secrets.items():
        if value is not None and value.strip().lower() == PLACEHOLDER_SECRET:
            found.append(texts.PLACEHOLDER_SECRET.format(key=key))
    return found


def run_bot(config_path: str) -> int:
    """`pst-bot run`: what check refuses in the settings stops it before anything is opened
    (ConfigError), then the lock (AlreadyRunning) and the bot. Who may read the file is the
    installation's business, judged by `pst-bot check` (bot/checks.py)."""
    settings = load_config(config_path)
    problems = refusals(settings)
    if problems:
        raise ConfigError(f"{config_path} : " + " ; ".join(problems))
    # Before the database is opened or any server contacted: one bot per database.
    with bot_lock(settings.storage.database):
        return asyncio.run(run_transports(settings))


def transports_of(settings: Settings) -> tuple[str, ...]:
    """The transports the configuration enables, in a fixed order."""
    return tuple(name for name in ("matrix", "teams") if getattr(settings, name) is not None)


def build_engine(settings: Settings, db) -> Engine:
    """The one engine of the process (the directory comes from the config; the engine adds
    the links and roles stored in chat)."""
    return Engine(
        db,
        settings.directory(),
        build_registry(),
        organisation=settings.organisation,
        room_plans=settings.rooms.plans,
        transports=transports_of(settings),
        rhythm=rhythm_of(settings),
    )


async def run_transports(settings: Settings) -> int:
    """Run until SIGTERM/SIGINT; the exit code for `pst-bot run`."""
    quiet_libraries()
    client = make_client(settings.matrix) if settings.matrix else None  # pickle_key checked
    db = open_db(settings.storage.database)
    web = settings.web  # the live pages: where `!tableau-de-bord` links point, or nowhere
    announce_dashboard(db, web.public_url if web else None, web.link_days if web else 7)
    runtime = Runtime(settings, db, build_engine(settings, db))
    stopping = runtime.stopping
    bots, couriers = [], []
    if client is not None:
        bots.append(MatrixBot(runtime, client))
        couriers.append(MatrixCourier(bots[-1]))
    if settings.teams is not None:
        from bot.teams.bot import TeamsBot  # the Teams SDK is loaded only when Teams is configured
        from bot.teams.reach import TeamsCourier

        bots.append(TeamsBot(runtime))
        couriers.append(TeamsCourier(bots[-1]))
    if web is not None:
        bots.append(WebServer(runtime))  # no courier: it only answers
    scheduler = Scheduler(runtime, couriers)
    tasks = [asyncio.create_task(_until_failure(bot.run(), stopping)) for bot in bots]
    loop = asyncio.get_running_loop()

    def request_stop(signum: int) -> None:
        if stopping.is_set():
            log.warning("Second signal : arrêt immédiat (le travail en cours sera repris)")
            for task in tasks:
                task.cancel()
            return
        log.info(
            "Signal %s reçu : fin du travail en cours, puis arrêt", signal.Signals(signum).name
        )
        stopping.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, request_stop, signum)
    upkeep = asyncio.create_task(_upkeep(runtime))
    scheduling = asyncio.create_task(scheduler.run())
    try:
        results = await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        stopping.set()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
        await upkeep  # an upkeep in hand finishes
        with suppress(TimeoutError):  # a send in hand finishes; the rest at the next start
            await asyncio.wait_for(scheduling, SCHEDULER_STOP_S)
        if client is not None:
            await client.close()
        db.close()
    return max((_exit_code(result) for result in results), default=0)


async def _until_failure(run, stopping: asyncio.Event) -> int:
    """A transport's run; when it ends on its own with a failure, the others stop too."""
    try:
        code = await run
    except BaseException:
        stopping.set()
        raise
    if code:
        stopping.set()
    return code


def _exit_code(result) -> int:
    if isinstance(result, LoginFailed):
        log.error("%s", result)
        return 1
    if isinstance(result, asyncio.CancelledError):
        return 1
    if isinstance(result, BaseException):
        log.error("Arrêt sur erreur", exc_info=result)
        return 1
    return result


async def _upkeep(runtime: Runtime) -> None:
    """The nightly backup when it is due and the pruning, looked at every UPKEEP_EVERY_S."""
    stopping = runtime.stopping
    while not stopping.is_set():
        try:
            lines = await runtime.worker.run(
                daily_upkeep, runtime.db, runtime.settings.storage, now_utc()
            )
        except Exception:  # it never raises; if it did, the bot would still serve
            log.exception("Entretien (sauvegarde, nettoyage) en échec")
            lines = []
        for line in lines:
            log.info("%s", line)
        with suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), UPKEEP_EVERY_S)
