// The measures that carry a practice, with the region that issued each.
MATCH (t:Theme {key: $key})<-[h:HAS_THEME]-(m:Measure)-[:IN_REGION]->(r:Region)
RETURN m.id AS id, m.title AS title, m.text AS text, m.label AS label, m.kind AS kind,
       m.document_id AS document_id, r.name AS region, h.terms AS terms, h.evidence AS evidence
ORDER BY region, document_id, m.ordinal
LIMIT $limit
