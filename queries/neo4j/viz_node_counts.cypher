// How many nodes of each type the graph holds, for the landing page.
MATCH (n)
RETURN labels(n)[0] AS label, count(*) AS n
