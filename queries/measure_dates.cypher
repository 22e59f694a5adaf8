// The date each drawn measure is placed at on a page's time range: its document's date and
// where that date was read (date_source), by measure primary key.
UNWIND $ids AS i
MATCH (m:Measure {id: i})-[:IN_DOCUMENT]->(d:Document)
RETURN m.id AS id, d.date AS date, d.date_source AS date_source
