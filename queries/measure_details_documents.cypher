// The document (IN_DOCUMENT) of every measure of the given documents, as measure_detail's rows of that relation give
// them, each with its measure's id (lookups.kept_measure_details, a batch at a time). One
// statement per relation, its target labelled: at 10k measures 0.70 s against 0.73-0.78 s for one
// statement over every relation with measure_detail's unlabelled target.
MATCH (m:Measure)-[:IN_DOCUMENT]->(x:Document)
WHERE m.document_id IN $documents
RETURN m.id AS id, 'IN_DOCUMENT' AS rel, x.id AS x_id, x.title AS x_title, x.date AS x_date,
       x.date_source AS x_date_source
