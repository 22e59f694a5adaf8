// measure_facets for a theme's measures (the browser with a theme filter): the same columns,
// filters and order, the measures found from the theme by its key instead of filtering every
// measure by its collected themes (at 100k measures a theme of 829 measures took 557 ms so and
// 67 ms from the theme; one of 25,178 measures 1.31 s and 0.86 s).
MATCH (:Theme {key: $theme})<-[:HAS_THEME]-(m:Measure)
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
