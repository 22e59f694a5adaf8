// The regions whose kept answers (research.kept_region_answers) an ingest may have changed:
// where each measure of the documents was issued or is scoped, where it was replicated to, the
// pilot it names as the origin, and where each measure whose similar pairs were written again
// ($ids) was issued. The ingest computes again only these regions' answers.
MATCH (m:Measure)-[:IN_REGION]->(g:Region)
WHERE m.document_id IN $documents
RETURN DISTINCT g.name AS region
UNION
MATCH (m:Measure)-[:REPLICATED_TO]->(g:Region)
WHERE m.document_id IN $documents
RETURN DISTINCT g.name AS region
UNION
MATCH (m:Measure)-[r:REPLICATED_TO]->(:Region)
WHERE m.document_id IN $documents
RETURN DISTINCT r.from_region AS region
UNION
UNWIND $ids AS i
MATCH (m:Measure {id: i})
RETURN DISTINCT m.region AS region
