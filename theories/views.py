from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Theory
from .selectors import theory_list


def theory_index(request: HttpRequest) -> HttpResponse:
    return render(request, "theories/theory_list.html", {"theories": theory_list()})


def theory_detail(request: HttpRequest, slug: str) -> HttpResponse:
    theory = get_object_or_404(Theory, slug=slug)
    return render(
        request, "theories/theory_detail.html", {"theory": theory, "score_range": range(1, 11)}
    )
