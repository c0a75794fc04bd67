"""What the API constructs are made of: one job per module."""
