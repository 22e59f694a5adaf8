// How many similar-to edges the graph holds: none (a first ingest) lets the text index keep the
// linker's edges as they are written instead of reading them back (policy_graph.service.begin_similar_write).
MATCH (:Measure)-[r:SIMILAR_TO]->(:Measure)
RETURN count(r) AS n
