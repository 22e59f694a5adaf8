// How a practice travelled: chains of replication facts, across documents.
// Neo4j variable-length patterns never repeat a relationship (trail semantics),
// so `*1..6` matches what LadybugDB's `* TRAIL 1..6` does. The hop bound is a
// literal (Cypher takes no parameter there); $max_hops narrows it.
MATCH p = (a:Region {name: $from_region})-[:PRACTICE_FLOW*1..6]->(b:Region)
WHERE ($to_region = '' OR b.name = $to_region) AND length(p) <= $max_hops
RETURN [n IN nodes(p) | n.name] AS regions, [r IN relationships(p) | r.measure_id] AS measure_ids,
       [r IN relationships(p) | r.evidence] AS evidence, [r IN relationships(p) | r.document] AS documents,
       length(p) AS hops
ORDER BY hops
LIMIT $limit
