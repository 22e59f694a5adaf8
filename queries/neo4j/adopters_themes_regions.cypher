// adopters_themes_regions for Neo4j: no list_sort, so rows are ordered before they are
// collected, and lists are 0-based with an exclusive end.
MATCH (t:Theme)<-[:HAS_THEME]-(m:Measure)
WHERE t.key IN $themes AND m.kind = 'measure'
WITH t.key AS theme, m.region AS region, coalesce(m.doc_date, '9999-99-99') + ' ' + m.id AS k
ORDER BY k
RETURN theme, region, 'measure' AS via, count(*) AS n, collect(k)[0..$per_region] AS keys
UNION ALL
MATCH (t:Theme)<-[:HAS_THEME]-(m:Measure)
WHERE t.key IN $themes AND m.kind = 'measure' AND size(coalesce(m.scope, [])) > 0
UNWIND m.scope AS region
WITH t.key AS theme, region, coalesce(m.doc_date, '9999-99-99') + ' ' + m.id AS k
ORDER BY k
RETURN theme, region, 'scope' AS via, count(*) AS n, collect(k)[0..$per_region] AS keys
UNION ALL
MATCH (t:Theme)<-[:HAS_THEME]-(m:Measure)-[r:REPLICATED_TO]->(g:Region)
WHERE t.key IN $themes AND t.key IN r.themes AND NOT (g.name = m.region AND m.kind = 'measure')
  AND NOT (m.kind = 'measure' AND g.name IN coalesce(m.scope, []))
WITH t.key AS theme, g.name AS region, coalesce(m.doc_date, '9999-99-99') + ' ' + m.id AS k
ORDER BY k
RETURN theme, region, 'replicated_to' AS via, count(DISTINCT k) AS n, collect(DISTINCT k)[0..$per_region] AS keys
UNION ALL
MATCH (t:Theme)<-[:HAS_THEME]-(m:Measure)-[r:REPLICATED_TO]->(:Region)
WHERE t.key IN $themes AND t.key IN r.themes AND r.from_region <> ''
  AND NOT (r.from_region = m.region AND m.kind = 'measure')
  AND NOT (m.kind = 'measure' AND r.from_region IN coalesce(m.scope, []))
  AND NOT EXISTS { MATCH (m)-[r2:REPLICATED_TO]->(g2:Region) WHERE g2.name = r.from_region AND t.key IN r2.themes }
WITH t.key AS theme, r.from_region AS region, coalesce(m.doc_date, '9999-99-99') + ' ' + m.id AS k
ORDER BY k
RETURN theme, region, 'replicated_from' AS via, count(DISTINCT k) AS n, collect(DISTINCT k)[0..$per_region] AS keys
