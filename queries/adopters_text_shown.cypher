// The measures a text adopters answer shows, by primary key: their text gives the sentence.
UNWIND $ids AS i
MATCH (m:Measure {id: i})
RETURN m.id AS id, m.title AS title, m.region AS region, m.document_id AS document, m.doc_date AS date, m.text AS text
