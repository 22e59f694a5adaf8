// search_measures over the candidates the project's text index found, in the index's order
// (document, ordinal): which of them really hold every term.
UNWIND $ids AS i
MATCH (m:Measure {id: i})
WHERE m.kind = 'measure'
  AND all(t IN $terms WHERE m.text CONTAINS t OR m.title CONTAINS t)
RETURN m.id AS id
