"""The Microsoft Teams door (Bot Framework). botbuilder is imported only inside this package."""

from handlers.teams.door import TeamsDoor

__all__ = ["TeamsDoor"]
