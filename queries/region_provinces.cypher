// The province each given region is part of (one PART_OF level): a practice replicated to the
// province reaches the region (research.paths, walking backwards from a destination).
UNWIND $names AS n
MATCH (c:Region {name: n})-[:PART_OF]->(p:Region)
WHERE p.level = 'province'
RETURN p.name AS parent, c.name AS child
ORDER BY parent, child
LIMIT $limit
