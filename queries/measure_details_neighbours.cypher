// The neighbours of every node of the given documents through the relations its own document
// writes (every type the schema lets out of a Measure but SIMILAR_TO, which a later document's
// linking changes), as subgraph_out_measure_one gives them: kept beside each measure's detail
// (lookups.kept_measure_details), so a measure's subgraph reads the graph for none of them; its
// similar measures come from the similar-to edges the text index keeps apart, or from
// subgraph_similar_measure_one (graph/subgraph.py). tests/test_kept_neighbours.py holds the types
// to graph/schema.py.
// A list per measure, each neighbour a list of subgraph_out_measure_one's columns (less score and
// measure_id, which none of these relations has; graph/subgraph.py _KEPT_COLUMNS): at 100k
// measures 4.6 s, where a row per neighbour (1M rows, each a dict in Python) took 8.7 s.
MATCH (n:Measure)-[r:HAS_PRACTICE|HAS_THEME|IN_DOCUMENT|IN_REGION|LED_BY|MENTIONS|REPLICATED_TO]->(m)
WHERE n.document_id IN $documents
RETURN n.id AS src,
       collect([label(r), label(m), m.id, m.name, m.key, m.title, m.name_zh, m.region, m.text, m.document_id,
                r.role, r.scope]) AS neighbours
