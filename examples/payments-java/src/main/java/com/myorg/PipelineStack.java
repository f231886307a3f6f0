package com.myorg;

import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.StageProps;
import software.amazon.awscdk.pipelines.AddStageOpts;
import software.amazon.awscdk.pipelines.CodePipeline;
import software.amazon.awscdk.pipelines.CodePipelineSource;
import software.amazon.awscdk.pipelines.ConnectionSourceOptions;
import software.amazon.awscdk.pipelines.ManualApprovalStep;
import software.amazon.awscdk.pipelines.ShellStep;
import software.amazon.awscdk.pipelines.Wave;
import software.amazon.awscdk.pipelines.WaveOptions;
import software.constructs.Construct;

import java.util.List;

/** The delivery pipeline for the payments service. */
public class PipelineStack extends Stack {
    private static final String CONNECTION_ARN =
            "arn:aws:codestar-connections:us-east-1:999999999999:connection/00000000-0000-0000-0000-000000000000";

    public PipelineStack(final Construct scope, final String id) {
        this(scope, id, null);
    }

    public PipelineStack(final Construct scope, final String id, final StackProps props) {
        super(scope, id, props);

        final CodePipeline pipeline = CodePipeline.Builder.create(this, "Pipeline")
                .pipelineName("payments")
                // Every stage deploys to another account.
                .crossAccountKeys(true)
                .synth(ShellStep.Builder.create("Synth")
                        .input(CodePipelineSource.connection("acme/payments", "main",
                                ConnectionSourceOptions.builder()
                                        .connectionArn(CONNECTION_ARN)
                                        .build()))
                        .commands(List.of("npm install -g aws-cdk", "cdk synth"))
                        .build())
                .build();

        pipeline.addStage(new PaymentsStage(this, "Dev", StageProps.builder()
                .env(Environment.builder().account("111111111111").region("us-east-1").build())
                .build()));

        final PaymentsStage staging = new PaymentsStage(this, "Staging", StageProps.builder()
                .env(Environment.builder().account("222222222222").region("us-east-1").build())
                .build());
        pipeline.addStage(staging, AddStageOpts.builder()
                .post(List.of(
                        ShellStep.Builder.create("IntegrationTests")
                                .commands(List.of("mvn -q verify -Pintegration"))
                                .build()))
                .build());

        // Production: both regions roll out together, after a human says so.
        final Wave prod = pipeline.addWave("Prod", WaveOptions.builder()
                .pre(List.of(new ManualApprovalStep("PromoteToProd")))
                .build());
        prod.addStage(new PaymentsStage(this, "ProdUsEast1", StageProps.builder()
                .env(Environment.builder().account("333333333333").region("us-east-1").build())
                .build()));
        prod.addStage(new PaymentsStage(this, "ProdEuWest1", StageProps.builder()
                .env(Environment.builder().account("333333333333").region("eu-west-1").build())
                .build()));
    }
}
