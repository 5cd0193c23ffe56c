"""parasol-gitops."""
