"""ujson (not installed): an optional speed-up that Flask-RESTX imports in
``try: from ujson import dumps / except ImportError:``, falling back on the
standard ``json``.  Raising ImportError gives it that fallback, as on a
machine without ujson; an unknown stub would turn every JSON answer of a
Resource into a StubCalled 500."""

raise ImportError("ujson is not installed")
