MATCH (m:Measure)
WHERE m.id IN $ids
RETURN m.id AS id, m.title AS title, m.text AS text, m.label AS label, m.kind AS kind,
       m.document_id AS document_id, m.region AS region
