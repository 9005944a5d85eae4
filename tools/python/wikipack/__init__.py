"""wikipack: read, search and write wikipack archives from Python.

A thin binding over libwikipack (through cffi), so an archive reads the same
here as from the command line: lookups by page ID, title (as a person types
it), path or URL; full-text search; iteration; verification; and a writer.

    import wikipack
    with wikipack.open("enwiki.wpk") as wp:
        art = wp.get(title="python (programming language)")
        print(art.title, art.page_id, len(art.text))
        for hit in wp.search("garbage collector", limit=3):
            print(hit.article.title, hit.snippet)

Errors are the library's, with its message: a missing article is a
KeyError (NotFound), a damaged archive CorruptArchive, a file that is not
an archive FormatError, a refused argument ValueError (InvalidArgument), a
failed read or write OSError (IOFailure). The C library is thread-safe and
releases the GIL while it works: threads may share one Archive (close it
after they are done).
"""
from __future__ import annotations

import datetime as _dt
import os as _os
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple, Union

from ._wikipack import ffi as _ffi, lib as _lib

__all__ = [
    "open", "pack", "Archive", "Article", "Hit", "SearchResults", "ArchiveInfo", "VerifyReport",
    "WikipackError", "NotFound", "CorruptArchive", "FormatError", "InvalidArgument", "IOFailure",
    "LimitExceeded", "Untrusted", "library_version",
]


# ---- errors -------------------------------------------------------------------

class WikipackError(Exception):
    """A library error: .code is its WPK_E_* value, .offset the byte offset
    in the archive it names (None when none)."""

    def __init__(self, message: str, code: int = 0, offset: Optional[int] = None):
        super().__init__(message)
        self.code = code
        self.offset = offset

    def __str__(self) -> str:  # KeyError would quote the message
        return self.args[0] if self.args else ""


class NotFound(WikipackError, KeyError):
    """No entry matches the lookup (WPK_E_NOTFOUND)."""


class CorruptArchive(WikipackError):
    """A checksum or structural check failed (WPK_E_CORRUPT)."""


class FormatError(WikipackError):
    """Not a wikipack archive, or a version or feature this library lacks (WPK_E_FORMAT)."""


class InvalidArgument(WikipackError, ValueError):
    """The library refused an argument (WPK_E_INVALID, WPK_E_EXISTS)."""


class IOFailure(WikipackError, OSError):
    """The operating system refused a read or a write (WPK_E_IO)."""


class LimitExceeded(WikipackError):
    """A size or count is over the reader's caps (WPK_E_LIMIT)."""


class Untrusted(WikipackError):
    """The archive is not signed by the key given to trust (WPK_E_UNTRUSTED)."""


_ERRORS = {
    _lib.WPK_E_NOTFOUND: NotFound, _lib.WPK_E_CORRUPT: CorruptArchive, _lib.WPK_E_FORMAT: FormatError,
    _lib.WPK_E_INVALID: InvalidArgument, _lib.WPK_E_EXISTS: InvalidArgument, _lib.WPK_E_IO: IOFailure,
    _lib.WPK_E_LIMIT: LimitExceeded, _lib.WPK_E_UNTRUSTED: Untrusted,
}


def _raise(rc: int, err: Any) -> None:
    if rc == _lib.WPK_E_NOMEM:
        raise MemoryError(_ffi.string(err.message).decode("utf-8", "replace"))
    msg = _ffi.string(err.message).decode("utf-8", "replace") or f"wikipack error {rc}"
    raise _ERRORS.get(rc, WikipackError)(msg, rc, err.offset if err.has_offset else None)


def _s(p: Any) -> Optional[str]:
    return _ffi.string(p).decode("utf-8", "replace") if p != _ffi.NULL else None


def library_version() -> str:
    """The C library's version, e.g. "2.7.0"."""
    return _ffi.string(_lib.wpk_version_string()).decode()


# ---- what lookups return -----------------------------------------------------

@dataclass(frozen=True)
class Article:
    """An entry's metadata; .bytes and .text read its content (each call reads
    it again: keep the value). Older versions of an article are entries too
    (is_revision, current_entry); `revisions` lists them, newest first."""
    archive: "Archive" = field(repr=False, compare=False)
    entry_number: int
    path: str
    title: Optional[str]
    page_id: Optional[int]
    wiki: Optional[str]
    language: Optional[str]
    url: Optional[str]
    mime: Optional[str]
    size: int
    updated: Optional[_dt.datetime]
    namespace: Optional[int]
    categories: Tuple[str, ...]
    redirect: Optional[str]
    revision_id: Optional[int]
    contributor: Optional[str]
    comment: Optional[str]
    is_revision: bool
    current_entry: Optional[int]
    revisions: Tuple[int, ...]
    block_offset: int

    @property
    def bytes(self) -> bytes:
        """The content, checked against its checksum."""
        return self.archive._read(self.entry_number)

    @property
    def text(self) -> str:
        """The content as UTF-8 text (invalid bytes replaced)."""
        return self.bytes.decode("utf-8", "replace")


def _article(archive: "Archive", e: Any) -> Article:
    updated = None
    if e.has_updated:
        updated = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc) + _dt.timedelta(microseconds=e.updated_us)
    return Article(
        archive=archive, entry_number=e.entry_number, path=_s(e.path), title=_s(e.title),
        page_id=e.page_id if e.has_page_id else None, wiki=_s(e.wiki), language=_s(e.language), url=_s(e.url),
        mime=_s(e.mime), size=e.size, updated=updated, namespace=e.ns if e.has_ns else None,
        categories=tuple(_s(e.categories[i]) for i in range(e.n_categories)), redirect=_s(e.redirect),
        revision_id=e.revision_id if e.has_revision_id else None, contributor=_s(e.contributor),
        comment=_s(e.comment), is_revision=bool(e.is_revision),
        current_entry=e.current_entry if e.is_revision else None,
        revisions=tuple(e.revisions[i] for i in range(e.n_revisions)), block_offset=e.block_offset)


@dataclass(frozen=True)
class Hit:
    """A search result: its article, score (comparable within one query),
    and snippet with the matched words' (start, end) character spans."""
    article: Article
    score: float
    snippet: Optional[str]
    marks: Tuple[Tuple[int, int], ...]


class SearchResults(List[Hit]):
    """The hits of one page of results; .matches is how many articles match
    in all (an upper bound when the query has phrases)."""
    matches: int = 0


@dataclass(frozen=True)
class ArchiveInfo:
    format_version: str
    file_size: int
    entries: int
    articles: int
    revisions: int
    aliases: int
    categories: int
    redirects: int
    blocks: int
    content_bytes: int
    data_bytes: int
    index_bytes: int
    has_search: bool


@dataclass(frozen=True)
class VerifyReport:
    """What verify found: each problem's message; ok when there is none."""
    problems: Tuple[str, ...]
    pages_checked: int
    blocks_checked: int
    entries_checked: int
    bytes_checked: int

    @property
    def ok(self) -> bool:
        return not self.problems


# ---- callbacks from the library ----------------------------------------------

@_ffi.def_extern()
def _title_cb(ctx, title, is_alias, entry_number):  # noqa: ANN001 - called by cffi
    found, limit = _ffi.from_handle(ctx)
    if entry_number not in found[-1:]:
        found.append(entry_number)
    return 1 if limit and len(found) >= limit else 0


@_ffi.def_extern()
def _entry_cb(ctx, e):  # noqa: ANN001
    _ffi.from_handle(ctx).append((e.block_offset, e.entry_number, bool(e.is_revision), e.redirect != _ffi.NULL,
                                  e.size))
    return 0


@_ffi.def_extern()
def _problem_cb(ctx, problem):  # noqa: ANN001
    _ffi.from_handle(ctx).append(_ffi.string(problem.message).decode("utf-8", "replace"))


# ---- reading ------------------------------------------------------------------

PathLike = Union[str, "_os.PathLike[str]"]


class Archive:
    """An open archive: a local file, or an http(s):// URL read by Range
    requests. Use as a context manager, or call close()."""

    def __init__(self, path_or_url: PathLike):
        self._r = _ffi.NULL
        err = _ffi.new("wpk_error *")
        out = _ffi.new("wpk_reader **")
        name = _os.fspath(path_or_url)
        if name.startswith(("http://", "https://")):
            http = _ffi.new("wpk_http_opts *", {"struct_size": _ffi.sizeof("wpk_http_opts")})
            rc = _lib.wpk_reader_open_url(out, name.encode(), _ffi.NULL, http, err)
        else:
            rc = _lib.wpk_reader_open(out, name.encode(), _ffi.NULL, err)
        if rc:
            _raise(rc, err)
        self._r = out[0]
        self.name = name

    # -- lifetime
    def close(self) -> None:
        """Close the archive; its Articles can no longer read their content."""
        if self._r != _ffi.NULL:
            _lib.wpk_reader_close(self._r)
            self._r = _ffi.NULL

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()

    def _reader(self) -> Any:
        if self._r == _ffi.NULL:
            raise ValueError("wikipack: the archive is closed")
        return self._r

    def __repr__(self) -> str:
        return f"<wikipack.Archive {self.name!r}{' closed' if self._r == _ffi.NULL else ''}>"

    # -- entries
    def _entry(self, call: Any, *args: Any) -> Article:
        err = _ffi.new("wpk_error *")
        out = _ffi.new("wpk_entry **")
        rc = call(self._reader(), *args, out, err)
        if rc:
            _raise(rc, err)
        try:
            return _article(self, out[0])
        finally:
            _lib.wpk_entry_free(out[0])

    def entry(self, n: int) -> Article:
        """Entry number n (0-based, in path order)."""
        return self._entry(_lib.wpk_reader_entry_at, n)

    def __len__(self) -> int:
        return self.info.entries

    def get(self, *, id: Optional[int] = None, title: Optional[str] = None, path: Optional[str] = None,
            url: Optional[str] = None, wiki: Optional[str] = None, revision: Optional[int] = None,
            follow: bool = True) -> Article:
        """One article, by exactly one of: id (page ID; with wiki, among that
        wiki's pages), title (as a person types it: case, spaces, underscores
        and accents as the wiki folds them, redirects and aliases followed
        unless follow=False), path, or url (its wiki and title). With
        revision, the version of that article whose revision ID it is.
        KeyError (NotFound) when there is none."""
        given = [k for k, v in (("id", id), ("title", title), ("path", path), ("url", url)) if v is not None]
        if len(given) != 1:
            raise TypeError("get() takes exactly one of id=, title=, path=, url=")
        if id is not None:
            art = (self._entry(_lib.wpk_reader_find_by_wiki_id, wiki.encode(), id) if wiki is not None
                   else self._entry(_lib.wpk_reader_find_by_id, id))
        elif path is not None:
            art = self._entry(_lib.wpk_reader_find_by_path, path.encode())
        else:
            if url is not None:
                wiki, title = self._wiki_of_url(url) if wiki is None else wiki, self._title_of_url(url)
            art = self.entry(self._match(title, wiki))
            if follow and art.redirect is not None:
                art = self._follow(art)
        if revision is None:
            return art
        current = self.entry(art.current_entry) if art.is_revision else art
        for n in (current.entry_number, *current.revisions):
            a = self.entry(n)
            if a.revision_id == revision:
                return a
        raise NotFound(f"{self.name}: {current.title or current.path} has no revision {revision}",
                       _lib.WPK_E_NOTFOUND)

    def _follow(self, art: Article) -> Article:
        err = _ffi.new("wpk_error *")
        e = _ffi.new("wpk_entry **")
        rc = _lib.wpk_reader_entry_at(self._reader(), art.entry_number, e, err)
        if rc:
            _raise(rc, err)
        try:
            return self._entry(_lib.wpk_reader_follow, e[0])
        except NotFound:
            return art  # its target is not in the archive: the redirect page is what there is
        finally:
            _lib.wpk_entry_free(e[0])

    def _match(self, title: str, wiki: Optional[str]) -> int:
        """The entry a person means by title (the first of the articles found,
        at the first level that finds any: exact, as the wiki names titles,
        folded), in one wiki when it is named and has the title."""
        level = _ffi.new("wpk_match_level *")
        if wiki is not None:
            try:
                return self._numbers(_lib.wpk_reader_match_title_wiki, wiki.encode(), title.encode(), limit=1,
                                     tail=(level,))[0]
            except NotFound:
                pass  # not in that wiki (or no such wiki here): any wiki's
        return self._numbers(_lib.wpk_reader_match_title, title.encode(), limit=1, tail=(level,))[0]

    @staticmethod
    def _wiki_of_url(url: str) -> Optional[str]:
        out = _ffi.new("char **")
        if _lib.wpk_wiki_from_url(url.encode(), out):
            return None
        try:
            return _ffi.string(out[0]).decode()
        finally:
            _lib.wpk_free(out[0])

    @staticmethod
    def _title_of_url(url: str) -> str:
        out = _ffi.new("char **")
        rc = _lib.wpk_title_from_url(url.encode(), out)
        if rc:
            raise NotFound(f"{url}: not an article's URL", rc)
        try:
            return _ffi.string(out[0]).decode()
        finally:
            _lib.wpk_free(out[0])

    def __getitem__(self, path: str) -> Article:
        return self.get(path=path)

    def __contains__(self, path: object) -> bool:
        try:
            self.get(path=path)  # type: ignore[arg-type]
            return True
        except KeyError:
            return False

    def _read(self, n: int) -> bytes:
        err = _ffi.new("wpk_error *")
        e = _ffi.new("wpk_entry **")
        rc = _lib.wpk_reader_entry_at(self._reader(), n, e, err)
        if rc:
            _raise(rc, err)
        buf = _ffi.new("void **")
        try:
            rc = _lib.wpk_reader_read_alloc(self._r, e[0], buf, 1, err)
            if rc < 0:
                _raise(rc, err)
            size = e[0].size
        finally:
            _lib.wpk_entry_free(e[0])
        try:
            return _ffi.unpack(_ffi.cast("char *", buf[0]), size) if size else b""
        finally:
            _lib.wpk_free(buf[0])

    # -- lists
    def _numbers(self, call: Any, *args: Any, limit: int = 0, tail: Tuple[Any, ...] = ()) -> List[int]:
        """The entry numbers a wpk_title_cb call reports (the first `limit`, 0: all)."""
        found: List[int] = []
        err = _ffi.new("wpk_error *")
        handle = _ffi.new_handle((found, limit))
        rc = call(self._reader(), *args, _lib._title_cb, handle, *tail, err)
        if rc < 0:
            _raise(rc, err)
        return found

    def find(self, prefix: str, limit: int = 10) -> List[Article]:
        """Articles whose title starts with prefix (folded as titles are),
        at most limit, in title order."""
        return [self.entry(n) for n in self._numbers(_lib.wpk_reader_find_prefix, prefix.encode(), limit)]

    def category(self, name: str) -> List[Article]:
        """The members of a category ("Category:..." or its bare name)."""
        return [self.entry(n) for n in self._numbers(_lib.wpk_reader_category, name.encode())]

    def _stored(self) -> List[Tuple[int, int, bool, bool, int]]:
        found: List[Tuple[int, int, bool, bool, int]] = []
        err = _ffi.new("wpk_error *")
        handle = _ffi.new_handle(found)
        rc = _lib.wpk_reader_foreach(self._reader(), _lib._entry_cb, handle, err)
        if rc < 0:
            _raise(rc, err)
        found.sort()  # by block, then entry: each block is decompressed once
        return found

    def entries(self) -> Iterator[Article]:
        """Every entry (older versions and redirects too), in storage order:
        each block is decompressed once however many entries it holds."""
        for _, n, _, _, _ in self._stored():
            yield self.entry(n)

    def articles(self) -> Iterator[Tuple[Article, bytes]]:
        """(article, content) for every current article with content (no
        older version, no redirect), in storage order."""
        for _, n, is_revision, is_redirect, size in self._stored():
            if is_revision or is_redirect or not size:
                continue
            yield self.entry(n), self._read(n)

    def __iter__(self) -> Iterator[Article]:
        return self.entries()

    # -- search
    @property
    def has_search(self) -> bool:
        return bool(_lib.wpk_reader_has_search(self._reader()))

    def search(self, query: str, limit: int = 10, offset: int = 0, snippets: bool = True,
               language: Optional[str] = None) -> SearchResults:
        """Ranked full-text search: words, "exact phrases", prefix*, -excluded.
        NotFound when the archive has no search index."""
        opts = _ffi.new("wpk_search_opts *", {"struct_size": _ffi.sizeof("wpk_search_opts"), "limit": limit,
                                              "offset": offset, "snippets": int(snippets)})
        lang = _ffi.new("char[]", language.encode()) if language else _ffi.NULL
        opts.language = lang
        out = _ffi.new("wpk_search_results **")
        err = _ffi.new("wpk_error *")
        rc = _lib.wpk_reader_search(self._reader(), query.encode(), opts, out, err)
        if rc:
            _raise(rc, err)
        res = out[0]
        try:
            hits = SearchResults()
            hits.matches = res.matches
            for i in range(res.count):
                h = res.hits[i]
                snippet, marks = None, ()
                if h.snippet != _ffi.NULL:
                    raw = _ffi.string(h.snippet)
                    snippet = raw.decode("utf-8", "replace")
                    marks = tuple(_span(raw, h.marks[k].at, h.marks[k].len) for k in range(h.mark_count))
                hits.append(Hit(self.entry(h.entry), h.score, snippet, marks))
            return hits
        finally:
            _lib.wpk_search_results_free(res)

    # -- the whole archive
    @property
    def info(self) -> ArchiveInfo:
        i = _ffi.new("wpk_archive_info *", {"struct_size": _ffi.sizeof("wpk_archive_info")})
        rc = _lib.wpk_reader_info(self._reader(), i)
        if rc:
            raise WikipackError("wpk_reader_info failed", rc)
        return ArchiveInfo(
            format_version=f"{i.version_major}.{i.version_minor}", file_size=i.file_size, entries=i.entry_count,
            articles=i.articles, revisions=i.revisions, aliases=i.aliases, categories=i.categories,
            redirects=i.redirects, blocks=i.block_count, content_bytes=i.content_bytes, data_bytes=i.data_bytes,
            index_bytes=i.index_bytes, has_search=self.has_search)

    def verify(self, full: bool = True) -> VerifyReport:
        """Check the archive: every index and checksum (full: every block
        decompressed and every entry's content checked too). Problems are
        reported, not raised."""
        problems: List[str] = []
        stats = _ffi.new("wpk_verify_stats *", {"struct_size": _ffi.sizeof("wpk_verify_stats")})
        err = _ffi.new("wpk_error *")
        handle = _ffi.new_handle(problems)
        level = _lib.WPK_VERIFY_FULL if full else _lib.WPK_VERIFY_QUICK
        rc = _lib.wpk_reader_verify(self._reader(), level, _lib._problem_cb, handle, stats, err)
        if rc and not problems:
            problems.append(_ffi.string(err.message).decode("utf-8", "replace"))
        return VerifyReport(tuple(problems), stats.pages_checked, stats.blocks_checked, stats.entries_checked,
                            stats.bytes_checked)


def _span(raw: bytes, at: int, n: int) -> Tuple[int, int]:
    """A byte range of UTF-8 text as a range of characters."""
    start = len(raw[:at].decode("utf-8", "replace"))
    return start, start + len(raw[at:at + n].decode("utf-8", "replace"))


def open(path_or_url: PathLike) -> Archive:  # noqa: A001 - the package's verb, as in zipfile
    """Open an archive (a file, or an http(s):// URL); use with `with`."""
    return Archive(path_or_url)


# ---- writing ------------------------------------------------------------------

_FIELDS = {"path", "text", "bytes", "title", "page_id", "wiki", "language", "url", "mime", "updated", "redirect",
           "categories", "namespace", "revision_id", "contributor", "comment"}


def _updated_us(v: Any) -> int:
    if isinstance(v, _dt.datetime):
        if v.tzinfo is None:
            v = v.replace(tzinfo=_dt.timezone.utc)
        d = v - _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
        return (d.days * 86400 + d.seconds) * 1_000_000 + d.microseconds
    return int(v)


def pack(output: PathLike, entries: Iterable[Mapping[str, Any]], *, level: Optional[int] = None,
         fast: bool = False, threads: int = 0, search: bool = True,
         aliases: Optional[Mapping[str, str]] = None) -> Dict[str, int]:
    """Write an archive from dicts: "path" (required) and "text" (str) or
    "bytes", and any of title, page_id, wiki, language, url, mime, updated
    (datetime or microseconds since 1970), redirect, categories (a list),
    namespace, revision_id, contributor, comment. aliases maps an alias
    title to an article's title. The archive appears under `output` only
    once it is whole; on any error nothing is left there. Returns counts
    (entries, articles, file_size, search_documents)."""
    opts = _ffi.new("wpk_write_opts *", {"struct_size": _ffi.sizeof("wpk_write_opts"), "threads": threads,
                                         "search": 0 if search else -1})
    if level is not None:
        opts.level = level
    elif fast:  # as `wikipack pack --fast`: zstd level 3, no dictionary
        opts.level = 3
        opts.dictionary = -1
    out = _ffi.new("wpk_writer **")
    err = _ffi.new("wpk_error *")
    rc = _lib.wpk_writer_create(out, _os.fspath(output).encode(), opts, err)
    if rc:
        _raise(rc, err)
    w = out[0]
    try:
        for i, d in enumerate(entries):
            unknown = set(d) - _FIELDS
            if unknown:
                raise InvalidArgument(f"entry {i}: unknown field(s) {', '.join(sorted(unknown))}", _lib.WPK_E_INVALID)
            if "path" not in d:
                raise InvalidArgument(f"entry {i}: no path", _lib.WPK_E_INVALID)
            data = d["bytes"] if "bytes" in d else d.get("text", "").encode("utf-8")
            e = _ffi.new("wpk_entry *", {"struct_size": _ffi.sizeof("wpk_entry")})
            keep = []  # the C strings live until the entry is added

            def c(v: Optional[str]) -> Any:
                if v is None:
                    return _ffi.NULL
                s = _ffi.new("char[]", str(v).encode("utf-8"))
                keep.append(s)
                return s
            e.path = c(d["path"])
            for name in ("title", "wiki", "language", "url", "mime", "redirect", "contributor", "comment"):
                if d.get(name) is not None:
                    setattr(e, name, c(d[name]))
            if d.get("page_id") is not None:
                e.page_id, e.has_page_id = int(d["page_id"]), 1
            if d.get("updated") is not None:
                e.updated_us, e.has_updated = _updated_us(d["updated"]), 1
            if d.get("namespace") is not None:
                e.ns, e.has_ns = int(d["namespace"]), 1
            if d.get("revision_id") is not None:
                e.revision_id, e.has_revision_id = int(d["revision_id"]), 1
            cats = d.get("categories") or ()
            if cats:
                arr = _ffi.new("char *[]", [c(x) for x in cats])
                keep.append(arr)
                e.categories = _ffi.cast("const char *const *", arr)
                e.n_categories = len(cats)
            rc = _lib.wpk_writer_add(w, e, data, len(data), err)
            if rc:
                _raise(rc, err)
        for alias, target in (aliases or {}).items():
            rc = _lib.wpk_writer_add_alias(w, alias.encode(), target.encode(), err)
            if rc:
                _raise(rc, err)
        stats = _ffi.new("wpk_write_stats *", {"struct_size": _ffi.sizeof("wpk_write_stats")})
        rc = _lib.wpk_writer_finish(w, stats, err)
        if rc:
            _raise(rc, err)
        return {"entries": stats.entries, "articles": stats.articles, "file_size": stats.file_size,
                "search_documents": stats.search_documents}
    finally:
        _lib.wpk_writer_free(w)
