// Theme by region, for comparisons and a region's profile, counted as the adopters answer counts: a region's
// own measures, measures scoped to the region, practices replicated into it, and the pilots a
// replicated practice came from (Fujian's row 已实施区域 厦门片区 → 厦门 adopted it).
// Safeguards are never measures. Each branch starts from the regions asked about and walks their
// edges (IN_REGION: issuer and scope; REPLICATED_TO into them), instead of scanning every
// measure's themes and filtering on a property (as a statement for every region at once did):
// at 10k measures a region's or a comparison's themes in 15 ms instead of 21 (median of 70, in
// process). The same answers; the rows lack only the scope rows of a measure's own region
// (IN_REGION role scope is written for other places: its own region is the 'measure' row, which
// research.adoption_by_theme keeps first).
MATCH (g:Region)<-[i:IN_REGION]-(m:Measure)-[h:HAS_THEME]->(t:Theme)
WHERE g.name IN $regions AND m.kind = 'measure'
RETURN t.key AS theme, t.name_zh AS name_zh, t.name_en AS name_en, g.name AS region,
       CASE WHEN i.role = 'issuer' THEN 'measure' ELSE 'scope' END AS via, m.id AS id, m.title AS title,
       coalesce(m.region, '') AS measure_region, m.document_id AS document, h.evidence AS evidence
LIMIT $limit
UNION ALL
MATCH (t:Theme)<-[h:HAS_THEME]-(m:Measure)-[r:REPLICATED_TO]->(g:Region)
WHERE g.name IN $regions AND t.key IN r.themes
RETURN t.key AS theme, t.name_zh AS name_zh, t.name_en AS name_en, g.name AS region,
       'replicated_to' AS via, m.id AS id, m.title AS title, m.region AS measure_region,
       m.document_id AS document, h.evidence AS evidence
LIMIT $limit
UNION ALL
MATCH (t:Theme)<-[h:HAS_THEME]-(m:Measure)-[r:REPLICATED_TO]->(:Region)
WHERE r.from_region IN $regions AND t.key IN r.themes
RETURN t.key AS theme, t.name_zh AS name_zh, t.name_en AS name_en, r.from_region AS region,
       'replicated_from' AS via, m.id AS id, m.title AS title, m.region AS measure_region,
       m.document_id AS document, h.evidence AS evidence
LIMIT $limit
