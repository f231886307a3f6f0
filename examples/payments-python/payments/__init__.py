"""The payments service: its pipeline and the stage it deploys."""
