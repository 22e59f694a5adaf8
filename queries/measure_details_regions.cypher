// The regions (IN_REGION: issuer and scope) of every measure of the given documents, as measure_detail's rows of that relation give
// them, each with its measure's id (lookups.kept_measure_details). One statement per relation, its
// target labelled: measure_detail's unlabelled target, over every measure of an upload, held so
// much of the smallest buffer pool (64 MiB) that the upload's next statements were refused.
MATCH (m:Measure)-[r:IN_REGION]->(x:Region)
WHERE m.document_id IN $documents
RETURN m.id AS id, 'IN_REGION' AS rel, x.name AS x_name, r.role AS role, r.evidence AS evidence
