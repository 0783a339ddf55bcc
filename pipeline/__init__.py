"""policy-pipeline: Chinese government notices → tables of tasks, responsibilities, targets and dates."""

__version__ = "0.1.0"
