from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "ratings"

    def ready(self) -> None:
        """Register the tasks in every process (the web one too): services send them by name,
        and only a registered task honours CELERY_TASK_ALWAYS_EAGER (no Redis: run in-process).
        Connect the receivers of what a change to a group means for its rankings
        (groups.signals), and provide what a thread shows of the ratings
        (discussion.rating_facts)."""
        from discussion.rating_facts import rating_facts_provide

        from . import receivers, tasks  # noqa: F401
        from .selectors.citations import author_scores, cited_items

        rating_facts_provide(author_scores=author_scores, cited_items=cited_items)
