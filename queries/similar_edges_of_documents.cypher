// The similar-to edges the measures of these documents start, as the text index keeps them
// (policy_graph.service.keep_similar, when every edge is kept again: a batch of documents at a
// time, so the rows in hand stay a batch's).
MATCH (a:Measure)-[r:SIMILAR_TO]->(b:Measure)
WHERE a.document_id IN $documents
RETURN a.id AS src, b.id AS dst, r.score AS score
