"""RSS and Atom feeds: one article per entry, bozo feeds still give what they hold."""

from __future__ import annotations

from datetime import date

from detente.ingest import iter_documents
from detente.ingest.feeds import fragment_to_text, looks_like_feed
from detente.records import Article, Failure

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>World Wire</title><link>https://wire.example/</link>
<item>
  <title>Kerry and Lavrov meet</title>
  <link>https://wire.example/kerry-lavrov</link>
  <guid isPermaLink="false">wire-0001</guid>
  <pubDate>Thu, 24 Mar 2016 23:30:00 -0500</pubDate>
  <description>&lt;p&gt;Kerry met &lt;b&gt;Lavrov&lt;/b&gt; in Moscow.&lt;/p&gt;&lt;p&gt;They discussed Syria.&lt;/p&gt;</description>
</item>
<item>
  <title>Empty item</title>
  <description></description>
</item>
<item>
  <title>Ceasefire holds</title>
  <link>https://wire.example/ceasefire</link>
  <description>The ceasefire held.</description>
</item>
</channel></rss>
"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Desk</title><id>urn:desk</id>
<updated>2016-03-25T08:00:00Z</updated>
<entry>
  <id>urn:desk:42</id><title type="html">Talks &lt;em&gt;end&lt;/em&gt;</title>
  <link href="https://desk.example/42"/>
  <updated>2016-03-25T08:00:00Z</updated>
  <summary>Short summary.</summary>
  <content type="html">&lt;div&gt;&lt;p&gt;The two sides met in Geneva.&lt;/p&gt;&lt;script&gt;track()&lt;/script&gt;&lt;p&gt;Talks ended.&lt;/p&gt;&lt;/div&gt;</content>
</entry>
</feed>
"""


def test_rss_entries_become_articles_with_feed_metadata(tmp_path):
    path = tmp_path / "wire.rss"
    path.write_bytes(RSS)
    first, empty, third = iter_documents([str(path)])
    assert isinstance(first, Article)
    assert first.text == "Kerry met Lavrov in Moscow.\n\nThey discussed Syria."
    assert (first.doc_id, first.source_id, first.url) == ("wire-0001", "wire-0001", "https://wire.example/kerry-lavrov")
    assert (first.title, first.source, first.origin) == ("Kerry and Lavrov meet", "World Wire", f"{path}#entry 1")
    # the date as the feed wrote it: 23:30 in New York is still the 24th
    assert first.published == date(2016, 3, 24) and first.published_from == "feed"
    assert empty == Failure(f"{path}#entry 2", "feed entry has no text (neither content nor summary)")
    # no guid: the link names the entry
    assert third.doc_id == "https://wire.example/ceasefire" and third.source_id is None and third.published is None


def test_atom_prefers_full_content_over_the_summary(tmp_path):
    path = tmp_path / "desk.atom"
    path.write_bytes(ATOM)
    [entry] = iter_documents([str(path)])
    assert entry.text == "The two sides met in Geneva.\n\nTalks ended."
    assert entry.title == "Talks end" and entry.doc_id == "urn:desk:42" and entry.source == "Atom Desk"
    assert entry.published == date(2016, 3, 25)


def test_a_broken_feed_reports_the_parser_error_and_keeps_the_entries_it_recovered(tmp_path):
    path = tmp_path / "broken.xml"
    path.write_bytes(RSS.replace(b"<title>Ceasefire holds</title>", b"<title>Ceasefire & truce</title>")
                     .replace(b"</channel></rss>", b""))
    docs = list(iter_documents([str(path)]))
    failures = [d for d in docs if isinstance(d, Failure) and d.where == str(path)]
    assert len(failures) == 1 and "not well-formed" in failures[0].reason
    assert [d.doc_id for d in docs if isinstance(d, Article)] == ["wire-0001", "https://wire.example/ceasefire"]


def test_feeds_are_recognised_by_their_first_bytes(tmp_path):
    rdf = (b'<?xml version="1.0"?>\n<!-- exported -->\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
           b' xmlns="http://purl.org/rss/1.0/"><channel rdf:about="x"><title>Old</title></channel>'
           b'<item rdf:about="https://old.example/1"><title>One</title><link>https://old.example/1</link>'
           b"<description>Chad and Niger signed a deal.</description></item></rdf:RDF>")
    assert looks_like_feed(rdf) and looks_like_feed(b"\xef\xbb\xbf  <feed>") and not looks_like_feed(b"<html><rss>")
    path = tmp_path / "old-feed"  # no suffix
    path.write_bytes(rdf)
    [doc] = iter_documents([str(path)])
    assert isinstance(doc, Article) and doc.text == "Chad and Niger signed a deal." and doc.source == "Old"


def test_xml_that_is_no_feed_fails_once(tmp_path):
    path = tmp_path / "config.xml"
    path.write_bytes(b"<config><a>1</a>")
    [doc] = iter_documents([str(path)])
    assert isinstance(doc, Failure) and doc.where == str(path)
    assert "feed" in doc.reason


def test_short_fragments_are_kept_and_markup_reduced_to_paragraphs():
    assert fragment_to_text("Talks ended.") == "Talks ended."
    assert fragment_to_text("<b>Ceasefire</b> holds") == "Ceasefire holds"
    assert fragment_to_text("<ul><li>One</li><li>Two &amp; three</li></ul><!-- c --><style>p{}</style>") == "One\n\nTwo & three"
