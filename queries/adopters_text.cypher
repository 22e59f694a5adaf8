// Fallback when the query names no theme: measures whose text holds every term. Rows stay
// narrow (no text) so a common phrase can return every region; the caller fetches the
// text of the few measures it shows per region to cut the evidence sentence.
MATCH (m:Measure)-[:IN_DOCUMENT]->(d:Document)
WHERE m.kind = 'measure' AND all(t IN $terms WHERE m.text CONTAINS t)
RETURN m.region AS region, 'measure' AS via, m.id AS id, m.title AS title, d.id AS document,
       d.title AS document_title, d.date AS date
LIMIT $limit
