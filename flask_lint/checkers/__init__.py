"""Rule families, one module (with its private helpers) each.  Each family
module ends with its ``FAMILY`` record (:class:`flask_lint.registry.Family`);
``flask_lint.families`` lists them."""
