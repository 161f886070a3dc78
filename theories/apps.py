from django.apps import AppConfig


class TheoriesConfig(AppConfig):
    name = "theories"
