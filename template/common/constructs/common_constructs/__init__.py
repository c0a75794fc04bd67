"""CDK constructs for the APIs rendered into this folder by fastapi-template."""
