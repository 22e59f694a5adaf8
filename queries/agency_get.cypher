// One agency by its id ("厦门|市科技局"), with agency_find's columns: found by its key, where
// agency_find scans every agency for a name or alias (13.2 ms -> 1.3 ms at 100k measures).
MATCH (a:Agency {id: $key})
OPTIONAL MATCH (m:Measure)-[:LED_BY]->(a)
WHERE m.kind = 'measure'
RETURN a.id AS id, a.name AS name, a.region AS region, a.collective AS collective,
       count(DISTINCT m.id) AS measure_count
