from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "exports"
    verbose_name = "CSV export and spreadsheet import"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the tasks in every process, the web one included: services enqueue them by
        # name, and only a registered task honours CELERY_TASK_ALWAYS_EAGER (the embedded mode).
        from . import tasks  # noqa: F401
