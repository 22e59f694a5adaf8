// The document (IN_DOCUMENT) of every measure of the given documents, as measure_detail's rows of that relation give
// them, each with its measure's id (lookups.kept_measure_details). One statement per relation, its
// target labelled: measure_detail's unlabelled target, over every measure of an upload, held so
// much of the smallest buffer pool (64 MiB) that the upload's next statements were refused.
MATCH (m:Measure)-[:IN_DOCUMENT]->(x:Document)
WHERE m.document_id IN $documents
RETURN m.id AS id, 'IN_DOCUMENT' AS rel, x.id AS x_id, x.title AS x_title, x.date AS x_date,
       x.date_source AS x_date_source
