// The measure browser (/api/measures with facets, /viz/measures): every measure passing the
// filters ($within: a region and every place in it, by the gazetteer's parents), with the values each facet counts (region and its level, date, themes, practices,
// lead/support agencies). An empty filter parameter ('') lets every measure through. The text
// is left out: only the shown page's rows are read in full (measures_by_ids).
MATCH (m:Measure)
WHERE ($kind = '' OR m.kind = $kind)
  AND ($region = '' OR m.region = $region)
  AND ($document = '' OR m.document_id = $document)
  AND ($date_from = '' OR m.doc_date >= $date_from)
  AND ($date_to = '' OR m.doc_date <= $date_to)
  AND ($theme = '' OR EXISTS { MATCH (m)-[:HAS_THEME]->(t:Theme) WHERE t.key = $theme })
  AND ($practice = '' OR EXISTS { MATCH (m)-[:HAS_PRACTICE]->(p:Practice) WHERE p.key = $practice })
  AND (($agency = '' AND $role = '')
       OR EXISTS { MATCH (m)-[l:LED_BY]->(a:Agency)
                   WHERE ($agency = '' OR a.id = $agency) AND ($role = '' OR l.role = $role) })
OPTIONAL MATCH (m)-[:IN_REGION]->(g:Region)
WHERE g.name = m.region
WITH m, g.level AS level, g.parents AS parents
WHERE ($level = '' OR level = $level)
  AND ($within = '' OR m.region = $within OR $within IN parents)
OPTIONAL MATCH (m)-[:HAS_THEME]->(t:Theme)
WITH m, level, collect(t.key) AS themes
OPTIONAL MATCH (m)-[:HAS_PRACTICE]->(p:Practice)
WITH m, level, themes, collect(p.key) AS practices
OPTIONAL MATCH (m)-[l:LED_BY]->(a:Agency)
RETURN m.id AS id, m.region AS region, level, m.kind AS kind, m.doc_date AS date, m.document_id AS document,
       m.ordinal AS ordinal, m.title AS title, themes, practices,
       collect(a.id) AS agencies, collect(l.role) AS roles
ORDER BY id
LIMIT $limit
