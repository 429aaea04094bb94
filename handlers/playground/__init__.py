"""The local playground: Microsoft's Web Chat in a browser, talking in-process to the Teams bot over a small
Direct Line endpoint. Only ever served on loopback, and only when no Slack or Teams credentials are set."""

from handlers.playground.door import PlaygroundDoor

__all__ = ["PlaygroundDoor"]
