"""flask-lint: static analysis for Flask applications."""

__version__ = "0.1.0"
