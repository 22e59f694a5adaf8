// The places a province holds (one PART_OF level): a practice replicated to the province
// reaches them (research.paths). Only provinces: a city-wide replication names its city.
MATCH (c:Region)-[:PART_OF]->(p:Region)
WHERE p.name IN $names AND p.level = 'province'
RETURN p.name AS parent, c.name AS child
ORDER BY parent, child
LIMIT $limit
