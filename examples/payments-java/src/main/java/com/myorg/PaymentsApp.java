package com.myorg;

import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;

/** CDK app for the payments service: one self-mutating pipeline that deploys it. */
public class PaymentsApp {
    public static void main(final String[] args) {
        App app = new App();

        // The pipeline lives in the shared tooling account; it deploys the service into
        // the dev, staging and prod accounts (see PipelineStack).
        new PipelineStack(app, "PaymentsPipeline", StackProps.builder()
                .env(Environment.builder()
                        .account("999999999999")
                        .region("us-east-1")
                        .build())
                .build());

        app.synth();
    }
}
