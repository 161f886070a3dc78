from django.apps import AppConfig


class RankingsConfig(AppConfig):
    name = "rankings"

    def ready(self) -> None:
        """Register the tasks in every process (the web one too): services send them by name,
        and only a registered task honours CELERY_TASK_ALWAYS_EAGER (no Redis: run in-process).
        Connect the receivers of what a change to a group or to its ratings means for its
        rankings (groups.signals, ratings.signals), and provide what the ratings pages show of
        the stored rankings (ratings.ranking_facts)."""
        from ratings.ranking_facts import ranking_facts_provide

        from . import receivers, tasks  # noqa: F401
        from .selectors import ranking_results

        ranking_facts_provide(results=ranking_results)
