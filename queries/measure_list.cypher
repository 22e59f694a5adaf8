MATCH (m:Measure)
WHERE m.kind = $kind
  AND ($region = '' OR m.region = $region)
  AND ($document = '' OR m.document_id = $document)
RETURN m.id AS id, m.region AS region, m.document_id AS document, m.label AS label,
       m.section AS section, m.title AS title, m.text AS text, m.kind AS kind
ORDER BY document, m.ordinal
SKIP $offset
LIMIT $limit
