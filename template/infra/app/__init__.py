"""The stack of every API in this folder, and what the APIs share in it."""
