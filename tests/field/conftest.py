"""The sample services carry their own test suites: their pipelines run them, not this repository's pytest."""

collect_ignore_glob = ["services/*"]
