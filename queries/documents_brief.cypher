// Title, date and the date's source of the given documents, by primary key.
UNWIND $ids AS i
MATCH (d:Document {id: i})
RETURN d.id AS id, d.title AS title, d.date AS date, d.date_source AS date_source
