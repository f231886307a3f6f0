package com.myorg;

import software.amazon.awscdk.Stage;
import software.amazon.awscdk.StageProps;
import software.constructs.Construct;

/**
 * Everything one environment of the payments service needs.
 *
 * The two stacks do not reference each other, so the pipeline deploys them side by side.
 */
public class PaymentsStage extends Stage {
    public PaymentsStage(final Construct scope, final String id, final StageProps props) {
        super(scope, id, props);

        new ApiStack(this, "Api");
        new DatabaseStack(this, "Database");
    }
}
