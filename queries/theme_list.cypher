MATCH (t:Theme)
OPTIONAL MATCH (t)<-[:HAS_THEME]-(m:Measure)
RETURN t.key AS key, t.name_zh AS name_zh, t.name_en AS name_en,
       count(DISTINCT m.id) AS measure_count, count(DISTINCT m.region) AS region_count
ORDER BY measure_count DESC, key
