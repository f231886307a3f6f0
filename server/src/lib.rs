//! pipelens: a language server and checker for AWS CDK Pipelines definitions.
//! See ARCHITECTURE.md for the code map.

pub mod analysis;
pub mod aws;
pub mod cancel;
pub mod cli;
pub mod document;
pub mod git;
pub mod ide;
pub mod lang;
pub mod live;
pub mod lsp;
pub mod model;
pub mod predict;
pub mod quote;
pub mod regions;
pub mod rules;
pub mod synth;
pub mod terminate;
pub mod trust;
pub mod workspace;
