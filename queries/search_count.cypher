MATCH (m:Measure)
WHERE m.kind = 'measure'
  AND all(t IN $terms WHERE m.text CONTAINS t OR m.title CONTAINS t)
RETURN count(m) AS total
