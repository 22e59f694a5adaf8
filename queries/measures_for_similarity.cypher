// Every measure as the similarity linker takes it: rebuilds a similarity index it cannot read.
MATCH (m:Measure)
WHERE m.kind = 'measure'
OPTIONAL MATCH (m)-[:HAS_THEME]->(t:Theme)
RETURN m.id AS id, m.region AS region, m.title AS title, m.text AS text, collect(t.key) AS themes
ORDER BY id
