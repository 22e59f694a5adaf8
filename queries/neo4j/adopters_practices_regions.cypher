// adopters_practices_regions for Neo4j: no list_sort, so rows are ordered before they are
// collected, and lists are 0-based with an exclusive end.
MATCH (p:Practice)<-[:HAS_PRACTICE]-(m:Measure)
WHERE p.key IN $practices AND m.kind = 'measure'
WITH p.key AS practice, m.region AS region, coalesce(m.doc_date, '9999-99-99') + ' ' + m.id AS k
ORDER BY k
RETURN practice, region, 'measure' AS via, count(*) AS n, collect(k)[0..$per_region] AS keys
UNION ALL
MATCH (p:Practice)<-[:HAS_PRACTICE]-(m:Measure)
WHERE p.key IN $practices AND m.kind = 'measure' AND size(coalesce(m.scope, [])) > 0
UNWIND m.scope AS region
WITH p.key AS practice, region, coalesce(m.doc_date, '9999-99-99') + ' ' + m.id AS k
ORDER BY k
RETURN practice, region, 'scope' AS via, count(*) AS n, collect(k)[0..$per_region] AS keys
UNION ALL
MATCH (p:Practice)<-[:HAS_PRACTICE]-(m:Measure)-[r:REPLICATED_TO]->(g:Region)
WHERE p.key IN $practices AND p.key IN r.practices AND NOT (g.name = m.region AND m.kind = 'measure')
  AND NOT (m.kind = 'measure' AND g.name IN coalesce(m.scope, []))
WITH p.key AS practice, g.name AS region, coalesce(m.doc_date, '9999-99-99') + ' ' + m.id AS k
ORDER BY k
RETURN practice, region, 'replicated_to' AS via, count(DISTINCT k) AS n, collect(DISTINCT k)[0..$per_region] AS keys
UNION ALL
MATCH (p:Practice)<-[:HAS_PRACTICE]-(m:Measure)-[r:REPLICATED_TO]->(:Region)
WHERE p.key IN $practices AND p.key IN r.practices AND r.from_region <> ''
  AND NOT (r.from_region = m.region AND m.kind = 'measure')
  AND NOT (m.kind = 'measure' AND r.from_region IN coalesce(m.scope, []))
  AND NOT EXISTS { MATCH (m)-[r2:REPLICATED_TO]->(g2:Region) WHERE g2.name = r.from_region AND p.key IN r2.practices }
WITH p.key AS practice, r.from_region AS region, coalesce(m.doc_date, '9999-99-99') + ' ' + m.id AS k
ORDER BY k
RETURN practice, region, 'replicated_from' AS via, count(DISTINCT k) AS n, collect(DISTINCT k)[0..$per_region] AS keys
