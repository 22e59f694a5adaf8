// Every measure as the text index keeps it: rebuilds an index file of an older format.
MATCH (m:Measure)
WHERE m.kind = 'measure'
RETURN m.id AS id, m.document_id AS document, m.ordinal AS ordinal, m.title AS title, m.text AS text,
       m.region AS region, m.doc_date AS date, m.label AS label, m.section AS section
