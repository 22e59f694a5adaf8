// The date each drawn measure is placed at on a page's time range: its document's date and
// where that date was read (date_source), by measure primary key. The document is found by its
// key (the measure's document_id), not through IN_DOCUMENT: LadybugDB joined an UNWIND to a
// relationship by scanning it, 25 ms for any number of measures at 100k, by key 0.2-2.7 ms.
UNWIND $ids AS i
MATCH (m:Measure {id: i})
WITH m.id AS id, m.document_id AS document
MATCH (d:Document {id: document})
RETURN id, d.date AS date, d.date_source AS date_source
