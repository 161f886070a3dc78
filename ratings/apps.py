from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "ratings"

    def ready(self) -> None:
        """Connect the receiver of what a new group means for its ratings (groups.signals: its
        first round), and provide what a thread shows of the ratings
        (discussion.rating_facts)."""
        from discussion.rating_facts import rating_facts_provide

        from . import receivers  # noqa: F401
        from .selectors.citations import author_scores, cited_items

        rating_facts_provide(author_scores=author_scores, cited_items=cited_items)
