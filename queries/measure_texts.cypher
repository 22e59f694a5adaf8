// One primary-key lookup per id: `m.id IN $ids` would scan every measure.
UNWIND $ids AS i
MATCH (m:Measure {id: i})
RETURN m.id AS id, m.text AS text
