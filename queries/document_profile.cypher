// One document's metadata with where each fact was read (provenance_json: title, issuer,
// date, doc_number, region -> the rule or the manifest that gave it).
MATCH (d:Document {id: $id})
RETURN d.id AS id, d.title AS title, d.region AS region, d.issuer AS issuer, d.date AS date,
       d.date_source AS date_source, d.doc_number AS doc_number, d.script AS script,
       d.level AS level, d.measure_count AS measure_count, d.provenance_json AS provenance_json
