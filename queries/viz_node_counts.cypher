// How many nodes of each type the graph holds, for the landing page.
MATCH (n)
RETURN label(n) AS label, count(*) AS n
