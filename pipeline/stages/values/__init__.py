"""Values: the quantities a notice sets or reports (quantities) and its dates (dates)."""
