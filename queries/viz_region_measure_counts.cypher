MATCH (m:Measure)-[:IN_REGION]->(r:Region)
RETURN r.name AS name, count(m) AS n
