"""Batch runs: inputs found and read once each, worker processes, Dask, atomic Parquet writing."""
