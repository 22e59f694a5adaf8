// How many measures an agency leads and supports, and in how many regions.
MATCH (m:Measure)-[l:LED_BY]->(a:Agency {id: $id})
WHERE m.kind = 'measure'
RETURN l.role AS role, count(DISTINCT m.id) AS measure_count, count(DISTINCT m.region) AS region_count
ORDER BY role
