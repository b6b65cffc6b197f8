"""A file someone sent the bot in Teams, for the chat import (commands/chat_import.py).

    hosts = FileHosts(urls)                       # urls: bot/teams/trust.py ServiceUrls
    message = await with_file(message, activity, client, hosts)   # its attachment fetched

In a personal chat Teams hands a file as an attachment of type DOWNLOAD_INFO whose
`content.downloadUrl` is a short-lived, pre-authorised OneDrive/SharePoint link: fetched without
the bot's token, never redirected, within the import's size limit (streamed: a larger body is
cut off, whatever it declares). Only Microsoft's SharePoint hosts over HTTPS, and the hosts the
configuration names (bot/teams/trust.py: [teams.endpoints], the tests' stand-in) are fetched
from: a URL to any other host is refused, so an activity cannot make the bot reach inside the
network. A file not fetched comes with no bytes, and the engine says so in French.
"""

import logging
from dataclasses import replace
from urllib.parse import urlsplit

import httpx

from bot.teams.trust import ServiceUrls, is_loopback
from commands.engine import takes_file
from commands.types import IncomingFile, Message
from storage.importing.model import MAX_FILE_BYTES

log = logging.getLogger(__name__)

DOWNLOAD_INFO = "application/vnd.microsoft.teams.file.download.info"
#: Where OneDrive and SharePoint serve files: public cloud, US government, China.
SHAREPOINT_DOMAINS = (".sharepoint.com", ".sharepoint.us", ".sharepoint-mil.us", ".sharepoint.cn")
_PORTS = {"https": 443, "http": 80}


async def with_file(
    message: Message, activity, client: httpx.AsyncClient, hosts: "FileHosts"
) -> Message:
    """`message` with the file `activity` carries, fetched if the engine takes it (a direct
    chat, or a name the import reads: `takes_file`); as it is when it carries none."""
    offered = file_offered(activity)
    if offered is None:
        return message
    message = replace(message, attachment=IncomingFile(offered[0], 0, None))
    if not takes_file(message):
        return message
    return replace(message, attachment=await fetch(client, hosts, *offered))


def file_offered(activity) -> tuple[str, str] | None:
    """The first file of a message activity: its name and download URL."""
    for attachment in activity.attachments or []:
        content = attachment.content if isinstance(attachment.content, dict) else {}
        url = content.get("downloadUrl")
        if attachment.content_type == DOWNLOAD_INFO and isinstance(url, str):
            return attachment.name or "fichier", url
    return None


class FileHosts:
    """The hosts a file may be downloaded from."""

    def __init__(self, urls: ServiceUrls) -> None:
        self.urls = urls

    def allows(self, url: str) -> bool:
        """
        >>> hosts = FileHosts(ServiceUrls(set()))
        >>> hosts.allows("https://frameries-my.sharepoint.com/personal/x/_layouts/download.aspx?a=1")
        True
        >>> hosts.allows("https://sharepoint.com.evil.example/x"), hosts.allows("http://10.0.0.1/")
        (False, False)
        """
        if any(c in url for c in "\\ \t\r\n@"):
            return False  # nothing two URL parsers could read as two different hosts
        try:
            parts = urlsplit(url)
            port = parts.port or _PORTS.get(parts.scheme)
        except ValueError:
            return False
        host = (parts.hostname or "").lower()
        if not host or port is None:
            return False
        if (parts.scheme, host, port) in self.urls.origins:
            return True
        if self.urls.loopback and is_loopback(host):
            return True
        sharepoint = host.endswith(SHAREPOINT_DOMAINS)
        return sharepoint and parts.scheme == "https" and port == 443


async def fetch(
    client: httpx.AsyncClient, hosts: FileHosts, name: str, url: str, most: int = MAX_FILE_BYTES
) -> IncomingFile:
    """The file at `url` (a trusted host's), at most `most` bytes; over that, or not fetched,
    it has no bytes (and a size over `most` when that was the reason)."""
    if not hosts.allows(url):
        log.warning("Fichier Teams « %s » : hôte non autorisé, non téléchargé", name[:80])
        return IncomingFile(name, 0, None)
    try:
        async with client.stream("GET", url, follow_redirects=False) as response:
            if response.status_code != 200:
                log.warning("Fichier Teams « %s » : HTTP %s", name[:80], response.status_code)
                return IncomingFile(name, 0, None)
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > most:
                return IncomingFile(name, int(declared), None)
            data = bytearray()
            async for chunk in response.aiter_bytes():
                data += chunk
                if len(data) > most:
                    return IncomingFile(name, len(data), None)
    except httpx.HTTPError as error:
        log.warning("Fichier Teams « %s » non téléchargé : %s", name[:80], error)
        return IncomingFile(name, 0, None)
    return IncomingFile(name, len(data), bytes(data))
