"""Named entities: the gazetteer, the spaCy and HanLP backends and their training corpus."""

BACKENDS = ("rules", "spacy", "hanlp")  # here, not in entities: the command line names them without loading the gazetteer
