// Neighbours of Practice nodes (outgoing relations) for the subgraph builder.
// Only the relation types the schema lets out of a Practice (graph/schema.py, checked by
// tests/test_subgraph_order.py): LadybugDB plans an unnamed relation over every relation
// table (a measure's incoming neighbours: 0.34 ms unnamed, 0.14 ms named; bench/FIXES.md).
// NULL stands for a property none of them has; a far table without one gives null too.
MATCH (n:Practice)-[r:BELONGS_TO]->(m)
WHERE n.key IN $keys
RETURN n.key AS src, label(r) AS rel, label(m) AS label,
       NULL AS id, NULL AS name, m.key AS key, NULL AS title, m.name_zh AS name_zh, NULL AS region, NULL AS text, NULL AS document_id,
       NULL AS role, NULL AS score, NULL AS scope, NULL AS measure_id
// A stable order, so the same request always draws the same capped picture: two edges
// between the same nodes differ in their role, measure, scope or score (graph/subgraph.py
// sorts a single node's rows the same way).
ORDER BY src, rel, label, id, name, key, role, measure_id, scope, score
LIMIT $limit
