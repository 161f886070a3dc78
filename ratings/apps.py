from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "ratings"

    def ready(self) -> None:
        # Register the tasks in every process (the web one too): services send them by name, and
        # only a registered task honours CELERY_TASK_ALWAYS_EAGER (no Redis: run in-process).
        from . import tasks  # noqa: F401
