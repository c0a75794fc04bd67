"""One construct per API rendered into this folder."""
