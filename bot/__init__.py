"""The platform-neutral core (domain, services, ports) and, in bot.app, the composition root that wires it."""
