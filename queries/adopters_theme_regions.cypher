// Who adopted a practice, one row per region and way (via): how many measures, and the sort
// keys ('<date> <id>', undated last) of the region's first $per_region of them, earliest first.
// Ways: the region's own measures carrying the theme; the measures scoped to the region (a
// national notice's item credited to the locality that piloted it, 适用范围:X; m.scope); the
// regions the practice was replicated to; the regions it was replicated from (the pilots). A
// replication counts only when the practice that travelled carries the theme (r.themes). A (region, measure) pair is counted
// once: each later way leaves out what an earlier one already holds, so the counts add up.
// The database aggregates: a broad theme gives a few hundred rows, not one per measure.
MATCH (t:Theme {key: $theme})
WITH t
MATCH (t)<-[:HAS_THEME]-(m:Measure)
WHERE m.kind = 'measure'
WITH m.region AS region, coalesce(m.doc_date, '9999-99-99') + ' ' + m.id AS k
RETURN region, 'measure' AS via, count(*) AS n, list_sort(collect(k))[1:$per_region] AS keys
UNION ALL
MATCH (t:Theme {key: $theme})
WITH t
MATCH (t)<-[:HAS_THEME]-(m:Measure)
WHERE m.kind = 'measure' AND size(coalesce(m.scope, [])) > 0
UNWIND m.scope AS region
WITH region, coalesce(m.doc_date, '9999-99-99') + ' ' + m.id AS k
RETURN region, 'scope' AS via, count(*) AS n, list_sort(collect(k))[1:$per_region] AS keys
UNION ALL
MATCH (t:Theme {key: $theme})<-[:HAS_THEME]-(m:Measure)-[r:REPLICATED_TO]->(g:Region)
WHERE $theme IN r.themes AND NOT (g.name = m.region AND m.kind = 'measure')
  AND NOT (m.kind = 'measure' AND g.name IN coalesce(m.scope, []))
WITH g.name AS region, coalesce(m.doc_date, '9999-99-99') + ' ' + m.id AS k
RETURN region, 'replicated_to' AS via, count(DISTINCT k) AS n,
       list_sort(collect(DISTINCT k))[1:$per_region] AS keys
UNION ALL
MATCH (t:Theme {key: $theme})<-[:HAS_THEME]-(m:Measure)-[r:REPLICATED_TO]->(:Region)
WHERE $theme IN r.themes AND r.from_region <> ''
  AND NOT (r.from_region = m.region AND m.kind = 'measure')
  AND NOT (m.kind = 'measure' AND r.from_region IN coalesce(m.scope, []))
  AND NOT EXISTS { MATCH (m)-[r2:REPLICATED_TO]->(g2:Region) WHERE g2.name = r.from_region AND $theme IN r2.themes }
WITH r.from_region AS region, coalesce(m.doc_date, '9999-99-99') + ' ' + m.id AS k
RETURN region, 'replicated_from' AS via, count(DISTINCT k) AS n,
       list_sort(collect(DISTINCT k))[1:$per_region] AS keys
