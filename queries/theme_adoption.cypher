// Theme by region, for comparisons and gaps: own measures, measures scoped to the region (m.scope)
// and practices replicated into the region.
MATCH (t:Theme)<-[h:HAS_THEME]-(m:Measure)
WHERE m.kind = 'measure' AND ($any_region OR m.region IN $regions)
RETURN t.key AS theme, t.name_zh AS name_zh, t.name_en AS name_en, m.region AS region,
       'measure' AS via, m.id AS id, m.title AS title, m.document_id AS document,
       h.evidence AS evidence
LIMIT $limit
UNION ALL
MATCH (t:Theme)<-[h:HAS_THEME]-(m:Measure)
WHERE m.kind = 'measure' AND size(coalesce(m.scope, [])) > 0
UNWIND m.scope AS region
WITH t, h, m, region
WHERE $any_region OR region IN $regions
RETURN t.key AS theme, t.name_zh AS name_zh, t.name_en AS name_en, region,
       'scope' AS via, m.id AS id, m.title AS title, m.document_id AS document,
       h.evidence AS evidence
LIMIT $limit
UNION ALL
MATCH (t:Theme)<-[h:HAS_THEME]-(m:Measure)-[r:REPLICATED_TO]->(g:Region)
WHERE ($any_region OR g.name IN $regions) AND t.key IN r.themes
RETURN t.key AS theme, t.name_zh AS name_zh, t.name_en AS name_en, g.name AS region,
       'replicated_to' AS via, m.id AS id, m.title AS title, m.document_id AS document,
       h.evidence AS evidence
LIMIT $limit
