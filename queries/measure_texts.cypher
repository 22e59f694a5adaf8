MATCH (m:Measure)
WHERE m.id IN $ids
RETURN m.id AS id, m.text AS text
