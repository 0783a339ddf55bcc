"""The stages of one notice, in the order its data flows:

- reading: bytes to text (read), one normal form of it (normalize), paragraphs rebuilt from a hard-wrapped page;
- structure: the structural pass (tree), read once and used by every later stage: the page's fields
  (document, heading, genre), the outline, the sections' types and the task tables;
- assignments: the tasks and who leads, supports, is responsible for or supervises them (the clause grammar);
- values: quantities and dates.

regions and numerals are lookups every stage shares: the division table and Chinese numerals."""
