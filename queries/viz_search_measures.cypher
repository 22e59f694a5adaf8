// Substring search over measure titles and text (simplified script; callers convert).
MATCH (m:Measure)
WHERE m.text CONTAINS $q OR m.title CONTAINS $q
RETURN m.id AS id, m.title AS title, m.text AS text, m.region AS region,
       m.document_id AS document_id, m.label AS label
ORDER BY region, document_id, m.ordinal
LIMIT $limit
