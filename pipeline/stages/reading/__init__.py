"""Reading: a notice's bytes to text (read), its normal form (normalize), and paragraphs rebuilt
from hard-wrapped text (paragraphs)."""
