// Every term must occur in the title or the text (simplified script; callers convert).
MATCH (m:Measure)
WHERE m.kind = 'measure'
  AND all(t IN $terms WHERE m.text CONTAINS t OR m.title CONTAINS t)
RETURN m.id AS id, m.region AS region, m.document_id AS document, m.label AS label,
       m.section AS section, m.title AS title, m.text AS text
ORDER BY document, m.ordinal
LIMIT $limit
