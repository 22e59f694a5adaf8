// The places a province holds (one PART_OF level): a practice replicated to the province
// reaches them (research.paths). Only provinces: a city-wide replication names its city.
UNWIND $names AS n
MATCH (c:Region)-[:PART_OF]->(p:Region {name: n})
WHERE p.level = 'province'
RETURN p.name AS parent, c.name AS child
ORDER BY parent, child
LIMIT $limit
