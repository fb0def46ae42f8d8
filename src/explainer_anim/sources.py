"""The document a storyboard's quotes are checked against: where it is looked for on this
machine, and ``source fetch``, which downloads it.

A storyboard names its source in ``explainer.source`` (title, URL, SHA-256, file name). The file
is looked for, relative to the working directory like ``renders/``, in this order:
``--source PATH``; ``assets/sources/<filename>`` (git-ignored: where ``source fetch`` puts it);
``../shared/sources/<filename>`` (a shared folder next to the repository). A file whose SHA-256
is not the storyboard's is another version of the document, and checking quotes against it
would prove nothing, so it is an error.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from .errors import StoryboardError, UserError
from .quotes import sha256_of
from .storyboard import Source, Storyboard, locate

SOURCES_DIR = Path("assets/sources")
SHARED_DIR = Path("../shared/sources")
MAX_DOWNLOAD_BYTES = 200 * 1024 * 1024  # far above any paper; a wrong URL must not fill the disk
DOWNLOAD_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True)
class SourceLookup:
    """The file to check quotes against, or why there is none on this machine."""

    path: Path | None
    sha256: str | None
    why_not: str = ""  # set when path is None


def _declared(storyboard: Storyboard) -> Source:
    if storyboard.meta.source is None:
        raise StoryboardError(locate(storyboard.path, "explainer"), "explainer.source",
                              "the storyboard names no source document (add title, url and sha256)")
    return storyboard.meta.source


def source_filename(storyboard: Storyboard) -> str:
    """``explainer.source.filename``, or the last part of the source URL's path."""
    source = _declared(storyboard)
    name = source.filename or Path(urllib.parse.urlparse(source.url).path).name
    if name in ("", ".", ".."):
        raise StoryboardError(locate(storyboard.path, "explainer.source.url"), "explainer.source.url",
                              "the URL ends in no file name; add explainer.source.filename")
    return name


def _checked(storyboard: Storyboard, path: Path) -> SourceLookup:
    actual = sha256_of(path)
    source = storyboard.meta.source
    if source is not None and source.sha256 and actual != source.sha256:
        raise StoryboardError(locate(storyboard.path, "explainer.source.sha256"), "explainer.source.sha256",
                              f"{path} has SHA-256 {actual}, but the storyboard names {source.sha256}: "
                              "another version of the document, so its quotes cannot be verified against it")
    return SourceLookup(path, actual)


def find_source(storyboard: Storyboard, override: Path | None = None, root: Path = Path(".")) -> SourceLookup:
    """The source file to check against: ``override``, else the first of the standard places."""
    if override is not None:
        if not override.is_file():
            raise UserError(f"--source {override}: no such file")
        return _checked(storyboard, override)
    if storyboard.meta.source is None:
        return SourceLookup(None, None, "the storyboard names no source document (explainer.source)")
    name = source_filename(storyboard)
    tried = [root / folder / name for folder in (SOURCES_DIR, SHARED_DIR)]
    for path in tried:
        if path.is_file():
            return _checked(storyboard, path)
    return SourceLookup(None, None, f"{name} is not on this machine (looked for {' and '.join(map(str, tried))}); "
                                    "run `explainer-anim source fetch` or pass --source PATH")


@dataclass(frozen=True)
class Fetched:
    path: Path
    sha256: str
    downloaded: bool  # False: the file was already there, with the right SHA-256


def fetch_source(storyboard: Storyboard, root: Path = Path("."),
                 timeout: float = DOWNLOAD_TIMEOUT_SECONDS) -> Fetched:
    """Download the source URL into ``assets/sources/<filename>``, atomically: the file appears
    complete and with the storyboard's SHA-256, or not at all (an older file stays as it was)."""
    source = _declared(storyboard)
    dest = root / SOURCES_DIR / source_filename(storyboard)
    if source.sha256 and dest.is_file() and sha256_of(dest) == source.sha256:
        return Fetched(dest, source.sha256, downloaded=False)
    if urllib.parse.urlparse(source.url).scheme not in ("http", "https"):
        raise StoryboardError(locate(storyboard.path, "explainer.source.url"), "explainer.source.url",
                              f"can only download http(s) URLs, not {source.url!r}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        digest, size = hashlib.sha256(), 0
        request = urllib.request.Request(source.url, headers={"User-Agent": "explainer-anim source fetch"})
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(request, timeout=timeout) as response:
            for block in iter(lambda: response.read(1 << 16), b""):
                size += len(block)
                if size > MAX_DOWNLOAD_BYTES:
                    raise UserError(f"{source.url}: more than {MAX_DOWNLOAD_BYTES >> 20} MB; not a paper?")
                out.write(block)
                digest.update(block)
        actual = digest.hexdigest()
        if source.sha256 and actual != source.sha256:
            raise StoryboardError(locate(storyboard.path, "explainer.source.sha256"), "explainer.source.sha256",
                                  f"the file downloaded from {source.url} ({size} bytes) has SHA-256 {actual}, "
                                  f"but the storyboard names {source.sha256}; nothing was kept")
        os.replace(tmp, dest)
        return Fetched(dest, actual, downloaded=True)
    except urllib.error.HTTPError as exc:
        raise UserError(f"cannot download {source.url}: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise UserError(f"cannot download {source.url}: {exc.reason}") from None
    except (OSError, http.client.HTTPException) as exc:
        raise UserError(f"cannot download {source.url}: {exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
