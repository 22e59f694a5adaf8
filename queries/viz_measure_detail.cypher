MATCH (m:Measure {id: $id})
OPTIONAL MATCH (m)-[:IN_DOCUMENT]->(d:Document)
RETURN m.id AS id, m.region AS region, m.label AS label, m.section AS section, m.kind AS kind,
       m.title AS title, m.text AS text, m.text_original AS text_original,
       m.deadline AS deadline, m.deadline_raw AS deadline_raw, m.fields_json AS fields_json,
       m.document_id AS document_id, d.title AS document_title, d.date AS document_date,
       d.issuer AS document_issuer
