"""One module per API, `<api_dir>.py`, each rendered with its API."""
