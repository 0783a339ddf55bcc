"""policy-pipeline: Chinese government notices → tables of tasks, responsibilities, targets and dates.

For notebooks: `extract(text_or_path)` gives one notice's tables, `read(DIR)` a run's, `load(DIR)`
a DuckDB connection over a run's with the joined views, `show(DIR, DOC_ID)` a notice's review page
(see README "In Python")."""

__version__ = "0.1.0"
__all__ = ["__version__", "ExtractionError", "Tables", "extract", "load", "read", "show"]


def __getattr__(name: str):
    """The API's names, imported on first use: the pipeline itself, and every worker process,
    need neither pandas nor DuckDB."""
    if name in ("ExtractionError", "Tables", "extract", "read", "show"):
        from pipeline import api
        return getattr(api, name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")


def load(directory):
    """A DuckDB connection over an output folder's tables and views (see pipeline/analysis/views.py)."""
    from pipeline.analysis.views import load as load_views
    return load_views(directory)
