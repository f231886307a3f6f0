//! `too-deep` (information): code nested deeper than pipelens follows, or building a value
//! bigger than it keeps (generated code, mostly). Not a mistake in the
//! code, but what the user needs to know to read the rest: whatever is inside that construct is
//! unknown to every other rule, the outline and the stage preview. Once per file, at the first
//! such construct.

use super::{Check, Ctx, Diagnostic, Rule, Severity};
use crate::lang::ir::MAX_NESTING;
use crate::model::MAX_PARTS;

const CODE: &str = "too-deep";

pub const RULE: Rule = Rule {
    code: CODE,
    severities: &[Severity::Information],
    summary: "code nested deeper than pipelens follows (generated code, mostly): what is \
              inside is unknown to every rule",
    prevents: "",
    doc: "Not a mistake in the code, but what you need to know to read the rest: a construct \
          nested more than 100 levels deep, or a value of more than 10 000 parts, is not \
          followed, so no rule, outline or stage preview sees what is inside it. Reported once \
          per file, at the first such construct; the rest of the file is analysed.",
    check: Check::Model(check),
    action: None,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let Some(cut) = &ctx.model.too_deep else {
        return;
    };
    let mut d = Diagnostic::new(
        CODE,
        Severity::Information,
        cut.span,
        format!(
            "Too deeply nested for pipelens to follow (more than {MAX_NESTING} levels, or a \
             value of more than {MAX_PARTS} parts): what is inside is unknown; the rest of the \
             file is analysed."
        ),
    );
    d.file = cut.file.clone();
    out.push(d);
}
