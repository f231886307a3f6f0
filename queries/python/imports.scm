; Import bindings. One match per bound name.
;   @import         the whole import statement
;   @import.module  the module ("aws_cdk", "aws_cdk.pipelines", ".service_stage")
;   @import.member  the imported member, for `from … import member`
;   @import.local   the local alias (`as x`); defaults to the member or the module's first part

(import_statement
  name: (dotted_name) @import.module) @import

(import_statement
  name: (aliased_import
    name: (dotted_name) @import.module
    alias: (identifier) @import.local)) @import

(import_from_statement
  module_name: [(dotted_name) (relative_import)] @import.module
  name: (dotted_name) @import.member) @import

(import_from_statement
  module_name: [(dotted_name) (relative_import)] @import.module
  name: (aliased_import
    name: (dotted_name) @import.member
    alias: (identifier) @import.local)) @import

; `from config import *`: every name of the module.
(import_from_statement
  module_name: [(dotted_name) (relative_import)] @import.module
  (wildcard_import)) @import @import.all
