// The title of every document (a few thousand short rows; no text column is read).
MATCH (d:Document)
RETURN d.id AS id, d.title AS title
