// The titles of measures, by primary key (the pairs of a comparison merged from kept answers).
UNWIND $ids AS i
MATCH (m:Measure {id: i})
RETURN m.id AS id, m.title AS title
