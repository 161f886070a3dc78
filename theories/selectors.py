from django.db.models import QuerySet

from .models import Theory


def theory_list() -> QuerySet[Theory]:
    return Theory.objects.order_by("number")
