// One Document by its primary key: the subgraph's centre (graph/subgraph.py resolve_center).
MATCH (n:Document)
WHERE n.id = $key
RETURN n.id AS id, n.title AS title, n.region AS region
LIMIT 1
