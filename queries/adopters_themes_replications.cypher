// adopters_theme_replications for many themes in one statement ($items: [{key, ids}]), each
// row carrying its theme (research.kept_answers).
UNWIND $items AS item
UNWIND item.ids AS i
MATCH (m:Measure {id: i})-[r:REPLICATED_TO]->(g:Region)
WHERE item.key IN r.themes
RETURN item.key AS theme, m.id AS id, g.name AS to_region, r.from_region AS from_region, r.evidence AS evidence
