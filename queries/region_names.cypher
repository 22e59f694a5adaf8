MATCH (g:Region)
RETURN g.name AS name, g.full_name AS full_name, g.name_en AS name_en, g.aliases AS aliases
