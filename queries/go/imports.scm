; Import bindings. One match per bound name. Captures as in queries/python/imports.scm.
; `import "path"` binds the package's name (the plugin's `bound_name`: the path's last element
; but a major version's suffix); `import alias "path"` binds the alias; `import . "path"` binds
; every exported name; `import _ "path"` binds nothing. `@import` is the spec of one path.

(import_declaration
  (import_spec
    !name
    path: (interpreted_string_literal (interpreted_string_literal_content) @import.module)) @import)

(import_declaration
  (import_spec_list
    (import_spec
      !name
      path: (interpreted_string_literal (interpreted_string_literal_content) @import.module)) @import))

(import_declaration
  (import_spec
    name: (package_identifier) @import.local
    path: (interpreted_string_literal (interpreted_string_literal_content) @import.module)) @import)

(import_declaration
  (import_spec_list
    (import_spec
      name: (package_identifier) @import.local
      path: (interpreted_string_literal (interpreted_string_literal_content) @import.module)) @import))

(import_declaration
  (import_spec
    name: (dot)
    path: (interpreted_string_literal (interpreted_string_literal_content) @import.module)) @import @import.all)

(import_declaration
  (import_spec_list
    (import_spec
      name: (dot)
      path: (interpreted_string_literal (interpreted_string_literal_content) @import.module)) @import @import.all))
