"""WTForms (not installed): what a form class body does at import.  A
``Field(...)`` written in a class body is an ``UnboundField`` (WTForms'
``Field.__new__`` returns one unless the form binds it with ``_form=``), so
the field's ``__init__`` runs per form instance, in a request (wtforms 3.x,
``fields/core.py``)."""

from __future__ import annotations

from typing import Any


class UnboundField:
    creation_counter = 0

    def __init__(self, field_class: type, *args: Any, **kwargs: Any) -> None:
        UnboundField.creation_counter += 1
        self.field_class, self.args, self.kwargs = field_class, args, kwargs


class Field:
    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        if "_form" in kwargs:
            return super().__new__(cls)
        return UnboundField(cls, *args, **kwargs)

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        self.label = label


class StringField(Field):
    pass


class Form:
    pass


__all__ = ["Field", "Form", "StringField", "UnboundField"]
