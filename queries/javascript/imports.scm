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
  (import_clause (identifier) @import.local @import.default)
  source: (string (string_fragment) @import.module)) @import

; Re-exports: `export * from './config'` takes every name of the module;
; `export { a, b as c } from './m'` binds names like an import.
(export_statement
  "*"
  source: (string (string_fragment) @import.module)) @import @import.all

(export_statement
  (namespace_export (identifier) @import.local)
  source: (string (string_fragment) @import.module)) @import

(export_statement
  (export_clause (export_specifier
    name: (identifier) @import.member
    !alias))
  source: (string (string_fragment) @import.module)) @import

(export_statement
  (export_clause (export_specifier
    name: (identifier) @import.member
    alias: (identifier) @import.local))
  source: (string (string_fragment) @import.module)) @import
