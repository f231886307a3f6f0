//! A generated pipeline of about `lines` lines in `lang`: a pipeline, then stages in waves,
//! each with a few lines of steps, then ordinary helper code. Shared by the benchmarks and the
//! `gen_pipeline` example.

/// The generated source text.
pub fn generate(lang: &str, lines: usize) -> String {
    if matches!(lang, "go" | "java" | "csharp") {
        return generate_jsii(lang, lines);
    }
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

/// A generated file's parts: its head, a wave, the end of the pipeline's code, a helper, and
/// its tail.
type Jsii = (
    &'static str,
    fn(usize, &str) -> String,
    &'static str,
    fn(usize) -> String,
    &'static str,
);

/// The same pipeline, then ordinary code, in the languages whose CDK goes through jsii's
/// builders, initializers and structs.
fn generate_jsii(lang: &str, lines: usize) -> String {
    let regions = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1"];
    let (head, wave, middle, helper, tail): Jsii = match lang {
            "go" => (
                "package main\n\nimport (\n\t\"github.com/aws/aws-cdk-go/awscdk/v2\"\n\t\"github.com/aws/aws-cdk-go/awscdk/v2/pipelines\"\n\t\"github.com/aws/constructs-go/constructs/v10\"\n\t\"github.com/aws/jsii-runtime-go\"\n)\n\nconst account = \"111111111111\"\n\nfunc NewAppStage(scope constructs.Construct, id string, props *awscdk.StageProps) awscdk.Stage {\n\tstage := awscdk.NewStage(scope, &id, props)\n\tawscdk.NewStack(stage, jsii.String(\"Api\"), nil)\n\treturn stage\n}\n\nfunc NewPipelineStack(scope constructs.Construct, id string) awscdk.Stack {\n\tstack := awscdk.NewStack(scope, &id, &awscdk.StackProps{Env: &awscdk.Environment{Account: jsii.String(\"999999999999\"), Region: jsii.String(\"us-east-1\")}})\n\tpipeline := pipelines.NewCodePipeline(stack, jsii.String(\"Pipeline\"), &pipelines.CodePipelineProps{CrossAccountKeys: jsii.Bool(true), Synth: pipelines.NewShellStep(jsii.String(\"Synth\"), &pipelines.ShellStepProps{Commands: jsii.Strings(\"npx cdk synth\")})})\n",
                |i, r| format!("\twave{i} := pipeline.AddWave(jsii.String(\"Wave{i}\"), &pipelines.WaveOptions{{Pre: &[]pipelines.Step{{pipelines.NewManualApprovalStep(jsii.String(\"Approve{i}\"), nil)}}}})\n\twave{i}.AddStage(NewAppStage(stack, \"Stage{i}\", &awscdk.StageProps{{Env: &awscdk.Environment{{Account: jsii.String(account), Region: jsii.String(\"{r}\")}}}}), &pipelines.AddStageOpts{{\n\t\tPost: &[]pipelines.Step{{pipelines.NewShellStep(jsii.String(\"Test{i}\"), &pipelines.ShellStepProps{{Commands: jsii.Strings(\"make test\")}})}},\n\t}})\n"),
                "\treturn stack\n}\n",
                |j| format!("\nfunc helper{j}(values []int) map[string]any {{\n\ttotal := 0\n\tfor _, v := range values {{\n\t\ttotal += v * {j}\n\t}}\n\treturn map[string]any{{\"name\": \"helper-{j}\", \"total\": total}}\n}}\n"),
                "\nfunc main() {\n\tdefer jsii.Close()\n\tapp := awscdk.NewApp(nil)\n\tNewPipelineStack(app, \"PipelineStack\")\n\tapp.Synth(nil)\n}\n",
            ),
            "java" => (
                "package com.myorg;\n\nimport java.util.List;\nimport java.util.Map;\nimport software.amazon.awscdk.*;\nimport software.amazon.awscdk.pipelines.*;\nimport software.constructs.Construct;\n\npublic class PipelineStack extends Stack {\n    static final String ACCOUNT = \"111111111111\";\n\n    static class AppStage extends Stage {\n        AppStage(final Construct scope, final String id, final StageProps props) {\n            super(scope, id, props);\n            new Stack(this, \"Api\");\n        }\n    }\n\n    public PipelineStack(final Construct scope, final String id) {\n        super(scope, id, StackProps.builder().env(Environment.builder().account(\"999999999999\").region(\"us-east-1\").build()).build());\n        CodePipeline pipeline = CodePipeline.Builder.create(this, \"Pipeline\").crossAccountKeys(true).synth(ShellStep.Builder.create(\"Synth\").commands(List.of(\"npx cdk synth\")).build()).build();\n",
                |i, r| format!("        Wave wave{i} = pipeline.addWave(\"Wave{i}\", WaveOptions.builder().pre(List.of(new ManualApprovalStep(\"Approve{i}\"))).build());\n        wave{i}.addStage(new AppStage(this, \"Stage{i}\", StageProps.builder().env(Environment.builder().account(ACCOUNT).region(\"{r}\").build()).build()),\n            AddStageOpts.builder().post(List.of(ShellStep.Builder.create(\"Test{i}\").commands(List.of(\"make test\")).build())).build());\n"),
                "    }\n",
                |j| format!("\n    static Map<String, Object> helper{j}(List<Integer> values) {{\n        int total = 0;\n        for (int v : values) {{\n            total += v * {j};\n        }}\n        return Map.of(\"name\", \"helper-{j}\", \"total\", total);\n    }}\n"),
                "}\n",
            ),
            _ => (
                "using Amazon.CDK;\nusing Amazon.CDK.Pipelines;\nusing Constructs;\nusing System.Collections.Generic;\n\nnamespace Generated\n{\n    public class AppStage : Stage\n    {\n        public AppStage(Construct scope, string id, IStageProps props = null) : base(scope, id, props)\n        {\n            new Stack(this, \"Api\");\n        }\n    }\n\n    public class PipelineStack : Stack\n    {\n        const string Account = \"111111111111\";\n\n        public PipelineStack(Construct scope, string id) : base(scope, id, new StackProps { Env = new Amazon.CDK.Environment { Account = \"999999999999\", Region = \"us-east-1\" } })\n        {\n            var pipeline = new CodePipeline(this, \"Pipeline\", new CodePipelineProps { CrossAccountKeys = true, Synth = new ShellStep(\"Synth\", new ShellStepProps { Commands = new[] { \"npx cdk synth\" } }) });\n",
                |i, r| format!("            var wave{i} = pipeline.AddWave(\"Wave{i}\", new WaveOptions {{ Pre = new[] {{ new ManualApprovalStep(\"Approve{i}\") }} }});\n            wave{i}.AddStage(new AppStage(this, \"Stage{i}\", new StageProps {{ Env = new Amazon.CDK.Environment {{ Account = Account, Region = \"{r}\" }} }}),\n                new AddStageOpts {{ Post = new[] {{ new ShellStep(\"Test{i}\", new ShellStepProps {{ Commands = new[] {{ \"make test\" }} }}) }} }});\n"),
                "        }\n",
                |j| format!("\n        static Dictionary<string, object> Helper{j}(List<int> values)\n        {{\n            var total = 0;\n            foreach (var v in values)\n            {{\n                total += v * {j};\n            }}\n            return new Dictionary<string, object> {{ [\"name\"] = \"helper-{j}\", [\"total\"] = total }};\n        }}\n"),
                "    }\n}\n",
            ),
        };
    let mut out = head.to_string();
    let mut count = out.lines().count();
    let mut i = 0;
    while count < lines / 3 {
        let before = out.len();
        out.push_str(&wave(i, regions[i % regions.len()]));
        count += out[before..].matches('\n').count();
        i += 1;
    }
    out.push_str(middle);
    count += middle.matches('\n').count() + tail.matches('\n').count();
    let mut j = 0;
    while count < lines {
        let before = out.len();
        out.push_str(&helper(j));
        count += out[before..].matches('\n').count();
        j += 1;
    }
    out.push_str(tail);
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
