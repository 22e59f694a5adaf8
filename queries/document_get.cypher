MATCH (d:Document {id: $id})
RETURN d.id AS id, d.title AS title, d.region AS region, d.issuer AS issuer, d.date AS date,
       d.script AS script, d.doc_number AS doc_number, d.path AS path,
       d.measure_count AS measure_count, d.level AS level, d.date_source AS date_source
