// Which of these documents the graph already holds (the loader merges those, inserts the rest).
UNWIND $ids AS i
MATCH (d:Document {id: i})
RETURN d.id AS id
