"""JSON Lines, JSON and CSV/TSV documents read through a FieldMap."""

from __future__ import annotations

import json
from datetime import date

from detente.ingest import FieldMap, content_id, iter_documents
from detente.records import Article, Failure


def split(docs):
    good = [d for d in docs if isinstance(d, Article)]
    bad = {d.where: d.reason for d in docs if isinstance(d, Failure)}
    return good, bad


def test_jsonl_fields_are_renamed_and_may_reach_into_nested_objects(tmp_path):
    path = tmp_path / "dump.jsonl"
    records = [
        {"uid": 17, "body": "Iran and Iraq agreed to reopen the border.", "meta": {"pubdate": "2016-03-24T21:00:00-05:00"},
         "headline": "Border to reopen", "link": "https://news.example/17", "outlet": "Wire"},
        {"body": "Chad met Niger."},
    ]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    fields = FieldMap(id="uid", text="body", title="headline", date="meta.pubdate", url="link", source="outlet")
    [first, second] = iter_documents([str(path)], fields)
    assert (first.doc_id, first.source_id, first.origin) == ("17", "17", f"{path}:1")
    assert first.published == date(2016, 3, 24) and first.published_from == "caller"
    assert (first.title, first.url, first.source) == ("Border to reopen", "https://news.example/17", "Wire")
    assert second.doc_id == content_id("Chad met Niger.") and second.source_id is None
    assert second.published is None and second.published_from is None


def test_each_bad_jsonl_record_fails_alone_with_a_clear_reason(tmp_path):
    path = tmp_path / "x.jsonl"
    lines = [
        json.dumps({"id": "ok", "text": "Kerry met Lavrov."}),
        json.dumps({"id": "n", "text": 42}),
        json.dumps({"id": ["a"], "text": "A met B."}),
        json.dumps({"id": "t", "text": "A met B.", "title": 3}),
        json.dumps({"id": "d", "text": "A met B.", "published": "last Tuesday"}),
        json.dumps({"id": "e", "text": "   "}),
        json.dumps("just a string"),
    ]
    path.write_bytes(("\n".join(lines) + "\n").encode() + b"\xff\xfe\n")
    good, bad = split(list(iter_documents([str(path)])))
    assert [a.doc_id for a in good] == ["ok"]
    assert "'text' must be a string, got a number" in bad[f"{path}:2"]
    assert "'id' must be a string or an integer" in bad[f"{path}:3"]
    assert "'title' must be a string" in bad[f"{path}:4"]
    assert "'last Tuesday' is not a YYYY-MM-DD date" in bad[f"{path}:5"]
    assert "empty 'text'" in bad[f"{path}:6"]
    assert "expected a JSON object, got str" in bad[f"{path}:7"]
    assert "not UTF-8" in bad[f"{path}:8"]


def test_a_json_file_may_hold_one_document_or_an_array(tmp_path):
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"id": "s1", "text": "Talks resumed in Geneva."}), encoding="utf-8")
    many = tmp_path / "many.json"
    many.write_text(json.dumps([{"text": "Talks resumed."}, {"title": "no text"}]), encoding="utf-8")
    docs = list(iter_documents([str(one), str(many)]))
    assert [type(d).__name__ for d in docs] == ["Article", "Article", "Failure"]
    assert docs[0].doc_id == "s1" and docs[1].origin == f"{many}[0]" and docs[2].where == f"{many}[1]"


def test_csv_rows_become_documents_and_bad_rows_are_named_by_row(tmp_path):
    path = tmp_path / "data.csv"
    long_text = "The ministers met again. " * 8000  # 200 kB: over csv's default cell limit
    path.write_text(
        "\ufeffid,text,published,title\n"
        'r1,"Kerry met Lavrov in Moscow.\n\nThey discussed Syria, and Ukraine.",2016-03-24,Talks\n'
        "r2,too,many,fields,here\n"
        "r3,,2016-03-24,empty text\n"
        "r4,Chad met Niger.,24/03/2016,bad date\n"
        "\n"
        f'r5,"{long_text}",,\n'
        ',Iran met Iraq.,"Thu, 24 Mar 2016 10:00:00 GMT",\n',
        encoding="utf-8",
    )
    good, bad = split(list(iter_documents([str(path)])))
    assert [a.doc_id for a in good] == ["r1", "r5", content_id("Iran met Iraq.")]
    assert good[0].text == "Kerry met Lavrov in Moscow.\n\nThey discussed Syria, and Ukraine."
    assert good[0].origin == f"{path}:row 2" and good[0].title == "Talks" and good[0].source_id == "r1"
    assert good[1].text == long_text and good[1].published is None and good[1].title is None
    assert good[2].published == date(2016, 3, 24) and good[2].origin == f"{path}:row 8"  # the blank line is row 6
    assert bad == {
        f"{path}:row 3": "row has 5 fields but the header has 4",
        f"{path}:row 4": "empty 'text': no text to code",
        f"{path}:row 5": "published '24/03/2016' is not a YYYY-MM-DD date, an ISO timestamp or an RFC 2822 date",
    }


def test_tsv_uses_tabs_and_a_missing_text_column_names_the_columns(tmp_path):
    tsv = tmp_path / "wire.tsv"
    tsv.write_text("id\tbody\nw1\tIran and Iraq agreed to talk, again.\n", encoding="utf-8")
    [doc] = iter_documents([str(tsv)], FieldMap(text="body"))
    assert isinstance(doc, Article) and doc.text == "Iran and Iraq agreed to talk, again."
    [failure] = iter_documents([str(tsv)])
    assert failure == Failure(str(tsv), "no 'text' column for the document text (the columns are 'id', 'body')")


def test_undecodable_and_empty_csv_files_fail(tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id,text\nr1,Caf\xe9 talks\n".encode("latin-1"))
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    docs = list(iter_documents([str(latin), str(empty)]))
    assert all(isinstance(d, Failure) for d in docs)
    assert "not UTF-8" in docs[0].reason and docs[0].where.startswith(str(latin))
    assert docs[-1] == Failure(str(empty), "empty file: no header row and no documents")


def test_json_lines_under_a_json_name_are_still_read(tmp_path):
    path = tmp_path / "export.json"
    path.write_text('{"id": "a", "text": "Kerry met Lavrov."}\n{"id": "b", "text": "Chad met Niger."}\n', encoding="utf-8")
    assert [d.origin for d in iter_documents([str(path)])] == [f"{path}:1", f"{path}:2"]
