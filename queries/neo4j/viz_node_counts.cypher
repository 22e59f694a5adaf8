// Neo4j variant: labels(n) is a list and label() does not exist.
MATCH (n)
WHERE n:Document OR n:Measure OR n:Region OR n:Agency OR n:Theme
RETURN CASE WHEN n:Measure AND n.kind = 'safeguard' THEN 'Safeguard' ELSE labels(n)[0] END AS label,
       count(*) AS n
