// One primary-key lookup per source: `m.id IN $ids` would scan every measure for each call.
UNWIND $ids AS i
MATCH (m:Measure {id: i})-[s:SIMILAR_TO]->(:Measure)
DELETE s
