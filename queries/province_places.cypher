// Every province's places (one PART_OF level): kept by the ingest beside the flows, for
// research.paths to read region_children and region_provinces from the text index.
MATCH (c:Region)-[:PART_OF]->(p:Region)
WHERE p.level = 'province'
RETURN p.name AS parent, c.name AS child
