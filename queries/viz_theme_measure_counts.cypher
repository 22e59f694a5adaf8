MATCH (m:Measure)-[:HAS_THEME]->(t:Theme)
RETURN t.key AS key, count(m) AS n
