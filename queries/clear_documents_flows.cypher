// The region-to-region flows these documents state (re-ingest replaces them): one scan of the
// flows for a whole group of documents.
MATCH (:Region)-[f:PRACTICE_FLOW]->(:Region)
WHERE f.document IN $ids
DELETE f
