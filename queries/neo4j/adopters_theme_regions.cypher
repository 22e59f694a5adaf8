// adopters_theme_regions for Neo4j: no list_sort, so rows are ordered before they are
// collected, and lists are 0-based with an exclusive end.
MATCH (t:Theme {key: $theme})
WITH t
MATCH (t)<-[:HAS_THEME]-(m:Measure)
WHERE m.kind = 'measure'
WITH m.region AS region, coalesce(m.doc_date, '9999-99-99') + ' ' + m.id AS k
ORDER BY k
RETURN region, 'measure' AS via, count(*) AS n, collect(k)[0..$per_region] AS keys
UNION ALL
MATCH (t:Theme {key: $theme})
WITH t
MATCH (t)<-[:HAS_THEME]-(m:Measure)
WHERE m.kind = 'measure' AND size(coalesce(m.scope, [])) > 0
UNWIND m.scope AS region
WITH region, coalesce(m.doc_date, '9999-99-99') + ' ' + m.id AS k
ORDER BY k
RETURN region, 'scope' AS via, count(*) AS n, collect(k)[0..$per_region] AS keys
UNION ALL
MATCH (t:Theme {key: $theme})<-[:HAS_THEME]-(m:Measure)-[r:REPLICATED_TO]->(g:Region)
WHERE $theme IN r.themes AND NOT (g.name = m.region AND m.kind = 'measure')
  AND NOT (m.kind = 'measure' AND g.name IN coalesce(m.scope, []))
WITH g.name AS region, coalesce(m.doc_date, '9999-99-99') + ' ' + m.id AS k
ORDER BY k
RETURN region, 'replicated_to' AS via, count(DISTINCT k) AS n, collect(DISTINCT k)[0..$per_region] AS keys
UNION ALL
MATCH (t:Theme {key: $theme})<-[:HAS_THEME]-(m:Measure)-[r:REPLICATED_TO]->(:Region)
WHERE $theme IN r.themes AND r.from_region <> ''
  AND NOT (r.from_region = m.region AND m.kind = 'measure')
  AND NOT (m.kind = 'measure' AND r.from_region IN coalesce(m.scope, []))
  AND NOT EXISTS { MATCH (m)-[r2:REPLICATED_TO]->(g2:Region) WHERE g2.name = r.from_region AND $theme IN r2.themes }
WITH r.from_region AS region, coalesce(m.doc_date, '9999-99-99') + ' ' + m.id AS k
ORDER BY k
RETURN region, 'replicated_from' AS via, count(DISTINCT k) AS n, collect(DISTINCT k)[0..$per_region] AS keys
