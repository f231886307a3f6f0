; Import bindings. One match per bound name. Captures as in queries/python/imports.scm.
; The walk in server/src/lang/csharp.rs (`imports`) finds the same (a test holds them equal).

; `using Amazon.CDK.Pipelines;` / `global using Amazon.CDK;`: every name of the namespace.
; `using static T;` binds no name of its own (T's static members): left out.
((using_directive
   !name
   [(identifier) (qualified_name)] @import.module @import.all) @import
 (#not-match? @import "^(global\\s+)?using\\s+static\\b"))

; `using P = Amazon.CDK.Pipelines;`: `P` names the namespace (or type).
(using_directive
  name: (identifier) @import.local
  [(identifier) (qualified_name)] @import.module) @import
