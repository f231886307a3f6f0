"""Where things deploy. Accounts may be overridden per CI job through the environment."""
import json
import os
from pathlib import Path

TOOLING_ACCOUNT = "999999999999"
REGION = "us-east-1"

# Known only when the app runs: CI can point QA at a sandbox account.
QA_ACCOUNT = os.environ.get("QA_ACCOUNT", "111111111111")


def account_for(name: str) -> str:
    """Reads the account of an environment from accounts.json, next to this file."""
    with open(Path(__file__).parent / "accounts.json") as f:
        return json.load(f)[name]
