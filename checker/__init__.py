"""factcheck: a fact-consistency checker for Chinese tech journalism."""

__version__ = "0.1.0"
