// The measure browser (/api/measures with facets, /viz/measures): every measure passing the
// filters ($within: a region and every place in it, by the gazetteer's parents), with the values
// each facet counts (region and its level, date, themes, practices, lead/support agencies). An
// empty filter parameter ('') lets every measure through. The text is left out: only the shown
// page's rows are read in full (measures_by_ids).
// Each filter is applied as soon as what it needs is at hand, so the facets are collected only
// for the measures still in: the region's level and parents by its name (through IN_REGION the
// join cost 25 ms at 10k measures, by name 2.4), the theme and practice filters on the collected
// keys, the agency and role on the collected lines (role and agency together as one string:
// roles are single words). Filtering first by EXISTS subqueries cost ~6 ms each even when their
// filter was empty. At 10k measures, against the statement before: a region 134 -> 17.5 ms, a
// province (within) 142 -> 34, the whole corpus 462 -> 274, an agency unchanged (~105).
MATCH (m:Measure)
WHERE ($kind = '' OR m.kind = $kind)
  AND ($region = '' OR m.region = $region)
  AND ($document = '' OR m.document_id = $document)
  AND ($date_from = '' OR m.doc_date >= $date_from)
  AND ($date_to = '' OR m.doc_date <= $date_to)
OPTIONAL MATCH (g:Region)
WHERE g.name = m.region
WITH m, g.level AS level, g.parents AS parents
WHERE ($level = '' OR level = $level)
  AND ($within = '' OR m.region = $within OR $within IN parents)
OPTIONAL MATCH (m)-[:HAS_THEME]->(t:Theme)
WITH m, level, collect(t.key) AS themes
WHERE $theme = '' OR $theme IN themes
OPTIONAL MATCH (m)-[:HAS_PRACTICE]->(p:Practice)
WITH m, level, themes, collect(p.key) AS practices
WHERE $practice = '' OR $practice IN practices
OPTIONAL MATCH (m)-[l:LED_BY]->(a:Agency)
WITH m, level, themes, practices, collect(a.id) AS agencies, collect(l.role) AS roles,
     collect(l.role + ' ' + a.id) AS led
WHERE ($agency = '' OR $agency IN agencies)
  AND ($role = '' OR $role IN roles)
  AND ($agency = '' OR $role = '' OR ($role + ' ' + $agency) IN led)
RETURN m.id AS id, m.region AS region, level, m.kind AS kind, m.doc_date AS date, m.document_id AS document,
       m.ordinal AS ordinal, m.title AS title, themes, practices, agencies, roles
ORDER BY id
LIMIT $limit
