"""Tasks and their responsibilities: the items and clauses that are work (tasks), where the
responsibility clauses stand (responsibilities), how one is read (grammar) and what a body is called (bodies)."""
