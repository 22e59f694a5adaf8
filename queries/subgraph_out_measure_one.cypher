// Neighbours of one Measure node (outgoing relations) for the subgraph builder, found by its key:
// LadybugDB looks a key up for `=`, and scans the table for `IN $keys` (subgraph_out_measure).
// Only the relation types the schema lets out of a Measure (graph/schema.py, checked by
// tests/test_subgraph_order.py): LadybugDB plans an unnamed relation over every relation
// table (a measure's incoming neighbours: 0.34 ms unnamed, 0.14 ms named; bench/FIXES.md).
// NULL stands for a property none of them has; a far table without one gives null too.
MATCH (n:Measure)-[r:HAS_PRACTICE|HAS_THEME|IN_DOCUMENT|IN_REGION|LED_BY|MENTIONS|REPLICATED_TO|SIMILAR_TO]->(m)
WHERE n.id = $key
RETURN n.id AS src, label(r) AS rel, label(m) AS label,
       m.id AS id, m.name AS name, m.key AS key, m.title AS title, m.name_zh AS name_zh, m.region AS region, m.text AS text, m.document_id AS document_id,
       r.role AS role, r.score AS score, r.scope AS scope, NULL AS measure_id
// Unordered: graph/subgraph.py sorts the rows when they all came (sorting a measure's ~15 rows
// with their texts here was 1.1 ms of a 2.7 ms statement in LadybugDB); past the cap
// it asks the ordered statement for this one key.
// The cap is written in (the default page's 200 nodes x 4 rows, and one more to tell a full page):
// LadybugDB plans a statement again at every run when its LIMIT is a parameter, ~1 ms of this
// statement's ~1.3 at 10k measures. A measure's rows are few (at most ~30 out, a few hundred in
// from similar measures), so the plan kept per connection holds little of the buffer pool, where
// a region's or a theme's (thousands of rows) held enough of it to refuse an upload; a write
// first closes the idle read connections and their plans (LadybugStore._release_idle_readers,
// tests/test_buffer_pool.py). graph/subgraph.py reads the cap from this text.
LIMIT 801
