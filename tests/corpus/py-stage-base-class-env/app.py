import aws_cdk as cdk

from tenancy import accounts
from tenancy.pipeline_stack import TenancyPipelineStack

app = cdk.App()
TenancyPipelineStack(
    app,
    "TenancyPipeline",
    env=cdk.Environment(account=accounts.PIPELINE_ACCOUNT, region=accounts.REGION),
)
app.synth()
# Pattern: Stage classes that extend a base Stage class of the app, which picks the account
# (from the tenant's name, or by overwriting kwargs["env"] whatever the maker passed);
# constants in another module, a loop over a dict's keys into a wave.
