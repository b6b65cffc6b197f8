"""Text every XML-based report can carry (xlsx, ods, odt, docx, eComptes), and the PDFs too.

XML 1.0 has no way to write most control characters; a title pasted from another tool may
hold one, and the file would not open:

    >>> clean("A\\x01B"), clean(None), clean(42)
    ('AB', '', '42')
"""

import re

# Characters that XML 1.0 (and so xlsx, ods, odt, docx) cannot carry.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: object) -> str:
    """Text safe for any XML-based format; None becomes an empty string."""
    if text is None:
        return ""
    return _XML_INVALID.sub("", str(text))
