"""doc2client: API documentation pages in, a typed Python client out."""

__version__ = "0.1.0"
