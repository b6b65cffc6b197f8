"""The encryption store: its secret key (`matrix.pickle_key`, or PST_BOT_PICKLE_KEY), its class.

    key = store_key(config)    # before the client logs in; ConfigError when it cannot be used

nio keeps the bot's encryption keys (its device identity, its Olm and Megolm sessions) in a
SQLite file under `store_path`, each encrypted ("pickled") with a passphrase; nio's default
passphrase, "DEFAULT_KEY", is public. So, with encryption installed:

- no key configured: the bot refuses to start, and says which key to set;
- a store made before the key existed (with nio's default): it is re-encrypted with the key, in
  one transaction, at the first start that has one (the device keeps its identity: nothing to
  redo in the rooms);
- a key that opens neither way (changed, mistyped): the bot refuses to start rather than make
  a new identity for the same device, which the rooms would not trust.

Without encryption installed (no `[e2e]` extra) there is no store and no key is needed.

    client_config = AsyncClientConfig(store=STORE_CLASS, ...)   # bot/matrix/login.py

`STORE_CLASS` is nio's own store, less one cost: after every sync nio saves the rooms that the
batch showed to be encrypted, in a transaction of their own, even when there are none (most
batches), about 1 ms of CPU before the sync returns, i.e. before the bot can answer.
"""

import logging

from nio import ClientConfig
from nio.crypto import ENCRYPTION_ENABLED

from bot.config import ConfigError, MatrixConfig

log = logging.getLogger(__name__)

#: The passphrase nio uses when none is given (public: it protects nothing).
NIO_DEFAULT_KEY = ClientConfig.pickle_key

MISSING_KEY = (
    "clé manquante « matrix.pickle_key » : le chiffrement est installé, et ses clés (dans "
    "store_path) doivent être chiffrées par une clé secrète. Définissez PST_BOT_PICKLE_KEY dans "
    "l'environnement (ou pickle_key dans [matrix]) : une longue chaîne aléatoire, à garder avec "
    "les sauvegardes, car sans elle ces clés ne peuvent plus être relues"
)
WRONG_KEY = (
    "« matrix.pickle_key » (ou PST_BOT_PICKLE_KEY) ne permet pas de relire les clés de "
    "chiffrement de {path} : remettez la clé utilisée jusqu'ici"
)


class _SkipEmptySaves(ClientConfig.store or object):
    """nio's store class; saving no newly encrypted room writes nothing (as in nio) and now
    does not open the database either."""

    def save_encrypted_rooms(self, rooms) -> None:
        if rooms:
            super().save_encrypted_rooms(rooms)


#: The store class the client uses (None without encryption installed).
STORE_CLASS = _SkipEmptySaves if ENCRYPTION_ENABLED else None


def store_key(config: MatrixConfig) -> str | None:
    """The pickle key the client must use; None without encryption support."""
    if not ENCRYPTION_ENABLED:
        return None
    if not config.pickle_key:
        raise ConfigError(MISSING_KEY)
    store = _open_store(config, config.pickle_key)
    try:
        if _readable(store):
            return config.pickle_key
        store.pickle_key = NIO_DEFAULT_KEY
        if not _readable(store):
            raise ConfigError(WRONG_KEY.format(path=store.database_path))
        _rekey(store, config.pickle_key)
        log.info("Magasin de clés %s rechiffré avec pickle_key", store.database_path)
        return config.pickle_key
    finally:
        store.database.close()


def _open_store(config: MatrixConfig, key: str):
    return STORE_CLASS(config.user_id, config.device_id, str(config.store_path), key)


def _readable(store) -> bool:
    """Whether the store's account opens with its current key (a new store does)."""
    try:
        store.load_account()
    except ValueError:  # vodozemac's pickle errors: the MAC does not match this key
        return False
    return True


def _rekey(store, key: str) -> None:
    """Everything the store keeps pickled, read with its current key and written with `key`."""
    account = store.load_account()
    if account is None:
        return
    sessions = store.load_sessions()
    group_sessions = store.load_inbound_group_sessions()
    store.pickle_key = key
    with store.database.atomic():
        store.save_account(account)
        for sender_key, session_list in sessions.items():
            for session in session_list:
                store.save_session(sender_key, session)
        for session in group_sessions:
            store.save_inbound_group_session(session)
