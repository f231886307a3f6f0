; Import bindings. One match per bound name. Captures as in queries/python/imports.scm.
