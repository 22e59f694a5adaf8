// Who adopted a practice: regions whose measures carry the theme, regions the practice was
// replicated to, and the regions it was replicated from (the pilots). A replication counts
// only when the practice that travelled carries the theme (r.themes). Document titles come
// from documents_brief: joining every row to its Document here doubles the query's time.
MATCH (t:Theme {key: $theme})<-[h:HAS_THEME]-(m:Measure)
WHERE m.kind = 'measure'
RETURN m.region AS region, 'measure' AS via, m.id AS id, m.title AS title,
       m.document_id AS document, m.doc_date AS date, h.evidence AS evidence,
       '' AS replication_evidence
LIMIT $limit
UNION ALL
MATCH (t:Theme {key: $theme})<-[h:HAS_THEME]-(m:Measure)-[r:REPLICATED_TO]->(g:Region)
WHERE $theme IN r.themes
RETURN g.name AS region, 'replicated_to' AS via, m.id AS id, m.title AS title,
       m.document_id AS document, m.doc_date AS date, h.evidence AS evidence,
       r.evidence AS replication_evidence
LIMIT $limit
UNION ALL
MATCH (t:Theme {key: $theme})<-[h:HAS_THEME]-(m:Measure)-[r:REPLICATED_TO]->(:Region)
WHERE $theme IN r.themes AND r.from_region <> ''
RETURN r.from_region AS region, 'replicated_from' AS via, m.id AS id, m.title AS title,
       m.document_id AS document, m.doc_date AS date, h.evidence AS evidence,
       r.evidence AS replication_evidence
LIMIT $limit
