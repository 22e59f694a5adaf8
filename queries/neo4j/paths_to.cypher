// Where a region's practices came from: chains of replication facts ending at it.
// `*1..6` has trail semantics in Neo4j, like LadybugDB's `* TRAIL 1..6`.
MATCH p = (a:Region)-[:PRACTICE_FLOW*1..6]->(b:Region {name: $to_region})
WHERE length(p) <= $max_hops
RETURN [n IN nodes(p) | n.name] AS regions, [r IN relationships(p) | r.measure_id] AS measure_ids,
       [r IN relationships(p) | r.evidence] AS evidence, [r IN relationships(p) | r.document] AS documents,
       length(p) AS hops
ORDER BY hops
LIMIT $limit
