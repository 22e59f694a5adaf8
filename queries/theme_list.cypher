MATCH (t:Theme)
OPTIONAL MATCH (t)<-[:HAS_THEME]-(m:Measure)
WITH t, count(DISTINCT m.id) AS measure_count, count(DISTINCT m.region) AS region_count
// the named practices of the theme (a question may name one of them: /api/adopters?q=银税互动);
// the two lists are collected together, so a key and its name share a position
OPTIONAL MATCH (t)<-[:BELONGS_TO]-(p:Practice)
RETURN t.key AS key, t.name_zh AS name_zh, t.name_en AS name_en, measure_count, region_count,
       collect(p.key) AS practices, collect(p.name_zh) AS practice_names
ORDER BY measure_count DESC, key
