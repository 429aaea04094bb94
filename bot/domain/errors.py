"""Domain errors: each carries a sentence a person can read."""

# What a button we did not make (or no longer understand) is answered with, on every platform.
UNKNOWN_BUTTON = "Sorry, I didn't recognise that button. It may be from an old message."


class DomainError(Exception):
    """A rule of the policy or the workflow refused the request; `message` is shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(DomainError):
    """The person asking has no role that permits the action."""


class InvalidTransition(DomainError):
    """The case is not in a state where this event applies."""


class StaleAction(DomainError):
    """A button from an older card was clicked."""


class ValidationFailed(DomainError):
    """An answer did not pass its field's validator."""


class NotFound(DomainError):
    """The case or conversation asked for does not exist."""


class Duplicate(Exception):
    """The same request (event id, trigger id) was already applied."""


class ConcurrencyConflict(Exception):
    """Another writer changed the row first (optimistic version check failed)."""
