// The name of every region the graph holds (the text index keeps them: a name that is none of
// them is told without a graph statement, policy_graph.regions.resolve_region_name).
MATCH (g:Region)
RETURN g.name AS name
ORDER BY name
LIMIT $limit
