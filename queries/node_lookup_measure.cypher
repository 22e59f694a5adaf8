// One Measure by its primary key: the subgraph's centre (graph/subgraph.py resolve_center).
MATCH (n:Measure)
WHERE n.id = $key
RETURN n.id AS id, n.title AS title, n.region AS region, n.text AS text, n.document_id AS document_id
LIMIT 1
