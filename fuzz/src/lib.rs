//! The checks behind the fuzz targets, as plain functions of the input bytes, so that the
//! regression test of the server (`server/tests/regressions.rs`) replays `fuzz/regressions/`
//! through exactly the same code without the fuzzer.
//!
//! Every module reads its input with [`Input`]: a cursor that never fails (an exhausted input
//! reads as zeros), so that every byte string is a valid test case and libFuzzer's mutations
//! stay meaningful.

pub mod analyze;
pub mod edits;
pub mod jsonrpc;

use pipelens::document::Pos;
use pipelens::lang::{Plugin, ALL};

/// The fuzz input, read front to back.
pub struct Input<'a> {
    data: &'a [u8],
}

/// Separates a text from the operations after it. 0xFF never occurs in UTF-8, so a seed made of
/// a header byte, a real source file, 0xFF and operations keeps the file intact.
pub const SEP: u8 = 0xFF;

impl<'a> Input<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Input { data }
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    pub fn u8(&mut self) -> u8 {
        match self.data.split_first() {
            Some((b, rest)) => {
                self.data = rest;
                *b
            }
            None => 0,
        }
    }

    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }

    pub fn take(&mut self, n: usize) -> &'a [u8] {
        let (head, rest) = self.data.split_at(n.min(self.data.len()));
        self.data = rest;
        head
    }

    /// The bytes up to [`SEP`] (or the end), consuming the separator.
    pub fn until_sep(&mut self) -> &'a [u8] {
        let n = self
            .data
            .iter()
            .position(|b| *b == SEP)
            .unwrap_or(self.data.len());
        let head = self.take(n);
        self.take(1);
        head
    }

    /// A small number most of the time, now and then anything up to `u32::MAX`.
    pub fn index(&mut self, small: u32) -> u32 {
        match self.u8() {
            0xFF => u32::MAX,
            0xFE => self.u32(),
            b => u32::from(b) % small,
        }
    }

    /// A position: usually in or near a small document, sometimes far outside it.
    pub fn pos(&mut self) -> Pos {
        Pos {
            line: self.index(24),
            character: self.index(48),
        }
    }

    /// Text to insert: a fragment that matters to the parsers or to position arithmetic, or raw
    /// bytes (made valid UTF-8 the way the server does).
    pub fn fragment(&mut self) -> String {
        let f = self.u8();
        if f < 0xC0 {
            FRAGMENTS[usize::from(f) % FRAGMENTS.len()].to_string()
        } else {
            let n = usize::from(f & 0x3F);
            String::from_utf8_lossy(self.take(n)).into_owned()
        }
    }

    pub fn plugin(&mut self) -> &'static Plugin {
        // In `lang::ALL`'s order: 0 Python, 1 TypeScript, 2 JavaScript, 3 Java, 4 C#, 5 Go.
        ALL[usize::from(self.u8()) % ALL.len()]
    }
}

/// What edits insert: line breaks of every kind, multi-byte and zero-width chars, brackets and
/// quotes that open constructs, and the CDK Pipelines calls the model looks for.
pub const FRAGMENTS: &[&str] = &[
    "",
    "\n",
    "\r\n",
    "\r",
    "🎉",
    "é",
    "e\u{301}",
    "中",
    "\u{200d}",
    "\u{feff}",
    "\0",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "'",
    "\"",
    "`",
    "${",
    "\"\"\"",
    ":",
    ",",
    ".",
    " ",
    "    ",
    "\t",
    "#",
    "//",
    "/*",
    "*/",
    "\\",
    "=",
    "x",
    "add_stage(",
    "addStage(",
    "add_wave(\"W\")",
    "pipeline",
    "self",
    "this",
    "import aws_cdk as cdk\nfrom aws_cdk import pipelines\n",
    "import * as cdk from 'aws-cdk-lib';\nimport * as pipelines from 'aws-cdk-lib/pipelines';\n",
    "pipeline = pipelines.CodePipeline(self, \"P\", synth=pipelines.ShellStep(\"S\", commands=[]))\n",
    "const pipeline = new pipelines.CodePipeline(this, 'P', { synth: new pipelines.ShellStep('S', { commands: [] }) });\n",
    "pipeline.add_stage(AppStage(self, \"Prod\", env=cdk.Environment(account=\"123456789012\", region=\"eu-west-1\")))\n",
    "pipeline.addStage(new AppStage(this, 'Prod', { env: { account: '123456789012', region: 'eu-west-1' } }));\n",
    "env=cdk.Environment(account=ACCOUNT, region=\"us-east-1\")",
    "{ env: { account: ACCOUNT, region: 'us-east-1' } }",
    "ACCOUNT = \"1234\"\n",
    "const ACCOUNT = '1234';\n",
    "class AppStage(cdk.Stage):\n    def __init__(self, scope, id, **kw):\n        super().__init__(scope, id, **kw)\n",
    "class AppStage extends cdk.Stage {\n  constructor(scope: any, id: string, props?: any) { super(scope, id, props); }\n}\n",
    "for r in [\"eu-west-1\", \"us-east-2\"]:\n    ",
    "for (const r of ['eu-west-1', 'us-east-2']) {\n",
    "f\"Stage-{r}\"",
    "`Stage-${r}`",
    "cross_account_keys=True",
    "crossAccountKeys: true",
    "pipelines.CdkPipeline(self, \"Old\")",
    "region=\"mars-north-9\"",
    "account=\"12\"",
    "if x:\n",
    "def f(self):\n",
    "lambda: (",
    "=> {",
    "**kw",
    "...",
];
