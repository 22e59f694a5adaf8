// Who adopted a named practice (银税互动, 知保贷 …), one row per region and way (via), as
// adopters_theme_regions does for a theme: the region's own measures carrying the practice
// (by name, alias or equivalent phrase: HAS_PRACTICE), the measures scoped to the region
// (m.scope), the regions it was replicated to and the pilots it was replicated from, counting
// a replication only when the practice that travelled is this one (r.practices). A (region,
// measure) pair is counted once: each later way leaves out what an earlier one already holds.
MATCH (p:Practice {key: $practice})
WITH p
MATCH (p)<-[:HAS_PRACTICE]-(m:Measure)
WHERE m.kind = 'measure'
WITH m.region AS region, coalesce(m.doc_date, '9999-99-99') + ' ' + m.id AS k
RETURN region, 'measure' AS via, count(*) AS n, list_sort(collect(k))[1:$per_region] AS keys
UNION ALL
MATCH (p:Practice {key: $practice})
WITH p
MATCH (p)<-[:HAS_PRACTICE]-(m:Measure)
WHERE m.kind = 'measure' AND size(coalesce(m.scope, [])) > 0
UNWIND m.scope AS region
WITH region, coalesce(m.doc_date, '9999-99-99') + ' ' + m.id AS k
RETURN region, 'scope' AS via, count(*) AS n, list_sort(collect(k))[1:$per_region] AS keys
UNION ALL
MATCH (p:Practice {key: $practice})<-[:HAS_PRACTICE]-(m:Measure)-[r:REPLICATED_TO]->(g:Region)
WHERE $practice IN r.practices AND NOT (g.name = m.region AND m.kind = 'measure')
  AND NOT (m.kind = 'measure' AND g.name IN coalesce(m.scope, []))
WITH g.name AS region, coalesce(m.doc_date, '9999-99-99') + ' ' + m.id AS k
RETURN region, 'replicated_to' AS via, count(DISTINCT k) AS n,
       list_sort(collect(DISTINCT k))[1:$per_region] AS keys
UNION ALL
MATCH (p:Practice {key: $practice})<-[:HAS_PRACTICE]-(m:Measure)-[r:REPLICATED_TO]->(:Region)
WHERE $practice IN r.practices AND r.from_region <> ''
  AND NOT (r.from_region = m.region AND m.kind = 'measure')
  AND NOT (m.kind = 'measure' AND r.from_region IN coalesce(m.scope, []))
  AND NOT EXISTS { MATCH (m)-[r2:REPLICATED_TO]->(g2:Region) WHERE g2.name = r.from_region AND $practice IN r2.practices }
WITH r.from_region AS region, coalesce(m.doc_date, '9999-99-99') + ' ' + m.id AS k
RETURN region, 'replicated_from' AS via, count(DISTINCT k) AS n,
       list_sort(collect(DISTINCT k))[1:$per_region] AS keys
