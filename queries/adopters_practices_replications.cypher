// adopters_practice_replications for many practices in one statement ($items: [{key, ids}]),
// each row carrying its practice (research.kept_answers).
UNWIND $items AS item
UNWIND item.ids AS i
MATCH (m:Measure {id: i})-[r:REPLICATED_TO]->(g:Region)
WHERE item.key IN r.practices
RETURN item.key AS practice, m.id AS id, g.name AS to_region, r.from_region AS from_region, r.evidence AS evidence
