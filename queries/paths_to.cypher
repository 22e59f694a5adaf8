// Where a region's practices came from: chains of replication facts ending at it.
MATCH p = (a:Region)-[:PRACTICE_FLOW* TRAIL 1..6]->(b:Region {name: $to_region})
WHERE length(p) <= $max_hops
RETURN properties(nodes(p), 'name') AS regions, properties(rels(p), 'measure_id') AS measure_ids,
       properties(rels(p), 'evidence') AS evidence, properties(rels(p), 'document') AS documents,
       length(p) AS hops
ORDER BY hops
LIMIT $limit
