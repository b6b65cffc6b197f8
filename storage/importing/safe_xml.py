"""XML read from an imported file within bounds, whatever the file holds or declares.

Every XML an import reads (the parts of an XLSX or an ODS, an eComptes file) goes through
`iter_xml`, a stream of ElementTree events:

- a DTD refuses the file (`UnsafeFile`): without one no entity can be declared, so none is
  expanded (a "billion laughs") and none points to a file of the server or to the network.
  No spreadsheet or accounting tool writes a DTD. The check is defusedxml's, on the prolog
  (a DTD can only stand before the root element);
- memory stays small: an element is let go as soon as its end is seen, except inside an element
  the caller keeps (`keep`: a cell, a shared string), which holds at most `max_kept` elements;
  more than MAX_DEPTH open elements, more than MAX_TOKEN_BYTES read without a tag (a text, a
  comment or a tag that long), or more than MAX_ELEMENTS elements in all the XML of one file
  (an `Allowance` its parts share: time, too, is bounded), refuse the file.

    >>> import io
    >>> xml = io.BytesIO(b"<sheet><c><v>1</v></c><c><v>2</v></c></sheet>")
    >>> [(element.tag, element.findtext("v")) for event, element in iter_xml(xml, "x.xml", {"c"})
    ...  if event == "end" and element.tag == "c"]
    [('c', '1'), ('c', '2')]
    >>> list(iter_xml(io.BytesIO(b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'), "« x.xml »"))
    Traceback (most recent call last):
    ...
    storage.importing.model.UnsafeFile: Ce fichier est refusé par sécurité : « x.xml » déclare ...
"""

from collections.abc import Collection, Iterator
from typing import BinaryIO
from xml.etree import ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import XMLParser as DefusedParser

from storage.importing.messages import MESSAGES
from storage.importing.model import UnsafeFile

#: Elements open at once; a spreadsheet nests a dozen, an eComptes file about fifteen.
MAX_DEPTH = 100
#: Bytes read without an XML event; a cell holds at most 32,767 characters (128 KB).
MAX_TOKEN_BYTES = 1024 * 1024
#: Elements a kept element (a cell, a shared string) may hold: a rich text of a few runs.
MAX_KEPT = 10_000
#: Elements of the XML of one file: a sheet of 300,000 cells (workbooks.MAX_CELLS) has about a
#: million.
MAX_ELEMENTS = 1_500_000
#: `keep` for a document kept whole (an eComptes file), within `max_kept` elements.
EVERYTHING = frozenset({"*"})


class Allowance:
    """The elements the XML parts of one file may still hold (MAX_ELEMENTS in all)."""

    def __init__(self) -> None:
        self.elements = MAX_ELEMENTS


def iter_xml(
    stream: BinaryIO,
    where: str,
    keep: Collection[str] = (),
    max_kept: int = MAX_KEPT,
    allowance: Allowance | None = None,
) -> Iterator[tuple[str, ET.Element]]:
    """("start" | "end", element) for each element of the XML in `stream`, within the bounds
    above. `where` names the XML in refusals (« xl/worksheets/sheet1.xml »); `keep` holds the
    tags whose elements keep their content until their end ("*" in EVERYTHING: the root);
    `allowance` is shared by the parts of one file (a file of one XML has its own).

    Raises UnsafeFile for a DTD or a bound passed, ET.ParseError for XML that is not
    well-formed (each reader says which file it was)."""
    source = _GuardedStream(stream, where)
    keep_all = keep == EVERYTHING
    open_elements: list[ET.Element] = []
    kept_from = 0  # depth of the kept element we are in; 0 outside any
    kept = 0
    allowance = allowance or Allowance()
    for event, element in ET.iterparse(source, events=("start", "end")):
        source.at_event()
        if event == "start":
            open_elements.append(element)
            allowance.elements -= 1
            if allowance.elements < 0:
                raise _unsafe("unsafe_count", where, limit=MAX_ELEMENTS)
            if len(open_elements) > MAX_DEPTH:
                raise _unsafe("unsafe_depth", where, limit=MAX_DEPTH)
            if kept_from:
                kept += 1
                if kept > max_kept:
                    raise _unsafe("unsafe_elements", where, limit=max_kept)
            elif keep_all or element.tag in keep:
                kept_from, kept = len(open_elements), 1
            yield event, element
            continue
        depth = len(open_elements)
        open_elements.pop()
        yield event, element
        if kept_from and depth > kept_from:
            continue  # inside a kept element: its content stays until its end
        if depth == kept_from:
            kept_from = 0
        if open_elements and not keep_all:
            open_elements[-1].remove(element)  # let it go: what is read is not kept twice


def check_prolog(stream: BinaryIO, where: str) -> None:
    """Refuse (UnsafeFile) a DTD at the start of `stream`, XML or not: a file whose parts carry
    one is hostile, even in a part the import does not read."""
    source = _GuardedStream(stream, where)
    while source.prolog is not None and source.read(64 * 1024):
        pass


def _unsafe(message: str, where: str, **fields) -> UnsafeFile:
    return UnsafeFile(MESSAGES[message].format(where=where, **fields))


class _GuardedStream:
    """The file as ElementTree reads it, 16 KB at a time: the prolog goes through defusedxml's
    parser too, and a read refuses when MAX_TOKEN_BYTES passed without an XML event."""

    def __init__(self, stream: BinaryIO, where: str) -> None:
        self.stream, self.where = stream, where
        self.bytes_read = self.bytes_at_event = 0
        self.root = _RootSeen()
        self.prolog: DefusedParser | None = DefusedParser(target=self.root, forbid_dtd=True)

    def at_event(self) -> None:
        self.bytes_at_event = self.bytes_read

    def read(self, size: int = -1) -> bytes:
        if self.bytes_read - self.bytes_at_event > MAX_TOKEN_BYTES:
            raise _unsafe("unsafe_token", self.where, limit=MAX_TOKEN_BYTES // (1024 * 1024))
        data = self.stream.read(min(size, 64 * 1024) if size > 0 else 64 * 1024)
        self.bytes_read += len(data)
        if self.prolog is not None and data:
            self._check_prolog(data)
        return data

    def _check_prolog(self, data: bytes) -> None:
        try:
            self.prolog.feed(data)
        except DefusedXmlException:
            raise _unsafe("unsafe_dtd", self.where) from None  # the reason is in the message
        except ET.ParseError:
            self.prolog = None  # not well-formed: ElementTree says where
            return
        if self.root.seen:
            self.prolog = None  # past the prolog: no DTD can come any more


class _RootSeen:
    """The target of the prolog's parser: notes the root element's start, builds nothing."""

    seen = False

    def start(self, tag, attributes) -> None:
        self.seen = True
