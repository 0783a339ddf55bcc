"""The analysts' side: DuckDB views, review pages, charts, exports and the leftover audit."""
