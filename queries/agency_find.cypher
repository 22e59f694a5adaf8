// The agencies a page or question names: by identity ("<region>|<name>"), or by name or alias
// (市科技局 names one office in each city that has one: every match is returned).
MATCH (a:Agency)
WHERE a.id = $key OR a.name = $key OR $key IN a.aliases
OPTIONAL MATCH (m:Measure)-[:LED_BY]->(a)
WHERE m.kind = 'measure'
RETURN a.id AS id, a.name AS name, a.region AS region, a.collective AS collective,
       count(DISTINCT m.id) AS measure_count
ORDER BY measure_count DESC, id
LIMIT $limit
