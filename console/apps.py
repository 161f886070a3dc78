from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    """The facilitator's console (issue 20): "Run the group", the projector, the live progress.
    Above `ratings` (it shows who has rated and the ranking), below `exports`."""

    name = "console"
