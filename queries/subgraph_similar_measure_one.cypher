// One Measure's similar measures, both ways, each row marked `out` when the edge leaves it: with
// the neighbours its own document gave it, kept beside its detail (measure_details_neighbours),
// these are the rows of subgraph_out_measure_one and subgraph_in_measure_one, in one statement
// (graph/subgraph.py). At 100k measures: 0.35 ms, where the two took 0.97 and the centre's
// lookup, also read from the kept detail now, 0.10-0.19 (bench/FIXES.md). Asked only while the
// similar-to edges the text index keeps are not the graph's (being written, or never kept).
// Unordered, as the other one-key statements; its cap is written in (twice theirs, for both
// directions): a measure with as many rows is read by the ordered statements.
MATCH (n:Measure)-[r:SIMILAR_TO]-(m:Measure)
WHERE n.id = $key
RETURN struct_extract(r, '_SRC') = id(n) AS out, n.id AS src, label(r) AS rel, label(m) AS label,
       m.id AS id, NULL AS name, NULL AS key, m.title AS title, NULL AS name_zh, m.region AS region, m.text AS text, m.document_id AS document_id,
       NULL AS role, r.score AS score, NULL AS scope, NULL AS measure_id
LIMIT 1601
