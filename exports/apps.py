from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "exports"
    verbose_name = "CSV export and spreadsheet import"
    default_auto_field = "django.db.models.BigAutoField"
