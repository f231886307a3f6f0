; Import bindings. One match per bound name. Captures as in queries/python/imports.scm.
; The walk in server/src/lang/java.rs finds the same (a test holds the two equal).

; `import software.amazon.awscdk.pipelines.CodePipeline;` binds `CodePipeline`.
((import_declaration
  (scoped_identifier
    scope: (_) @import.module
    name: (identifier) @import.member)) @import
  (#not-match? @import "^import\\s+static\\b")
  (#not-match? @import "\\*"))

; `import software.amazon.awscdk.pipelines.*;` brings every name of the package.
((import_declaration
  (scoped_identifier) @import.module
  (asterisk)) @import @import.all
  (#not-match? @import "^import\\s+static\\b"))
