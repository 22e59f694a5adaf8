// One Region by its primary key: the subgraph's centre (graph/subgraph.py resolve_center).
MATCH (n:Region)
WHERE n.name = $key
RETURN n.name AS name
LIMIT 1
