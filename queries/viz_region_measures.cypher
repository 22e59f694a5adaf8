MATCH (m:Measure)-[:IN_REGION]->(r:Region {name: $name})
RETURN m.id AS id, m.title AS title, m.text AS text, m.label AS label, m.kind AS kind,
       m.document_id AS document_id, r.name AS region
ORDER BY document_id, kind, m.ordinal
LIMIT $limit
