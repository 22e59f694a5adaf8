// theme_adoption for every region at once (a region's gaps against all peers): every measure's
// themes are read, so a scan of the HAS_THEME edges is the plan; theme_adoption walks from the
// regions asked about instead. Counted as the adopters answer counts: a region's own measures,
// measures scoped to the region (m.scope), practices replicated into it, and the pilots a
// replicated practice came from (Fujian's row 已实施区域 厦门片区 → 厦门 adopted it).
// Safeguards are never measures.
// (coalesce: LadybugDB 0.22 crashes when one branch returns the same property twice.)
MATCH (t:Theme)<-[h:HAS_THEME]-(m:Measure)
WHERE m.kind = 'measure'
RETURN t.key AS theme, t.name_zh AS name_zh, t.name_en AS name_en, m.region AS region,
       'measure' AS via, m.id AS id, m.title AS title, coalesce(m.region, '') AS measure_region,
       m.document_id AS document, h.evidence AS evidence
LIMIT $limit
UNION ALL
MATCH (t:Theme)<-[h:HAS_THEME]-(m:Measure)
WHERE m.kind = 'measure' AND size(coalesce(m.scope, [])) > 0
UNWIND m.scope AS region
RETURN t.key AS theme, t.name_zh AS name_zh, t.name_en AS name_en, region,
       'scope' AS via, m.id AS id, m.title AS title, m.region AS measure_region,
       m.document_id AS document, h.evidence AS evidence
LIMIT $limit
UNION ALL
MATCH (t:Theme)<-[h:HAS_THEME]-(m:Measure)-[r:REPLICATED_TO]->(g:Region)
WHERE t.key IN r.themes
RETURN t.key AS theme, t.name_zh AS name_zh, t.name_en AS name_en, g.name AS region,
       'replicated_to' AS via, m.id AS id, m.title AS title, m.region AS measure_region,
       m.document_id AS document, h.evidence AS evidence
LIMIT $limit
UNION ALL
MATCH (t:Theme)<-[h:HAS_THEME]-(m:Measure)-[r:REPLICATED_TO]->(:Region)
WHERE r.from_region <> '' AND t.key IN r.themes
RETURN t.key AS theme, t.name_zh AS name_zh, t.name_en AS name_en, r.from_region AS region,
       'replicated_from' AS via, m.id AS id, m.title AS title, m.region AS measure_region,
       m.document_id AS document, h.evidence AS evidence
LIMIT $limit
