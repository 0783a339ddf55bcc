"""Named entities: the gazetteer, the spaCy and HanLP backends and their training corpus."""
