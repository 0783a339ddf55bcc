"""policy-pipeline: Chinese government notices → tables of tasks, responsibilities, targets and dates.

For notebooks: `extract(text_or_path)` gives one notice's tables, `read(DIR)` a run's, `load(DIR)`
a DuckDB connection over a run's with the joined views, `show(DIR, DOC_ID)` a notice's review page
(see README "In Python")."""
import types

from . import read as _read_stage

__version__ = "0.1.0"
__all__ = ["__version__", "ExtractionError", "Tables", "extract", "load", "read", "show"]


class _ReadModule(types.ModuleType):
    """`pipeline.read` is the reading stage (pipeline/read.py), which the import system binds to that
    name whatever this file binds it to; made callable, it is also `pipeline.read(DIR)`."""

    def __call__(self, directory, views: bool = False):
        """Every table of a `run` output as DataFrames (see pipeline.api.read); `views=True` adds
        task_view and target_view."""
        from .api import read as read_output
        return read_output(directory, views=views)


_read_stage.__class__ = _ReadModule


def __getattr__(name: str):
    """The API's names, imported on first use: the pipeline itself, and every worker process,
    need neither pandas nor DuckDB."""
    if name in ("ExtractionError", "Tables", "extract", "show"):
        from . import api
        return getattr(api, name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")


def load(directory):
    """A DuckDB connection over an output folder's tables and views (see pipeline/views.py)."""
    from .views import load as load_views
    return load_views(directory)
