// Where each given document's facts come from: its title, date, where the date was read
// (date_source), its region and level; for the provenance columns of a downloaded answer.
UNWIND $ids AS i
MATCH (d:Document {id: i})
RETURN d.id AS id, d.title AS title, d.date AS date, d.date_source AS date_source,
       d.region AS region, d.level AS level
