"""The reports infrastructure: what app.py needs, re-exported."""
from .constants import Accounts, Regions
from .pipeline_stack import ReportsPipelineStack

__all__ = ["Accounts", "Regions", "ReportsPipelineStack"]
