// Neighbours of Agency nodes (incoming relations) for the subgraph builder.
// Only the relation types the schema lets into a Agency (graph/schema.py, checked by
// tests/test_subgraph_order.py): LadybugDB plans an unnamed relation over every relation
// table (a measure's incoming neighbours: 0.34 ms unnamed, 0.14 ms named; bench/FIXES.md).
// NULL stands for a property none of them has; a far table without one gives null too.
MATCH (n:Agency)<-[r:LED_BY|MENTIONS]-(m)
WHERE n.id IN $keys
RETURN n.id AS src, label(r) AS rel, label(m) AS label,
       m.id AS id, NULL AS name, NULL AS key, m.title AS title, NULL AS name_zh, m.region AS region, m.text AS text, m.document_id AS document_id,
       r.role AS role, NULL AS score, NULL AS scope, NULL AS measure_id
// A stable order, so the same request always draws the same capped picture: two edges
// between the same nodes differ in their role, measure, scope or score (graph/subgraph.py
// sorts a single node's rows the same way).
ORDER BY src, rel, label, id, name, key, role, measure_id, scope, score
LIMIT $limit
