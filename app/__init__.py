"""The reviewers' app (Solara): see app/README.md."""
