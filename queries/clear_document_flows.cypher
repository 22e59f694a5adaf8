MATCH (:Region)-[f:PRACTICE_FLOW]->(:Region)
WHERE f.document = $document_id
DELETE f
