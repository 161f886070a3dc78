from django.db import models


class Theory(models.Model):
    """One item of the longlist of theories of impact for interpretability."""

    number = models.PositiveSmallIntegerField(unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    # [{"number": "2.1", "text": "..."}]: the post's sub-points, in our own words.
    subpoints = models.JSONField(default=list, blank=True)
    source_url = models.URLField()

    class Meta:
        ordering = ["number"]
        verbose_name_plural = "theories"

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"
