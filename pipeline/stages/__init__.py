"""The stages of one notice, in the order its data flows: read, normalise, the structural pass
(fields, outline, sections, tables), then responsibilities, quantities and dates."""
