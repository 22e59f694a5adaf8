// Neighbours of Region nodes (outgoing relations) for the subgraph builder.
// Only the relation types the schema lets out of a Region (graph/schema.py, checked by
// tests/test_subgraph_order.py): LadybugDB plans an unnamed relation over every relation
// table (a measure's incoming neighbours: 0.34 ms unnamed, 0.14 ms named; bench/FIXES.md).
// NULL stands for a property none of them has; a far table without one gives null too.
MATCH (n:Region)-[r:PART_OF|PRACTICE_FLOW]->(m)
WHERE n.name IN $keys
RETURN n.name AS src, label(r) AS rel, label(m) AS label,
       NULL AS id, m.name AS name, NULL AS key, NULL AS title, NULL AS name_zh, NULL AS region, NULL AS text, NULL AS document_id,
       NULL AS role, NULL AS score, r.scope AS scope, r.measure_id AS measure_id
// A stable order, so the same request always draws the same capped picture: two edges
// between the same nodes differ in their role, measure, scope or score (graph/subgraph.py
// sorts a single node's rows the same way).
ORDER BY src, rel, label, id, name, key, role, measure_id, scope, score
LIMIT $limit
