//! A generated pipeline of about `lines` lines in `lang`: a pipeline, then stages in waves,
//! each with a few lines of steps, then ordinary helper code. Shared by the benchmarks and the
//! `gen_pipeline` example.

/// The generated source text.
pub fn generate(lang: &str, lines: usize) -> String {
    let mut out = String::new();
    let py = lang == "python";
    if py {
        out.push_str("import aws_cdk as cdk\nfrom aws_cdk import pipelines\n\nACCOUNT = \"111111111111\"\n\n\nclass AppStage(cdk.Stage):\n    def __init__(self, scope, construct_id, **kwargs):\n        super().__init__(scope, construct_id, **kwargs)\n        cdk.Stack(self, \"Api\")\n\n\nclass PipelineStack(cdk.Stack):\n    def __init__(self, scope, construct_id, **kwargs):\n        super().__init__(scope, construct_id, env=cdk.Environment(account=\"999999999999\", region=\"us-east-1\"))\n        pipeline = pipelines.CodePipeline(self, \"Pipeline\", cross_account_keys=True, synth=pipelines.ShellStep(\"Synth\", commands=[\"npx cdk synth\"]))\n");
    } else {
        out.push_str("import * as cdk from 'aws-cdk-lib';\nimport * as pipelines from 'aws-cdk-lib/pipelines';\n\nconst ACCOUNT = '111111111111';\n\nclass AppStage extends cdk.Stage {\n  constructor(scope: cdk.Stack, id: string, props?: cdk.StageProps) {\n    super(scope, id, props);\n    new cdk.Stack(this, 'Api');\n  }\n}\n\nexport class PipelineStack extends cdk.Stack {\n  constructor(scope: cdk.App, id: string) {\n    super(scope, id, { env: { account: '999999999999', region: 'us-east-1' } });\n    const pipeline = new pipelines.CodePipeline(this, 'Pipeline', { crossAccountKeys: true, synth: new pipelines.ShellStep('Synth', { commands: ['npx cdk synth'] }) });\n");
    }
    let regions = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1"];
    let mut i = 0;
    // About a third of the file is pipeline, the rest ordinary code around it.
    // Lines so far, counted as text is added (counting the whole text each time is quadratic).
    let mut count = out.lines().count();
    while count < lines / 3 {
        let before = out.len();
        let r = regions[i % regions.len()];
        if py {
            out.push_str(&format!("        wave{i} = pipeline.add_wave(\"Wave{i}\", pre=[pipelines.ManualApprovalStep(\"Approve{i}\")])\n        wave{i}.add_stage(AppStage(self, \"Stage{i}\", env=cdk.Environment(account=ACCOUNT, region=\"{r}\")),\n                         post=[pipelines.ShellStep(\"Test{i}\", commands=[\"make test\"])])\n"));
        } else {
            out.push_str(&format!("    const wave{i} = pipeline.addWave('Wave{i}', {{ pre: [new pipelines.ManualApprovalStep('Approve{i}')] }});\n    wave{i}.addStage(new AppStage(this, 'Stage{i}', {{ env: {{ account: ACCOUNT, region: '{r}' }} }}), {{\n      post: [new pipelines.ShellStep('Test{i}', {{ commands: ['make test'] }})],\n    }});\n"));
        }
        count += out[before..].matches('\n').count();
        i += 1;
    }
    if !py {
        out.push_str("  }\n}\n");
        count += 2;
    }
    let mut j = 0;
    while count < lines {
        let before = out.len();
        if py {
            out.push_str(&format!("\n\ndef helper_{j}(values):\n    total = 0\n    for v in values:\n        total += v * {j}\n    return {{\"name\": \"helper-{j}\", \"total\": total}}\n"));
        } else {
            out.push_str(&format!("\nexport function helper{j}(values: number[]): {{ name: string; total: number }} {{\n  let total = 0;\n  for (const v of values) {{\n    total += v * {j};\n  }}\n  return {{ name: 'helper-{j}', total }};\n}}\n"));
        }
        count += out[before..].matches('\n').count();
        j += 1;
    }
    out
}

/// The 50,000-line Python app of issue #16: a 48-stage pipeline after 5,000 ordinary stack
/// classes, in one file.
#[allow(dead_code)] // lsp_bench only
pub fn pipeline_after_stacks() -> String {
    let mut l = String::from(
        "import aws_cdk as cdk\nfrom aws_cdk import pipelines, aws_s3 as s3, aws_sqs as sqs\nfrom constructs import Construct\n\n",
    );
    for i in 0..5000 {
        l.push_str(&format!(
            "class Svc{i}Stack(cdk.Stack):\n    def __init__(self, scope: Construct, id: str, **kwargs) -> None:\n        super().__init__(scope, id, **kwargs)\n        bucket = s3.Bucket(self, \"Bucket{i}\", versioned=True)\n        queue = sqs.Queue(self, \"Queue{i}\")\n        cdk.CfnOutput(self, \"Out{i}\", value=bucket.bucket_name)\n        cdk.Tags.of(self).add(\"svc\", \"{i}\")\n        self.bucket = bucket\n        self.queue = queue\n\n"
        ));
    }
    l.push_str("class AppStage(cdk.Stage):\n    def __init__(self, scope: Construct, id: str, **kwargs) -> None:\n        super().__init__(scope, id, **kwargs)\n        Svc0Stack(self, \"Api\")\n        Svc1Stack(self, \"Db\")\n\n");
    l.push_str("class PipelineStack(cdk.Stack):\n    def __init__(self, scope: Construct, id: str, **kwargs) -> None:\n        super().__init__(scope, id, **kwargs)\n        pipeline = pipelines.CodePipeline(self, \"Pipeline\", cross_account_keys=True, synth=pipelines.ShellStep(\"Synth\", input=pipelines.CodePipelineSource.git_hub(\"acme/app\", \"main\"), commands=[\"npx cdk synth\"]))\n");
    let regions = [
        "us-east-1",
        "us-west-2",
        "eu-west-1",
        "eu-central-1",
        "ap-southeast-1",
        "ap-northeast-1",
    ];
    for i in 0..48 {
        l.push_str(&format!(
            "        pipeline.add_stage(AppStage(self, \"Stage{i}\", env=cdk.Environment(account=\"{}\", region=\"{}\")))\n",
            111_111_111_111u64 + i as u64,
            regions[i % 6]
        ));
    }
    l.push_str("\napp = cdk.App()\nPipelineStack(app, \"Pipeline\", env=cdk.Environment(account=\"111111111111\", region=\"us-east-1\"))\napp.synth()\n");
    l
}

/// A Python pipeline of `stages` stages, one `add_stage` line each (issue #16: 40,000).
#[allow(dead_code)] // lsp_bench only
pub fn many_stages(stages: usize) -> String {
    let mut l = String::from(
        "import aws_cdk as cdk\nfrom aws_cdk import pipelines\nfrom constructs import Construct\n\nclass AppStage(cdk.Stage):\n    def __init__(self, scope: Construct, id: str, **kwargs) -> None:\n        super().__init__(scope, id, **kwargs)\n        cdk.Stack(self, \"Api\")\n\nclass PipelineStack(cdk.Stack):\n    def __init__(self, scope: Construct, id: str, **kwargs) -> None:\n        super().__init__(scope, id, **kwargs)\n        pipeline = pipelines.CodePipeline(self, \"Pipeline\", synth=pipelines.ShellStep(\"Synth\", input=pipelines.CodePipelineSource.git_hub(\"acme/app\", \"main\"), commands=[\"npx cdk synth\"]))\n",
    );
    for i in 0..stages {
        l.push_str(&format!(
            "        pipeline.add_stage(AppStage(self, \"Stage{i}\", env=cdk.Environment(account=\"111111111111\", region=\"us-east-1\")))\n"
        ));
    }
    l.push_str("\napp = cdk.App()\nPipelineStack(app, \"Pipeline\", env=cdk.Environment(account=\"111111111111\", region=\"us-east-1\"))\napp.synth()\n");
    l
}
