; Import bindings. One match per bound name. Captures as in queries/python/imports.scm.

(import_statement
  (import_clause (namespace_import (identifier) @import.local))
  source: (string (string_fragment) @import.module)) @import

(import_statement
  (import_clause (named_imports (import_specifier
    name: (identifier) @import.member
    !alias)))
  source: (string (string_fragment) @import.module)) @import

(import_statement
  (import_clause (named_imports (import_specifier
    name: (identifier) @import.member
    alias: (identifier) @import.local)))
  source: (string (string_fragment) @import.module)) @import

(import_statement
  (import_clause (identifier) @import.local)
  source: (string (string_fragment) @import.module)) @import
