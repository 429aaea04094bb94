"""Use cases: each loads, applies the workflow, commits, and lets the outbox deliver the effects."""
