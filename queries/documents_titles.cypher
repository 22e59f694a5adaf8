// The title, date and the date's source of every document (a few thousand short rows; no text
// column is read).
MATCH (d:Document)
RETURN d.id AS id, d.title AS title, d.date AS date, d.date_source AS date_source
