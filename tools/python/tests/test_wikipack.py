"""The Python binding against archives it writes and archives the command-line
tool packs (WIKIPACK_CLI and WIKIPACK_SAMPLES, set by ctest)."""
import datetime as dt
import os
import subprocess
import threading

import pytest

import wikipack

DOCS = [
    {"path": "a/python.md", "title": "Python (programming language)", "page_id": 23862, "wiki": "enwiki",
     "language": "en", "mime": "text/markdown", "url": "https://en.wikipedia.org/wiki/Python_(programming_language)",
     "updated": dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.timezone.utc), "revision_id": 1002,
     "categories": ["Category:Programming languages"],
     "text": "# Python\n\nPython is a programming language whose decorators wrap functions. Café au lait.\n"},
    {"path": "a/python-old.md", "title": "Python (programming language)", "page_id": 23862, "wiki": "enwiki",
     "language": "en", "mime": "text/markdown", "revision_id": 1001,
     "updated": dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc),
     "text": "# Python\n\nAn older version about the snake-named language.\n"},
    {"path": "b/monty.md", "title": "Monty Python", "page_id": 18942, "wiki": "enwiki", "language": "en",
     "mime": "text/markdown", "categories": ["Category:Comedy"],
     "text": "# Monty Python\n\nA British comedy group, whose Flying Circus gave Python its name.\n"},
    {"path": "c/boa.txt", "title": "Boa", "page_id": 7, "wiki": "enwiki", "language": "en", "mime": "text/plain",
     "bytes": "A boa is a snake, not a programming language.".encode()},
    {"path": "c/gone.md", "title": "Gone", "page_id": 9, "wiki": "enwiki", "language": "en", "mime": "text/markdown",
     "redirect": "Not in this archive", "text": "#REDIRECT [[Not in this archive]]"},
    {"path": "c/py.md", "title": "Py", "page_id": 8, "wiki": "enwiki", "language": "en", "mime": "text/markdown",
     "redirect": "Python (programming language)", "text": "#REDIRECT [[Python (programming language)]]"},
]


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("wpk") / "small.wpk"
    stats = wikipack.pack(path, DOCS, threads=1, aliases={"CPython language": "Python (programming language)"})
    assert stats["entries"] == len(DOCS)
    assert stats["search_documents"] == 3  # not the older version, not the redirect
    return path


@pytest.fixture()
def wp(archive_path):
    with wikipack.open(archive_path) as a:
        yield a


def test_lookups(wp):
    art = wp.get(id=23862)
    assert art.title == "Python (programming language)" and art.path == "a/python.md"
    assert art.revision_id == 1002 and art.wiki == "enwiki" and art.language == "en"
    assert art.updated == dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.timezone.utc)
    assert art.categories == ("Category:Programming languages",)
    assert "decorators" in art.text and art.bytes == DOCS[0]["text"].encode()
    # a title as a person types it, a URL, a path, an alias, a redirect followed
    assert wp.get(title="python (programming language)").entry_number == art.entry_number
    assert wp.get(title="Python_(programming_language)").entry_number == art.entry_number
    assert wp.get(url="https://en.wikipedia.org/wiki/Python_(programming_language)").path == "a/python.md"
    assert wp.get(path="b/monty.md").page_id == 18942
    assert wp["c/boa.txt"].bytes == DOCS[3]["bytes"]
    assert wp.get(title="CPython language").path == "a/python.md"
    assert wp.get(title="Py").path == "a/python.md"
    assert wp.get(title="Py", follow=False).redirect == "Python (programming language)"
    assert wp.get(id=23862, wiki="enwiki").path == "a/python.md"
    # a redirect whose target is not here: the redirect page itself
    assert wp.get(title="Gone").path == "c/gone.md"


def test_revisions(wp):
    cur = wp.get(id=23862)
    assert len(cur.revisions) == 1
    old = wp.get(id=23862, revision=1001)
    assert old.is_revision and old.current_entry == cur.entry_number and "older version" in old.text
    assert wp.get(title="Python (programming language)", revision=1002).entry_number == cur.entry_number
    with pytest.raises(KeyError):
        wp.get(id=23862, revision=999)


def test_not_found_is_key_error(wp):
    for kw in ({"id": 999999}, {"title": "No such article"}, {"path": "nope.md"}):
        with pytest.raises(KeyError) as e:
            wp.get(**kw)
        assert isinstance(e.value, wikipack.NotFound) and str(e.value)
    assert "nope.md" not in wp and "b/monty.md" in wp
    with pytest.raises(TypeError):
        wp.get(id=1, path="x")


def test_find_and_category(wp):
    assert [a.title for a in wp.find("mon")] == ["Monty Python"]
    assert [a.path for a in wp.category("Category:Comedy")] == ["b/monty.md"]


def test_search(wp):
    assert wp.has_search
    hits = wp.search("programming language")
    titles = [h.article.title for h in hits]
    assert titles[0] == "Python (programming language)" and "Boa" in titles
    assert hits.matches == len(hits) == 2  # one result an article: not the older version
    h = hits[0]
    assert h.snippet and h.marks
    for start, end in h.marks:  # marks are character spans of matched words
        assert h.snippet[start:end].lower().startswith(("program", "languag"))
    assert [x.article.title for x in wp.search("cafe")] == ["Python (programming language)"]  # accents folded
    # a prefix is of terms as stemmed: "decorators" is indexed as "decor"
    assert [h.snippet for h in wp.search("decor* -snake", snippets=False)] == [None]
    with pytest.raises(ValueError):
        wp.search("-only")


def test_iteration_and_info(wp):
    info = wp.info
    assert info.entries == len(wp) == len(DOCS) and info.has_search and info.format_version.startswith("2.")
    entries = list(wp)
    assert sorted(a.path for a in entries) == sorted(d["path"] for d in DOCS)
    arts = dict((a.path, body) for a, body in wp.articles())
    assert set(arts) == {"a/python.md", "b/monty.md", "c/boa.txt"}
    assert arts["b/monty.md"] == DOCS[2]["text"].encode()


def test_verify(wp):
    report = wp.verify()
    assert report.ok and report.entries_checked >= len(DOCS) and report.bytes_checked > 0


def test_threads_share_an_archive(wp):
    want = {d["page_id"]: d.get("bytes") or d["text"].encode() for d in (DOCS[0], DOCS[2], DOCS[3])}
    bad = []

    def work():
        for _ in range(200):
            for pid, body in want.items():
                if wp.get(id=pid).bytes != body:
                    bad.append(pid)
            wp.search("python")

    ts = [threading.Thread(target=work) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not bad


def test_closed(archive_path):
    a = wikipack.open(archive_path)
    art = a.get(id=7)
    a.close()
    with pytest.raises(ValueError):
        a.get(id=7)
    with pytest.raises(ValueError):
        art.bytes


def test_not_an_archive(tmp_path):
    p = tmp_path / "x.wpk"
    p.write_bytes(b"this is not an archive" * 100)
    with pytest.raises(wikipack.FormatError) as e:
        wikipack.open(p)
    assert str(p) in str(e.value)
    with pytest.raises(OSError):
        wikipack.open(tmp_path / "missing.wpk")


def test_damaged_content(archive_path, tmp_path):
    """A flipped byte in a block: that entry's read is CorruptArchive, verify
    says so, and the archive still opens."""
    with wikipack.open(archive_path) as a:
        art = a.get(path="c/boa.txt")
        at = art.block_offset + 20
    data = bytearray(archive_path.read_bytes())
    data[at] ^= 0xFF
    bad = tmp_path / "bad.wpk"
    bad.write_bytes(bytes(data))
    with wikipack.open(bad) as a:
        with pytest.raises(wikipack.CorruptArchive):
            for pid in (23862, 18942, 7):
                a.get(id=pid).bytes
        assert not a.verify().ok


def test_pack_refuses_and_leaves_nothing(tmp_path):
    out = tmp_path / "out.wpk"
    with pytest.raises(ValueError):
        wikipack.pack(out, [{"path": "ok.md", "text": "x"}, {"title": "no path"}])
    with pytest.raises(ValueError):
        wikipack.pack(out, [{"path": "a.md", "text": "x"}, {"path": "a.md", "text": "y"}])
    with pytest.raises(ValueError):
        wikipack.pack(out, [{"path": "a.md", "text": "x", "colour": "red"}])
    assert not out.exists() and os.listdir(tmp_path) == []


def test_a_packed_sample(tmp_path):
    """An archive the command-line tool packs, read here as there."""
    cli, samples = os.environ.get("WIKIPACK_CLI"), os.environ.get("WIKIPACK_SAMPLES")
    if not cli or not samples:
        pytest.fail("WIKIPACK_CLI and WIKIPACK_SAMPLES must name the wikipack tool and tests/samples")
    out = tmp_path / "sample.wpk"
    subprocess.run([cli, "pack", "-q", "--fast", "-o", str(out), os.path.join(samples, "articles")], check=True)
    listed = subprocess.run([cli, "list", "--revisions", str(out)], check=True, capture_output=True, text=True).stdout
    with wikipack.open(out) as a:
        paths = [line.split("\t")[2] for line in listed.splitlines()]
        assert sorted(x.path for x in a) == sorted(paths)
        for p in paths[:20]:
            got = subprocess.run([cli, "get", str(out), "--path", p], check=True, capture_output=True).stdout
            assert a.get(path=p).bytes == got
