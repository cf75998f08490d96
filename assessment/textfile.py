"""Reading text files that other people's tools wrote: the encoding found, the size bounded, every failure a
located Problem (the file and the byte offset) instead of a traceback.

Used for every text input: response CSVs, kpis.csv, client.yaml, models and catalogues. Nothing here depends
on the machine's locale.
"""
from __future__ import annotations

import codecs
import stat
from dataclasses import dataclass
from pathlib import Path

from assessment.problems import InputError, Problem

MiB = 1024 * 1024
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "utf-16": "UTF-16", "utf-16-le": "UTF-16",
                  "utf-16-be": "UTF-16", "cp1252": "Windows-1252"}


@dataclass(frozen=True)
class Text:
    """A decoded file: its text and the encoding it was written in."""

    text: str
    encoding: str

    def note(self, source: str) -> str | None:
        """A remark for the consultant when the file was not plain UTF-8 (None when it was)."""
        return encoding_note(source, self.encoding)


def encoding_note(source: str, encoding: str) -> str | None:
    """'x.csv is encoded in Windows-1252, ...' for a file not in UTF-8; None for UTF-8 (or no encoding)."""
    if encoding in ("", "utf-8", "utf-8-sig"):
        return None
    name = ENCODING_NAMES.get(encoding, encoding)
    return f"{source} is encoded in {name}, not UTF-8; it was read as {name}."


def _utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when the bytes look like UTF-16 text without a BOM (every other byte NUL)."""
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, source: str, expected: str = "a text file") -> Text:
    """Text of a file: BOMs honoured (UTF-8, UTF-16), UTF-16 without BOM recognised, then UTF-8, then
    Windows-1252; binary data or an undecodable byte is an InputError naming the byte offset."""
    skipped = 0  # bytes of a BOM: offsets in messages count from the start of the file
    if data.startswith(codecs.BOM_UTF8):
        data, encodings, skipped = data[3:], ["utf-8-sig"], 3
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    elif (utf16 := _utf16_without_bom(data[:4096])) is not None:
        encodings = [utf16]
    elif b"\x00" in data:
        at = data.index(b"\x00")
        raise InputError([Problem(source, f"unreadable encoding: the file holds binary data (a NUL byte at offset {at:,}); "
                                          f"expected {expected} in UTF-8 or Windows-1252")], source)
    else:
        encodings = ["utf-8", "cp1252"]
    first: UnicodeDecodeError | None = None  # where the preferred encoding broke
    for enc in encodings:
        try:
            text = data.decode("utf-8" if enc == "utf-8-sig" else enc)
        except UnicodeDecodeError as exc:
            first = first or exc
            continue
        if "\x00" in text:
            at = text.index("\x00")
            raise InputError([Problem(source, f"unreadable encoding: the file holds a NUL character (character "
                                              f"{at:,} of the text); expected {expected}")], source)
        return Text(text, enc)
    assert first is not None
    tried = " nor ".join(ENCODING_NAMES.get(e, e) for e in encodings)
    raise InputError([Problem(source, f"unreadable encoding: byte 0x{first.object[first.start]:02x} at offset "
                                      f"{first.start + skipped:,} is not valid {tried}; expected {expected} saved "
                                      "as UTF-8")], source)


def is_file(path: Path) -> bool:
    """Path.is_file() that answers False, rather than raising, for a name the system cannot even look up (too
    long, a NUL byte): such a name in a user's file is simply not a file."""
    try:
        return Path(path).is_file()
    except (OSError, ValueError):
        return False


def checked_size(path: Path, source: str, max_bytes: int, expected: str) -> int:
    """The size of a regular file of at most `max_bytes`; InputError for anything else (a folder, a pipe or a
    device would block or never end; a huge file is refused before it is read)."""
    try:
        st = Path(path).stat()
    except OSError as exc:
        raise InputError([Problem(source, f"cannot be read ({exc.strerror or exc}); expected {expected}")],
                         source) from None
    if not stat.S_ISREG(st.st_mode):
        raise InputError([Problem(source, f"not a regular file; expected {expected}")], source)
    if st.st_size > max_bytes:
        raise InputError([Problem(source, f"the file is {st.st_size / MiB:,.1f} MB; expected {expected} of at most "
                                          f"{max_bytes / MiB:,.0f} MB")], source)
    return st.st_size


def read_bytes(path: Path, source: str, max_bytes: int, expected: str) -> bytes:
    """The bytes of `path`, refusing a file larger than `max_bytes` before reading it."""
    checked_size(path, source, max_bytes, expected)
    try:
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)  # the file may have grown since it was measured
    except OSError as exc:
        raise InputError([Problem(source, f"cannot be read ({exc.strerror or exc}); expected {expected}")],
                         source) from None
    if len(data) > max_bytes:
        raise InputError([Problem(source, f"the file is over {max_bytes / MiB:,.0f} MB; expected {expected} of at "
                                          f"most {max_bytes / MiB:,.0f} MB")], source)
    return data


def read_text(path: Path, source: str, max_bytes: int, expected: str = "a text file") -> Text:
    """Read and decode a text file (see `decode_bytes`), at most `max_bytes` long."""
    return decode_bytes(read_bytes(path, source, max_bytes, expected), source, expected)
