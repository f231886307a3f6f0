import aws_cdk as cdk

from delivery import accounts
from delivery.pipeline_stack import DeliveryPipelineStack

app = cdk.App()
DeliveryPipelineStack(app, "DeliveryPipeline", env=accounts.TOOLING)
app.synth()
# Pattern: a Stage class that picks its own account in its super().__init__ call (the caller
# passes only a region), next to one that takes the env its maker passes through **kwargs;
# constants in another module, a loop over regions into a wave.
