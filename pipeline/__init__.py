"""policy-pipeline: Chinese government notices → tables of tasks, responsibilities, targets and dates."""

__version__ = "0.1.0"
__all__ = ["__version__", "load"]


def load(directory):
    """A DuckDB connection over an output folder's tables and views (see pipeline/views.py).
    Imported on first use: the pipeline itself, and every worker process, need no DuckDB."""
    from .views import load as load_views
    return load_views(directory)
