package com.myorg;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.constructs.Construct;

/** Payments API handler. */
public class ApiStack extends Stack {
    // Kept inline so the app has no file assets to publish.
    private static final String HANDLER = """
            exports.handler = async () => ({
              statusCode: 200,
              body: JSON.stringify({ status: 'ok' }),
            });
            """;

    public ApiStack(final Construct scope, final String id) {
        this(scope, id, null);
    }

    public ApiStack(final Construct scope, final String id, final StackProps props) {
        super(scope, id, props);

        Function.Builder.create(this, "Handler")
                .runtime(Runtime.NODEJS_22_X)
                .handler("index.handler")
                .code(Code.fromInline(HANDLER))
                .memorySize(256)
                .timeout(Duration.seconds(10))
                .build();
    }
}
