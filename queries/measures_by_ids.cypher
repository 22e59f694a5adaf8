// Search result rows for measures already known to match, by primary key.
UNWIND $ids AS i
MATCH (m:Measure {id: i})
RETURN m.id AS id, m.region AS region, m.document_id AS document, m.label AS label,
       m.section AS section, m.title AS title, m.text AS text
