MATCH (m:Measure)
WHERE m.kind = $kind
  AND ($region = '' OR m.region = $region)
  AND ($document = '' OR m.document_id = $document)
RETURN count(m) AS total
