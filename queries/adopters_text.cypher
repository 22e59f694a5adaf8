// Fallback when the query names no theme: measures whose text holds every term.
MATCH (m:Measure)-[:IN_DOCUMENT]->(d:Document)
WHERE m.kind = 'measure' AND all(t IN $terms WHERE m.text CONTAINS t)
RETURN m.region AS region, 'measure' AS via, m.id AS id, m.title AS title, d.id AS document,
       d.title AS document_title, d.date AS date, m.text AS evidence
LIMIT $limit
