"""The platform-neutral core: cases, workflows, forms, people and policy rules."""
