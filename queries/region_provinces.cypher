// The province each given region is part of (one PART_OF level): a practice replicated to the
// province reaches the region (research.paths, walking backwards from a destination).
MATCH (c:Region)-[:PART_OF]->(p:Region)
WHERE c.name IN $names AND p.level = 'province'
RETURN p.name AS parent, c.name AS child
ORDER BY parent, child
LIMIT $limit
