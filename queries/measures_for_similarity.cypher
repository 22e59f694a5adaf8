// Every measure as the similarity linker indexes it: rebuilds an index file that cannot be read.
MATCH (m:Measure)
WHERE m.kind = 'measure'
OPTIONAL MATCH (m)-[:HAS_THEME]->(t:Theme)
RETURN m.id AS id, m.region AS region, m.title AS title, m.text AS text, collect(t.key) AS themes
