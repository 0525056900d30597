"""Stand-in for invenio-base (not installed): what the oracle needs of it."""
