// Counts that change whenever facts an answer is built from are added: answers cached for
// one state of the graph are recomputed once they differ.
MATCH (m:Measure) RETURN 'measures' AS what, count(*) AS n
UNION ALL
MATCH ()-[r:HAS_THEME]->() RETURN 'has_theme' AS what, count(*) AS n
UNION ALL
MATCH ()-[r:REPLICATED_TO]->() RETURN 'replicated_to' AS what, count(*) AS n
UNION ALL
MATCH (d:Document) RETURN 'documents' AS what, count(*) AS n
