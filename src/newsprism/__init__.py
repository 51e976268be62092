"""newsprism: how different news outlets cover the same story, with evidence spans."""

__version__ = "0.1.0"
