"""Plain text: decoded (a BOM, UTF-8, else a confident legacy guess), line endings normalised, one Document."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from charset_normalizer import from_bytes

from pipeline.schema import Document

from .detect import BOMS
from .errors import EMPTY_FILE, IngestError
from .front_matter import read_front_matter
from .sections import detect_sections

# Above this mess ratio (charset-normalizer's chaos) a decoding is garbled, not text.
MAX_CHAOS = 0.1
# When legacy 8-bit candidates decode differently and one of these is among them, it wins: the common
# encodings of Western-language papers saved on Windows or old Macs.
PREFERRED_LEGACY = ("cp1252", "latin_1", "iso8859_15", "mac_roman")
ASCII_PRINTABLE = bytes(range(32, 127))


def read_text(path: str | Path) -> Iterator[Document]:
    """One Document from a plain-text file: decoded, line endings normalised, sections and front matter found."""
    path = Path(path)
    text, encoding = decode_text(path, path.read_bytes())
    text = normalize_newlines(text)
    if not text.strip():
        raise IngestError(path, EMPTY_FILE)
    yield text_document(path, text, "txt", encoding)


def decode_text(path: Path, data: bytes) -> tuple[str, str]:
    """The text and the name of its encoding: a BOM, then UTF-8, then a confident legacy guess; else raise."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), codec.replace("-sig", "")
            except UnicodeDecodeError as err:
                raise IngestError(path, f"not valid {codec} at byte {err.start}: re-save it as UTF-8") from err
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    encoding = _guess_legacy_encoding(data)
    if encoding is None:
        raise IngestError(path, "not UTF-8 and the encoding cannot be told with confidence: re-save it as UTF-8")
    return data.decode(encoding), encoding


def _guess_legacy_encoding(data: bytes) -> str | None:
    """A single-byte or CJK encoding that decodes ``data`` cleanly, or None when candidates disagree."""
    matches = [match for match in from_bytes(data) if _ascii_compatible(match.encoding)]
    if not matches:
        return None
    best_chaos = min(match.chaos for match in matches)
    if best_chaos > MAX_CHAOS:
        return None
    top = [match for match in matches if match.chaos <= best_chaos + 0.01]
    best_coherence = max(match.coherence for match in top)
    top = [match for match in top if match.coherence >= best_coherence - 0.05]
    if len({str(match) for match in top}) == 1:
        return top[0].encoding
    names = {match.encoding for match in top}
    return next((name for name in PREFERRED_LEGACY if name in names), None)


def _ascii_compatible(encoding: str) -> bool:
    """Whether ASCII bytes mean ASCII in ``encoding`` (rules out UTF-16 without a BOM and EBCDIC)."""
    try:
        return ASCII_PRINTABLE.decode(encoding) == ASCII_PRINTABLE.decode("ascii")
    except (UnicodeDecodeError, LookupError):
        return False


def normalize_newlines(text: str) -> str:
    """``\\r\\n`` and lone ``\\r`` become ``\\n``; nothing else changes, so offsets stay true to the text."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def text_document(path: Path, text: str, fmt: str, encoding: str = "utf-8") -> Document:
    """A Document for a whole paper or abstract in plain text, with its sections and front-matter metadata."""
    sections = detect_sections(text)
    front = read_front_matter(text, sections)
    return Document(
        doc_id=path.stem,
        text=text,
        sections=sections,
        source=str(path),
        format=fmt,
        doi=front.doi,
        year=front.year,
        title=front.title,
        encoding=encoding,
    )
