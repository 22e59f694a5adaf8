// As queries/subgraph_similar_measure_one.cypher, with startNode(r) where LadybugDB reads the
// edge's source from its _SRC field, type(r) and labels(m)[0] where it has label(r) and label(m).
MATCH (n:Measure)-[r:SIMILAR_TO]-(m:Measure)
WHERE n.id = $key
RETURN startNode(r) = n AS out, n.id AS src, type(r) AS rel, labels(m)[0] AS label,
       m.id AS id, NULL AS name, NULL AS key, m.title AS title, NULL AS name_zh, m.region AS region, m.text AS text, m.document_id AS document_id,
       NULL AS role, r.score AS score, NULL AS scope, NULL AS measure_id
LIMIT 1601
