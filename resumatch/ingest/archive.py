"""ZIP archives of resumes: each member is read like an upload, within limits.

stdlib ``zipfile`` reads the archive. Members are named ``archive.zip/folder/cv.pdf`` in
documents and errors. Limits refuse ZIP bombs before anything is inflated past them: at
most ``MAX_MEMBERS`` files, ``MAX_INFLATED_MB`` inflated in total (counted on the bytes
actually inflated, not the sizes the archive claims), each member within the per-file
upload limit, and archives nested at most ``MAX_DEPTH`` deep.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

MAX_MEMBERS = 1000
MAX_INFLATED_MB = 500
MAX_DEPTH = 2  # an archive inside an archive is read; one level deeper is refused
_CHUNK = 1 << 20

# Files an operating system adds on its own: skipped without a word.
SYSTEM_NAMES = {".ds_store", "thumbs.db", "desktop.ini", "ehthumbs.db", "icon\r"}


def is_system_file(path: str) -> bool:
    """Hidden/system files nobody uploads on purpose: ``.DS_Store``, ``__MACOSX/``,
    ``Thumbs.db``, ``desktop.ini``, dotfiles and files in dot-folders.

    Example:
        >>> is_system_file("cvs/__MACOSX/._ann.pdf"), is_system_file("cvs/ann.pdf")
        (True, False)
    """
    parts = PurePosixPath(path.replace("\\", "/")).parts
    return any(p == "__MACOSX" or p.startswith(".") for p in parts) or (
        bool(parts) and parts[-1].lower() in SYSTEM_NAMES)


@dataclass(frozen=True)
class Member:
    """One file of an archive: its display path, and its bytes or why it was not read."""

    name: str
    data: bytes | None = None
    problem: str | None = None


class _Budget:
    def __init__(self) -> None:
        self.members = 0
        self.inflated = 0


def is_zip(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06"


def members(data: bytes, archive_name: str, max_bytes: int | None,
            depth: int = 1, budget: _Budget | None = None) -> Iterator[Member]:
    """Every file of a ZIP (nested ZIPs expanded), as ``Member`` in archive order.

    Raises:
        ValueError: the archive itself cannot be opened (the caller names the file).
    """
    budget = budget or _Budget()
    limit_total = MAX_INFLATED_MB * 1024 * 1024
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise ValueError(f"corrupt or truncated ZIP archive ({type(err).__name__})") from err
    with archive:
        for info in archive.infolist():
            if info.is_dir() or is_system_file(info.filename):
                continue
            name = f"{archive_name}/{info.filename.replace(chr(92), '/').lstrip('/')}"
            budget.members += 1
            if budget.members > MAX_MEMBERS:
                yield Member(name, problem=f"not read: the archive holds more than "
                                           f"{MAX_MEMBERS} files (limit against ZIP bombs)")
                continue
            if info.flag_bits & 0x1:
                yield Member(name, problem="encrypted ZIP member (password-protected)")
                continue
            if max_bytes is not None and info.file_size > max_bytes:
                yield Member(name, problem=_too_large(info.file_size, max_bytes))
                continue
            try:
                content = _inflate(archive, info, max_bytes, limit_total - budget.inflated)
            except _Refused as refused:
                yield Member(name, problem=str(refused))
                continue
            except (zipfile.BadZipFile, OSError, ValueError, EOFError,
                    NotImplementedError, RuntimeError) as err:
                yield Member(name, problem=f"damaged ZIP member ({type(err).__name__})")
                continue
            budget.inflated += len(content)
            if is_zip(content) and PurePosixPath(info.filename).suffix.lower() == ".zip":
                if depth >= MAX_DEPTH:
                    yield Member(name, problem=f"archive nested more than {MAX_DEPTH} deep; "
                                               "not read")
                    continue
                try:
                    yield from members(content, name, max_bytes, depth + 1, budget)
                except ValueError as err:
                    yield Member(name, problem=str(err))
                continue
            yield Member(name, data=content)


class _Refused(Exception):
    pass


def _too_large(size: int, max_bytes: int) -> str:
    return (f"file too large ({size / 1048576:.1f} MB inflated; the limit is "
            f"{max_bytes / 1048576:.0f} MB, set RESUMATCH_MAX_UPLOAD_MB to change it)")


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, max_bytes: int | None,
             room: int) -> bytes:
    """A member's bytes, stopping as soon as it passes a limit (declared sizes can lie)."""
    out = io.BytesIO()
    with archive.open(info) as handle:
        while True:
            chunk = handle.read(_CHUNK)
            if not chunk:
                break
            out.write(chunk)
            size = out.tell()
            if max_bytes is not None and size > max_bytes:
                raise _Refused(_too_large(size, max_bytes))
            if size > room:
                raise _Refused(f"not read: the archive inflates past {MAX_INFLATED_MB} MB "
                               "in total (limit against ZIP bombs)")
    return out.getvalue()
